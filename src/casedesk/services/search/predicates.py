"""What a case query means, independent of any database: a tree of typed predicates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, Literal, TypeVar, Union

# Columns of a case a predicate may name (the compiler maps them to storage).
EnumColumn = Literal["status", "priority"]
TextColumn = Literal["title", "description", "key"]
RefColumn = Literal["assignee", "creator", "project", "type"]
# `updated_at` is `modified_at`, or `created_at` for a case never changed since (Tines' meaning).
TimeColumn = Literal["created_at", "modified_at", "updated_at", "closed_at", "archived_at"]
DateColumn = Literal["due_date"]


@dataclass(frozen=True)
class Pattern:
    """A case-insensitive text pattern.

    Without `glob`, `text` is matched literally anywhere in the value (`disk` matches "Disk
    full" and "ramdisk"). With `glob`, `*` stands for any run of characters and `?` for one,
    and the pattern must match from the start of a word (`disk*` matches "Full disks")."""

    text: str
    glob: bool = False


@dataclass(frozen=True)
class EnumIn:
    column: EnumColumn
    values: frozenset[str]


@dataclass(frozen=True)
class TextMatch:
    columns: tuple[TextColumn, ...]
    pattern: Pattern


@dataclass(frozen=True)
class KeyIs:
    """A case key, exact (`key:SEC-12`); keys a case had before moving also match."""

    key: str


@dataclass(frozen=True)
class NumberIs:
    """A case's global number (Tines' `case_id`)."""

    number: int


@dataclass(frozen=True)
class RefIs:
    """`column` refers to the thing named by id, email (users), key (projects) or name (types),
    or by number (users and projects: Tines' integer ids).

    `assignee` means any of the case's assignees, not only the first (the one Datadog shows)."""

    column: RefColumn
    id: uuid.UUID | None = None
    name: str | None = None
    number: int | None = None


@dataclass(frozen=True)
class IsSet:
    """The column has a value (`assignee:*`); negate for `assignee:none` / `-assignee:*`."""

    column: Literal["assignee", "closed_at", "archived_at", "due_date"]


@dataclass(frozen=True)
class TimeRange:
    column: TimeColumn
    low: datetime | None = None
    high: datetime | None = None
    include_low: bool = True
    include_high: bool = False


@dataclass(frozen=True)
class DateRange:
    column: DateColumn
    low: date | None = None
    high: date | None = None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class AttributeMatch:
    """A case attribute (`env:prod`); `pattern` None means the key is present at all."""

    key: str
    pattern: Pattern | None


@dataclass(frozen=True)
class CustomAttributeMatch:
    key: str
    pattern: Pattern | None


@dataclass(frozen=True)
class MetadataIs:
    """The case's metadata (Tines' key/value map) holds exactly `value` under `key`."""

    key: str
    value: str


@dataclass(frozen=True)
class InsightMatch:
    field: Literal["type", "resource_id"]
    value: str


# -- combinators: every predicate tree (cases here, incidents in incident_predicates.py) -------

P_co = TypeVar("P_co", covariant=True)


@dataclass(frozen=True)
class Everything:
    pass


@dataclass(frozen=True)
class And(Generic[P_co]):
    items: tuple[P_co, ...]


@dataclass(frozen=True)
class Or(Generic[P_co]):
    items: tuple[P_co, ...]


@dataclass(frozen=True)
class Not(Generic[P_co]):
    item: P_co


Predicate = Union[
    EnumIn, TextMatch, KeyIs, NumberIs, RefIs, IsSet, TimeRange, DateRange, AttributeMatch,
    CustomAttributeMatch, MetadataIs, InsightMatch, Everything, "And[Predicate]", "Or[Predicate]",
    "Not[Predicate]",
]  # fmt: skip
