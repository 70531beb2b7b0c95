"""Ports for the parts of a case beyond Datadog's model: the write side the unit of work
offers as `uow.case_extras`, and the read side the container offers as `extras`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from casedesk.domain.cases.attachments import Button, ButtonSpec, RecordField
from casedesk.domain.ids import CaseRef
from casedesk.domain.projects.project import Project
from casedesk.domain.users import User

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
class RecordView:
    id: int
    results: list[dict[str, Any]]
    created_at: datetime


class CaseExtrasReads(Protocol):
    """Tines' reads beside its cases (which come from the one case query, `ReadModel`)."""

    def teams(self) -> list[Project]: ...

    def team(self, number: int) -> Project:
        """A live project by its number; raises NotFound."""

    def record(self, record_id: int) -> RecordView: ...

    def comment(self, case: CaseRef, cell_id: uuid.UUID) -> CommentView: ...

    def comment_by_number(self, case: CaseRef, number: int) -> CommentView: ...

    def file(self, case: CaseRef, file_id: int) -> FileView: ...

    def file_content(self, sha256: str) -> bytes: ...

    def user_by_email(self, email: str) -> User | None: ...
