"""Case commands: one per use case, whichever dialect asks for it. The commands of the other
aggregates of this package sit with them: case types in `case_types.py`, custom attribute
configurations in `custom_attributes.py`, links in `links.py`, views in `views.py`.

A command checks the values it can check alone when it is built (titles, text, tags, metadata,
record ids, emails), so a malformed request is refused before anything is looked up, even
when its target does not exist. Dialect defaults (Tines' P4, "the caller is the assignee")
are filled in by the dialect's mapping, never here. Users are named by `UserRef`, cases by
`CaseRef` (UUID, key or global number).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from casedesk.domain.cases.attachments import ButtonSpec, RecordField
from casedesk.domain.cases.closure import ClosureCondition, clean_conditions
from casedesk.domain.cases.custom_attributes import CustomValueInput
from casedesk.domain.cases.values import (
    Insight,
    clean_attributes,
    clean_comment,
    clean_description,
    clean_metadata,
    clean_record_ids,
    clean_tags,
    clean_title,
)
from casedesk.domain.commands import Command, R_co
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.vocab import STANDARD_CASE_TYPE_ID, CaseStatus, Priority, ResolvedReason, TicketSystem

# -- creating ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateCase(Command[uuid.UUID]):
    """Creates a case with everything at once. `author` (the caller when None) is who opened
    it; `assignees` are in order, the first is the primary. A case asked for CLOSED is opened
    and then closed, so its closure conditions decide, and `resolved_at` backdates the close."""

    title: str
    project: str  # project UUID, key or number
    type_id: uuid.UUID = STANDARD_CASE_TYPE_ID
    description: str = ""
    priority: Priority = Priority.NOT_DEFINED
    status: CaseStatus = CaseStatus.OPEN
    author: UserRef | None = None
    assignees: tuple[UserRef, ...] = ()
    attributes: dict[str, list[str]] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    custom_attributes: dict[str, CustomValueInput] = field(default_factory=dict)
    record_ids: tuple[int, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    closure_conditions: tuple[ClosureCondition, ...] = ()
    buttons: tuple[ButtonSpec, ...] = ()
    opened_at: datetime | None = None
    resolved_at: datetime | None = None

    def __post_init__(self) -> None:
        clean_title(self.title)
        clean_description(self.description)
        clean_attributes(self.attributes)
        clean_tags(self.tags)
        clean_record_ids(self.record_ids)
        clean_metadata(self.metadata)
        clean_conditions(self.closure_conditions)
        if self.resolved_at is not None and self.status is not CaseStatus.CLOSED:
            raise ValidationFailed("resolved_at", "only a closed case has a resolution time")


# -- changing one case -------------------------------------------------------------------


@dataclass(frozen=True)
class CaseCommand(Command[R_co]):
    case: CaseRef


@dataclass(frozen=True)
class ChangeCaseStatus(CaseCommand[uuid.UUID]):
    status: CaseStatus


@dataclass(frozen=True)
class ChangeCasePriority(CaseCommand[uuid.UUID]):
    priority: Priority


@dataclass(frozen=True)
class RetitleCase(CaseCommand[uuid.UUID]):
    title: str

    def __post_init__(self) -> None:
        clean_title(self.title)


@dataclass(frozen=True)
class DescribeCase(CaseCommand[uuid.UUID]):
    description: str

    def __post_init__(self) -> None:
        clean_description(self.description)


@dataclass(frozen=True)
class AssignCase(CaseCommand[uuid.UUID]):
    """Makes `assignee` the primary assignee in place of the current one; others stay."""

    assignee: UserRef


@dataclass(frozen=True)
class UnassignCase(CaseCommand[uuid.UUID]):
    """Removes every assignee."""


@dataclass(frozen=True)
class ChangeCaseAssignees(CaseCommand[uuid.UUID]):
    """Replaces the assignees with `assignees` (None keeps them), then adds and removes."""

    assignees: tuple[UserRef, ...] | None = None
    add_assignees: tuple[UserRef, ...] = ()
    remove_assignees: tuple[UserRef, ...] = ()


@dataclass(frozen=True)
class ArchiveCase(CaseCommand[uuid.UUID]):
    pass


@dataclass(frozen=True)
class UnarchiveCase(CaseCommand[uuid.UUID]):
    pass


@dataclass(frozen=True)
class SetCaseAttributes(CaseCommand[uuid.UUID]):
    """Replaces the whole attribute map; its `tags` are the case's tags."""

    attributes: dict[str, list[str]]

    def __post_init__(self) -> None:
        clean_attributes(self.attributes)


@dataclass(frozen=True)
class ChangeCaseTags(CaseCommand[uuid.UUID]):
    """Replaces the tags with `tags` (None keeps them), then adds and removes."""

    tags: tuple[str, ...] | None = None
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        clean_tags([*(self.tags or ()), *self.add_tags])


@dataclass(frozen=True)
class SetCaseDueDate(CaseCommand[uuid.UUID]):
    due_date: date | None


@dataclass(frozen=True)
class SetCaseResolvedReason(CaseCommand[uuid.UUID]):
    reason: ResolvedReason


@dataclass(frozen=True)
class SetCaseTimes(CaseCommand[uuid.UUID]):
    """Backdates when the case was opened and (once closed) resolved."""

    opened_at: datetime | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class ChangeCaseRecords(CaseCommand[uuid.UUID]):
    add_record_ids: tuple[int, ...] = ()
    remove_record_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        clean_record_ids([*self.add_record_ids, *self.remove_record_ids], "add_record_ids")


@dataclass(frozen=True)
class AddCaseMetadata(CaseCommand[uuid.UUID]):
    """Adds keys the case does not have; existing keys keep their values."""

    values: dict[str, Any]

    def __post_init__(self) -> None:
        clean_metadata(self.values)


@dataclass(frozen=True)
class UpdateCaseMetadata(CaseCommand[uuid.UUID]):
    """Sets the given keys, adding or overwriting them."""

    values: dict[str, Any]

    def __post_init__(self) -> None:
        clean_metadata(self.values)


@dataclass(frozen=True)
class RemoveCaseMetadata(CaseCommand[uuid.UUID]):
    keys: tuple[str, ...]


@dataclass(frozen=True)
class SetClosureConditions(CaseCommand[uuid.UUID]):
    conditions: tuple[ClosureCondition, ...]

    def __post_init__(self) -> None:
        clean_conditions(self.conditions)


@dataclass(frozen=True)
class SetCaseCustomAttribute(CaseCommand[uuid.UUID]):
    key: str
    input: CustomValueInput


@dataclass(frozen=True)
class RemoveCaseCustomAttribute(CaseCommand[uuid.UUID]):
    key: str


@dataclass(frozen=True)
class AddCaseInsights(CaseCommand[uuid.UUID]):
    insights: tuple[Insight, ...]


@dataclass(frozen=True)
class RemoveCaseInsights(CaseCommand[uuid.UUID]):
    insights: tuple[Insight, ...]


@dataclass(frozen=True)
class DeleteCase(CaseCommand[uuid.UUID]):
    pass


@dataclass(frozen=True)
class MoveCaseToProject(CaseCommand[uuid.UUID]):
    project: str  # project UUID or key


@dataclass(frozen=True)
class SendCaseToTicketSystem(CaseCommand[uuid.UUID]):
    """Opens a ticket for the case in an issue tracker (the ticket-sync work carries it out)."""

    system: TicketSystem


# -- many changes in one transaction -----------------------------------------------------


@dataclass(frozen=True)
class ChangeCase(CaseCommand[uuid.UUID]):
    """Several changes to one case in one transaction, run by the single-case handlers; the
    status change runs last (and the opened/resolved stamps after it), so closure conditions
    see the case as changed. `author` (the caller when None) is who makes the changes; every
    change names this command's case."""

    changes: tuple[CaseCommand[object], ...] = ()
    author: UserRef | None = None

    def __post_init__(self) -> None:
        if any(change.case != self.case for change in self.changes):
            raise ValueError("every change of a ChangeCase names its case")


# A bulk update holds every case's row lock until it commits; this bounds that time.
BULK_MAX_CASES = 1000


@dataclass(frozen=True)
class BulkUpdateCases(Command[list[uuid.UUID]]):
    """One change applied to many cases in one transaction: all of them change or none does.

    `changes[i]` is the single-case command for the i-th case of the request, so each case
    goes through the same rules, timeline event and outbox row as a single update."""

    changes: tuple[CaseCommand[uuid.UUID], ...]


# -- comments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentOnCase(CaseCommand[uuid.UUID]):
    """A comment whose author is `author` (the caller when None)."""

    message: str
    author: UserRef | None = None

    def __post_init__(self) -> None:
        clean_comment(self.message)


@dataclass(frozen=True)
class UpdateCaseComment(CaseCommand[uuid.UUID]):
    cell_id: uuid.UUID
    message: str

    def __post_init__(self) -> None:
        clean_comment(self.message)


@dataclass(frozen=True)
class DeleteCaseComment(CaseCommand[uuid.UUID]):
    cell_id: uuid.UUID


@dataclass(frozen=True)
class ReactToComment(CaseCommand[uuid.UUID]):
    comment_number: int
    emoji: str
    add: bool = True


# -- watchers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchCase(CaseCommand[uuid.UUID]):
    user: UserRef


@dataclass(frozen=True)
class UnwatchCase(CaseCommand[uuid.UUID]):
    user: UserRef


# -- buttons, files and records ----------------------------------------------------------


@dataclass(frozen=True)
class AddCaseButton(CaseCommand[int]):
    button: ButtonSpec


@dataclass(frozen=True)
class UpdateCaseButton(CaseCommand[int]):
    button_id: int
    button_type: str | None = None
    url: str | None = None
    label: str | None = None
    button_text: str | None = None


@dataclass(frozen=True)
class DeleteCaseButton(CaseCommand[int]):
    button_id: int


@dataclass(frozen=True)
class ReplaceCaseButtons(CaseCommand[int]):
    buttons: tuple[ButtonSpec, ...]


@dataclass(frozen=True)
class AttachFile(CaseCommand[int]):
    filename: str
    content: bytes
    content_type: str
    comment: str = ""
    author: UserRef | None = None


@dataclass(frozen=True)
class CreateRecord(Command[int]):
    fields: tuple[RecordField, ...]
