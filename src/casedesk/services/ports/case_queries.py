"""The one read side of cases: a query (filter, sort, page, includes) and the read objects it
answers with. Every dialect renders a case from these, never from the `Case` aggregate, which
only the write side loads."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from casedesk.domain.cases.attachments import Button
from casedesk.domain.cases.values import Insight
from casedesk.domain.users import User
from casedesk.domain.vocab import CaseStatus, Priority, ResolvedReason
from casedesk.services.ports.access import Visibility
from casedesk.services.search.predicates import Everything, Predicate

# The most recent activities a case answers with; a case's feed rarely comes near.
ACTIVITIES_MAX = 1000


class Include(StrEnum):
    """What a case query loads beside each case's own fields."""

    PROJECT = "project"  # the project's name and number
    ACTIVITIES = "activities"  # the newest timeline events, oldest first
    BUTTONS = "buttons"
    RECORDS = "records"  # the records the case refers to, in its order, with their results
    LINKS = "links"  # the cases linked to it, either way round
    WATCHERS = "watchers"


class CaseSortField(StrEnum):
    CREATED = "created"
    UPDATED = "updated"  # last change, or creation for a case never changed
    OPENED = "opened"  # when it was (re)opened, or creation
    PRIORITY = "priority"  # by urgency: descending is the most urgent first
    STATUS = "status"  # open, in progress, closed


@dataclass(frozen=True)
class CaseSort:
    """Ties are broken by case number in the same direction, so pages are stable."""

    field: CaseSortField = CaseSortField.CREATED
    ascending: bool = False


@dataclass(frozen=True)
class CaseQuery:
    # What the caller may see (services/access.py); required, so no search forgets it.
    visibility: Visibility
    filter: Predicate = field(default_factory=Everything)
    sort: CaseSort = field(default_factory=CaseSort)
    page_number: int = 1  # 1-based
    page_size: int = 10
    include: frozenset[Include] = frozenset()
    activities_max: int = ACTIVITIES_MAX


@dataclass(frozen=True)
class CaseSummary:
    """A case's own fields, as stored; `assignee_ids` are in order, the first being the one
    Datadog shows."""

    id: uuid.UUID
    number: int
    key: str
    project_id: uuid.UUID
    type_id: uuid.UUID
    title: str
    description: str
    priority: Priority
    status: CaseStatus
    created_by: uuid.UUID
    created_at: datetime
    modified_by: uuid.UUID | None
    modified_at: datetime | None
    closed_at: datetime | None
    archived_at: datetime | None
    due_date: date | None
    resolved_reason: ResolvedReason | None
    attributes: Mapping[str, list[str]]
    custom_attributes: Mapping[str, Any]
    insights: tuple[Insight, ...]
    assignee_ids: tuple[uuid.UUID, ...]
    metadata: Mapping[str, Any]
    closure_conditions: tuple[Mapping[str, str], ...]  # {name, formula}
    opened_at: datetime | None
    opened_by: uuid.UUID | None
    closed_by: uuid.UUID | None

    @property
    def assignee_id(self) -> uuid.UUID | None:
        return self.assignee_ids[0] if self.assignee_ids else None

    @property
    def user_ids(self) -> set[uuid.UUID]:
        """Everyone the case's own fields name."""
        named = (self.created_by, self.modified_by, self.opened_by, self.closed_by, *self.assignee_ids)
        return {u for u in named if u is not None}


@dataclass(frozen=True)
class ProjectSummary:
    id: uuid.UUID
    key: str
    name: str
    number: int


@dataclass(frozen=True)
class Activity:
    """A timeline event of the case; `id` is its sequence number."""

    id: int
    kind: str
    actor: User | None
    created_at: datetime
    data: Mapping[str, Any]
    # Who made it, when they made it on behalf of `actor` (the user named as its author).
    submitted_by: User | None = None


@dataclass(frozen=True)
class AttachedRecord:
    id: int
    results: tuple[Mapping[str, Any], ...]  # {id, name, value}


@dataclass(frozen=True)
class LinkedCase:
    number: int
    title: str


@dataclass(frozen=True)
class CaseDetail:
    """A case and what the query included; collections not asked for are empty.

    `users` holds every user the case and its included parts name (a page shares one map);
    `case_numbers` the numbers of the cases its activities name, by id."""

    case: CaseSummary
    users: Mapping[uuid.UUID, User] = field(default_factory=dict)
    project: ProjectSummary | None = None
    activities: tuple[Activity, ...] = ()
    buttons: tuple[Button, ...] = ()
    records: tuple[AttachedRecord, ...] = ()
    linked: tuple[LinkedCase, ...] = ()
    watchers: tuple[User, ...] = ()
    case_numbers: Mapping[uuid.UUID, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CasePage:
    cases: tuple[CaseDetail, ...]
    total: int  # how many match in all
