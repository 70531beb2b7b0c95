"""What an incident query means, independent of any database: a tree of typed predicates,
combined with the combinators every predicate tree shares (`predicates.And`, …)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Union

from casedesk.services.search.predicates import And, Everything, Not, Or, Pattern

ValueColumn = Literal["state", "severity", "visibility"]
UserColumn = Literal["commander", "created_by", "modified_by"]
FlagColumn = Literal["is_test", "customer_impacted"]
TimeColumn = Literal["created", "modified", "resolved", "detected", "declared"]


@dataclass(frozen=True)
class ValueIn:
    column: ValueColumn
    values: frozenset[str]


@dataclass(frozen=True)
class TitleMatch:
    pattern: Pattern


@dataclass(frozen=True)
class FieldMatch:
    """A user-defined or built-in field holds a value matching `pattern` (any value: None)."""

    name: str
    pattern: Pattern | None


@dataclass(frozen=True)
class UserIs:
    """`column` names the user with this id, or whose email or handle is `name`; neither set
    means the column is empty (`commander:none`)."""

    column: UserColumn
    id: uuid.UUID | None = None
    name: str | None = None


@dataclass(frozen=True)
class FlagIs:
    column: FlagColumn
    value: bool


@dataclass(frozen=True)
class PublicIdIs:
    value: int


@dataclass(frozen=True)
class TimeRange:
    column: TimeColumn
    low: datetime | None = None
    high: datetime | None = None
    include_low: bool = True
    include_high: bool = True


IncidentPredicate = Union[
    Everything, ValueIn, TitleMatch, FieldMatch, UserIs, FlagIs, PublicIdIs, TimeRange,
    "And[IncidentPredicate]", "Or[IncidentPredicate]", "Not[IncidentPredicate]",
]  # fmt: skip
