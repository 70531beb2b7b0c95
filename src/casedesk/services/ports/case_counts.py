"""Counting cases by facet: the facets, their parsing, and the results the read model returns.

A facet value is what people filter by in the search syntax: a status or priority name, an
assignee's email (`none` for unassigned cases), a project key, a case type name."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from casedesk.domain.errors import ValidationFailed

# Groups a count may return per facet (or combinations an aggregation may return).
MAX_GROUPS = 1000
UNASSIGNED = "none"


class CaseFacet(enum.Enum):
    STATUS = "status"
    PRIORITY = "priority"
    ASSIGNEE = "assignee"
    PROJECT = "project"
    TYPE = "type"


Facets = tuple[CaseFacet, ...]


def parse_facet(name: str, field: str) -> CaseFacet:
    """A facet by name, case-insensitive; raises ValidationFailed(field, ...) naming it."""
    try:
        return CaseFacet(name.strip().lower())
    except ValueError:
        allowed = ", ".join(f.value for f in CaseFacet)
        raise ValidationFailed(field, f"cannot group by {name.strip()!r}; use one of {allowed}") from None


def distinct(facets: Iterable[CaseFacet]) -> Facets:
    """The facets in the order given, repeats dropped (grouping twice by one facet adds nothing)."""
    return tuple(dict.fromkeys(facets))


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass
class FacetCounts:
    """The most frequent values of one facet, most frequent first."""

    facet: CaseFacet
    values: list[FacetValue] = field(default_factory=list)


@dataclass
class CaseCounts:
    total: int
    facets: list[FacetCounts] = field(default_factory=list)


@dataclass(frozen=True)
class FacetCombination:
    """One combination of facet values (in the order the facets were asked for) and its count."""

    values: tuple[str, ...]
    count: int


@dataclass
class CaseAggregation:
    total: int
    facets: Facets = ()
    groups: list[FacetCombination] = field(default_factory=list)
