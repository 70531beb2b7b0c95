"""Ports for what is attached to a case with an id of its own: records (stored result sets a
case points at), buttons, reactions to comments, and files. The write side is the unit of
work's `uow.attachments`; the reads answer with one attachment as a dialect shows it (a
comment with its reactions, a file, a record). Cases themselves are read through the one
case query (`ReadModel`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from casedesk.domain.cases.attachments import Button, ButtonSpec, RecordField
from casedesk.domain.ids import CaseRef
from casedesk.domain.users import User
from casedesk.services.ports.access import Visibility

RecordResults = dict[int, list[dict[str, Any]]]


class AttachmentRepository(Protocol):
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


# -- read side ---------------------------------------------------------------------------


@dataclass
class CommentView:
    id: int
    cell_id: uuid.UUID
    message: str
    author: User | None
    created_at: datetime
    updated_at: datetime | None
    # Who posted it, when they posted it on behalf of `author`.
    submitted_by: User | None = None
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


class AttachmentReads(Protocol):
    def record(self, record_id: int) -> RecordView:
        """Raises NotFound."""

    def comment(self, visibility: Visibility, case: CaseRef, cell_id: uuid.UUID) -> CommentView:
        """A live comment of the case, by its timeline cell id; raises NotFound (also for a
        case the caller may not see)."""

    def comment_by_number(self, visibility: Visibility, case: CaseRef, number: int) -> CommentView:
        """A live comment of the case, by its number; raises NotFound."""

    def file(self, visibility: Visibility, case: CaseRef, file_id: int) -> FileView:
        """Raises NotFound."""

    def file_content(self, sha256: str) -> bytes: ...
