"""Ports for the parts of a case beyond Datadog's model: the write side the unit of work
offers as `uow.case_extras`, and the read side the container offers as `extras`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from casedesk.domain.cases.attachments import Button, ButtonSpec, RecordField
from casedesk.domain.cases.case import Case
from casedesk.domain.ids import CaseRef
from casedesk.domain.projects.project import Project
from casedesk.domain.users import User
from casedesk.domain.vocab import CaseStatus, Priority

RecordResults = dict[int, list[dict[str, Any]]]


class CaseExtrasRepository(Protocol):
    def case_id(self, number: int) -> uuid.UUID:
        """The UUID of the case with this number; raises NotFound."""

    def user_ids(self, numbers: list[int]) -> list[uuid.UUID]:
        """The ids of the active users with these numbers (unknown numbers are skipped)."""

    def missing_records(self, record_ids: list[int]) -> list[int]:
        """The ids among `record_ids` that name no record."""

    def record_results(self, record_ids: list[int]) -> RecordResults: ...

    def add_record(self, fields: tuple[RecordField, ...], actor: uuid.UUID, now: datetime) -> int: ...

    def buttons(self, case_id: uuid.UUID) -> list[Button]: ...

    def add_button(self, case_id: uuid.UUID, spec: ButtonSpec, now: datetime) -> int: ...

    def get_button(self, case_id: uuid.UUID, button_id: int) -> Button:
        """Raises NotFound."""

    def save_button(self, button: Button) -> None: ...

    def delete_button(self, button: Button) -> None: ...

    def comment_cell(self, case_id: uuid.UUID, number: int) -> uuid.UUID:
        """The timeline cell id of the case's live comment with this number; raises NotFound."""

    def set_reaction(
        self, cell_id: uuid.UUID, user_id: uuid.UUID, emoji: str, add: bool, now: datetime
    ) -> bool:
        """Adds or removes one reaction; whether anything changed."""

    def add_file(
        self,
        case_id: uuid.UUID,
        filename: str,
        content_type: str,
        content: bytes,
        comment: str,
        actor: uuid.UUID,
        now: datetime,
    ) -> int:
        """Stores the bytes once per content hash; returns the attachment's id."""

    def delete_case(self, case_id: uuid.UUID) -> None:
        """Removes the case and everything attached to it (its timeline stays)."""


# -- read side ---------------------------------------------------------------------------


@dataclass
class Activity:
    id: int
    kind: str
    actor: User | None
    created_at: datetime
    data: dict[str, Any]


@dataclass
class CommentView:
    id: int
    cell_id: uuid.UUID
    message: str
    author: User | None
    created_at: datetime
    updated_at: datetime | None
    reactions: list[tuple[str, User, datetime]] = field(default_factory=list)


@dataclass
class FileView:
    id: int
    case_number: int
    filename: str
    content_type: str
    sha256: str
    md5: str
    size: int
    comment: str
    author: User | None
    created_at: datetime
    activity_id: int | None = None


@dataclass
class CaseBundle:
    """A case with everything its Tines presentation shows."""

    case: Case
    project: Project | None
    users: dict[uuid.UUID, User] = field(default_factory=dict)
    records: RecordResults = field(default_factory=dict)
    buttons: list[Button] = field(default_factory=list)
    linked: list[tuple[int, str]] = field(default_factory=list)  # (number, title)
    activities: list[Activity] = field(default_factory=list)
    # Users and case numbers that activities refer to, by UUID.
    case_numbers: dict[uuid.UUID, int] = field(default_factory=dict)


ORDERS = (
    "RECENTLY_EDITED",
    "LEAST_RECENTLY_EDITED",
    "PRIORITY_ASC",
    "PRIORITY_DESC",
    "OPENED_ASC",
    "OPENED_DESC",
    "CREATED_ASC",
    "CREATED_DESC",
)


@dataclass(frozen=True)
class CaseListQuery:
    """Filters combine with AND; within one list filter, values combine with OR unless
    the name says otherwise (`tags` are all required, `or_tags` any)."""

    project_id: uuid.UUID | None = None
    status: CaseStatus | None = None  # OPEN means not closed
    priorities: tuple[Priority, ...] = ()
    tags: tuple[str, ...] = ()
    or_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    assignee_numbers: tuple[int, ...] = ()
    assignee_emails: tuple[str, ...] = ()
    assigned_to: uuid.UUID | None = None
    unassigned: bool = False
    author_emails: tuple[str, ...] = ()
    case_numbers: tuple[int, ...] = ()
    search: str | None = None
    metadata: tuple[tuple[str, str], ...] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    resolved_from: datetime | None = None
    resolved_to: datetime | None = None
    order: str = "CREATED_DESC"
    page: int = 1
    per_page: int = 20


@dataclass
class RecordView:
    id: int
    results: list[dict[str, Any]]
    created_at: datetime


class CaseExtrasReads(Protocol):
    def bundle(self, ref: CaseRef) -> CaseBundle:
        """Raises NotFound."""

    def list_cases(self, query: CaseListQuery) -> tuple[list[CaseBundle], int]:
        """A page of cases (without their activities) and how many match in all."""

    def teams(self) -> list[Project]: ...

    def team(self, number: int) -> Project:
        """A live project by its number; raises NotFound."""

    def record(self, record_id: int) -> RecordView: ...

    def comment(self, case: CaseRef, cell_id: uuid.UUID) -> CommentView: ...

    def comment_by_number(self, case: CaseRef, number: int) -> CommentView: ...

    def file(self, case: CaseRef, file_id: int) -> FileView: ...

    def file_content(self, sha256: str) -> bytes: ...

    def user_by_email(self, email: str) -> User | None: ...
