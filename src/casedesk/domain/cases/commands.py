"""Commands over what a case holds beyond Datadog's model (see `case_extras`), and over the
parts attached to it (see `case_parts`). Tines' dialect is their first caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from casedesk.domain.cases.attachments import ButtonSpec, RecordField
from casedesk.domain.cases.mixin import ClosureCondition
from casedesk.domain.commands import CaseCommand, Command
from casedesk.domain.vocab import CaseStatus, Priority


@dataclass(frozen=True)
class OpenCase(Command):
    """Creates a case with everything at once. `assignee_emails` None means "the caller";
    `author_email` None means the caller is the author."""

    project: str  # project UUID, key or number
    title: str
    description: str = ""
    priority: Priority = Priority.P4
    status: CaseStatus = CaseStatus.OPEN
    author_email: str | None = None
    assignee_emails: tuple[str, ...] | None = None
    tags: tuple[str, ...] = ()
    record_ids: tuple[int, ...] = ()
    opened_at: datetime | None = None
    resolved_at: datetime | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    buttons: tuple[ButtonSpec, ...] = ()
    closure_conditions: tuple[ClosureCondition, ...] = ()


@dataclass(frozen=True)
class UpdateCase(CaseCommand):
    """Changes any of the given parts (None leaves a part alone) in one transaction; a status
    change is applied last, so closure conditions see the case as updated."""

    title: str | None = None
    description: str | None = None
    priority: Priority | None = None
    status: CaseStatus | None = None
    author_email: str | None = None
    assignee_emails: tuple[str, ...] | None = None
    add_assignee_emails: tuple[str, ...] = ()
    remove_assignee_emails: tuple[str, ...] = ()
    tags: tuple[str, ...] | None = None
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    add_record_ids: tuple[int, ...] = ()
    remove_record_ids: tuple[int, ...] = ()
    opened_at: datetime | None = None
    resolved_at: datetime | None = None
    metadata: dict[str, Any] | None = None
    buttons: tuple[ButtonSpec, ...] | None = None
    closure_conditions: tuple[ClosureCondition, ...] | None = None


@dataclass(frozen=True)
class DeleteCase(CaseCommand):
    pass


@dataclass(frozen=True)
class CommentAs(CaseCommand):
    """A comment whose author is `author_email` (the caller when None)."""

    message: str
    author_email: str | None = None


@dataclass(frozen=True)
class ReactToComment(CaseCommand):
    comment_number: int
    emoji: str
    add: bool = True


@dataclass(frozen=True)
class SubscribeToCase(CaseCommand):
    user_email: str


@dataclass(frozen=True)
class UnsubscribeFromCase(CaseCommand):
    user_email: str


@dataclass(frozen=True)
class AddCaseButton(CaseCommand):
    button: ButtonSpec


@dataclass(frozen=True)
class UpdateCaseButton(CaseCommand):
    button_id: int
    button_type: str | None = None
    url: str | None = None
    label: str | None = None
    button_text: str | None = None


@dataclass(frozen=True)
class DeleteCaseButton(CaseCommand):
    button_id: int


@dataclass(frozen=True)
class AddCaseMetadata(CaseCommand):
    """Adds keys the case does not have; existing keys keep their values."""

    values: dict[str, Any]


@dataclass(frozen=True)
class UpdateCaseMetadata(CaseCommand):
    """Sets the given keys, adding or overwriting them."""

    values: dict[str, Any]


@dataclass(frozen=True)
class RemoveCaseMetadata(CaseCommand):
    keys: tuple[str, ...]


@dataclass(frozen=True)
class LinkCaseNumber(CaseCommand):
    """Relates the case to the case numbered `other` (both directions, one link)."""

    other: int


@dataclass(frozen=True)
class UnlinkCaseNumber(CaseCommand):
    other: int


@dataclass(frozen=True)
class AttachFile(CaseCommand):
    filename: str
    content: bytes
    content_type: str
    comment: str = ""
    author_email: str | None = None


@dataclass(frozen=True)
class CreateRecord(Command):
    fields: tuple[RecordField, ...]


# Every one of these changes a case or what is attached to one.
EXTRA_COMMANDS: tuple[type[Command], ...] = (
    OpenCase, UpdateCase, DeleteCase, CommentAs, ReactToComment, SubscribeToCase,
    UnsubscribeFromCase, AddCaseButton, UpdateCaseButton, DeleteCaseButton, AddCaseMetadata,
    UpdateCaseMetadata, RemoveCaseMetadata, LinkCaseNumber, UnlinkCaseNumber, AttachFile, CreateRecord,
)  # fmt: skip
