"""Commands: what a caller asks the core to do, already parsed into domain values.

Entry points parse ids, enums and dates while building a command; handlers check the
remaining values (titles, comments, attributes) before they look anything up, so malformed
input is refused even when its target does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from casedesk.domain.cases.case import Insight
from casedesk.domain.cases.custom_attributes import CustomAttributeType
from casedesk.domain.cases.links import EntityRef, Relationship
from casedesk.domain.ids import CaseRef
from casedesk.domain.vocab import CaseStatus, Priority, ResolvedReason, Scope


@dataclass(frozen=True)
class CustomValueInput:
    """A custom attribute value as sent: its claimed type and shape, and the raw value."""

    type: CustomAttributeType
    is_multi: bool
    value: Any


@dataclass(frozen=True)
class Command:
    pass


# -- cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateCase(Command):
    title: str
    project: str  # project UUID or key
    type_id: uuid.UUID
    description: str = ""
    priority: Priority = Priority.NOT_DEFINED
    status: CaseStatus = CaseStatus.OPEN
    assignee_id: uuid.UUID | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)
    custom_attributes: dict[str, CustomValueInput] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseCommand(Command):
    case: CaseRef


@dataclass(frozen=True)
class ChangeCaseStatus(CaseCommand):
    status: CaseStatus


@dataclass(frozen=True)
class ChangeCasePriority(CaseCommand):
    priority: Priority


@dataclass(frozen=True)
class RetitleCase(CaseCommand):
    title: str


@dataclass(frozen=True)
class DescribeCase(CaseCommand):
    description: str


@dataclass(frozen=True)
class AssignCase(CaseCommand):
    assignee_id: uuid.UUID


@dataclass(frozen=True)
class UnassignCase(CaseCommand):
    pass


@dataclass(frozen=True)
class ArchiveCase(CaseCommand):
    pass


@dataclass(frozen=True)
class UnarchiveCase(CaseCommand):
    pass


@dataclass(frozen=True)
class SetCaseAttributes(CaseCommand):
    attributes: dict[str, list[str]]


@dataclass(frozen=True)
class SetCaseDueDate(CaseCommand):
    due_date: date | None


@dataclass(frozen=True)
class SetCaseResolvedReason(CaseCommand):
    reason: ResolvedReason


@dataclass(frozen=True)
class CommentOnCase(CaseCommand):
    message: str


@dataclass(frozen=True)
class UpdateCaseComment(CaseCommand):
    cell_id: uuid.UUID
    message: str


@dataclass(frozen=True)
class DeleteCaseComment(CaseCommand):
    cell_id: uuid.UUID


@dataclass(frozen=True)
class SetCaseCustomAttribute(CaseCommand):
    key: str
    input: CustomValueInput


@dataclass(frozen=True)
class RemoveCaseCustomAttribute(CaseCommand):
    key: str


@dataclass(frozen=True)
class AddCaseInsights(CaseCommand):
    insights: tuple[Insight, ...]


@dataclass(frozen=True)
class RemoveCaseInsights(CaseCommand):
    insights: tuple[Insight, ...]


# A bulk update holds every case's row lock until it commits; this bounds that time.
BULK_MAX_CASES = 1000


@dataclass(frozen=True)
class BulkUpdateCases(Command):
    """One change applied to many cases in one transaction: all of them change or none does.

    `changes[i]` is the single-case command for the i-th case of the request, so each case
    goes through the same rules, timeline event and outbox row as a single update."""

    changes: tuple[CaseCommand, ...]


# -- case types and their custom attributes ----------------------------------------------


@dataclass(frozen=True)
class CreateCaseType(Command):
    name: str
    description: str = ""
    emoji: str = ""


@dataclass(frozen=True)
class UpdateCaseType(Command):
    type_id: uuid.UUID
    name: str | None = None
    description: str | None = None
    emoji: str | None = None


@dataclass(frozen=True)
class DeleteCaseType(Command):
    type_id: uuid.UUID


@dataclass(frozen=True)
class CreateCustomAttributeConfig(Command):
    type_id: uuid.UUID
    key: str
    display_name: str
    type: CustomAttributeType
    is_multi: bool
    description: str = ""
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class UpdateCustomAttributeConfig(Command):
    type_id: uuid.UUID
    config_id: uuid.UUID
    display_name: str | None = None
    description: str | None = None
    type: CustomAttributeType | None = None
    options: tuple[str, ...] | None = None


@dataclass(frozen=True)
class DeleteCustomAttributeConfig(Command):
    type_id: uuid.UUID
    config_id: uuid.UUID


# -- links, watchers, moves --------------------------------------------------------------


@dataclass(frozen=True)
class CreateCaseLink(Command):
    parent: EntityRef
    child: EntityRef
    relationship: Relationship


@dataclass(frozen=True)
class DeleteCaseLink(Command):
    link_id: uuid.UUID


@dataclass(frozen=True)
class WatchCase(CaseCommand):
    user_id: uuid.UUID


@dataclass(frozen=True)
class UnwatchCase(CaseCommand):
    user_id: uuid.UUID


@dataclass(frozen=True)
class MoveCaseToProject(CaseCommand):
    project: str  # project UUID or key


# -- case views and maintenance windows --------------------------------------------------


@dataclass(frozen=True)
class CreateCaseView(Command):
    project_id: uuid.UUID
    name: str
    query: str
    np_rule_id: str | None = None


@dataclass(frozen=True)
class UpdateCaseView(Command):
    view_id: uuid.UUID
    name: str | None = None
    query: str | None = None
    np_rule_id: str | None = None


@dataclass(frozen=True)
class DeleteCaseView(Command):
    view_id: uuid.UUID


@dataclass(frozen=True)
class CreateMaintenanceWindow(Command):
    name: str
    query: str
    start_at: datetime
    end_at: datetime


@dataclass(frozen=True)
class UpdateMaintenanceWindow(Command):
    window_id: uuid.UUID
    name: str | None = None
    query: str | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None


@dataclass(frozen=True)
class DeleteMaintenanceWindow(Command):
    window_id: uuid.UUID


# -- projects ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateProject(Command):
    name: str
    key: str
    handle: str | None = None
    enabled_custom_case_types: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class UpdateProject(Command):
    project_id: uuid.UUID
    name: str | None = None
    handle: str | None = None
    settings: dict[str, Any] | None = None
    enabled_custom_case_types: list[str] | None = None


@dataclass(frozen=True)
class DeleteProject(Command):
    project_id: uuid.UUID


@dataclass(frozen=True)
class FavoriteProject(Command):
    project_id: uuid.UUID


@dataclass(frozen=True)
class UnfavoriteProject(Command):
    project_id: uuid.UUID


# -- users and keys ----------------------------------------------------------------------


@dataclass(frozen=True)
class CreateUser(Command):
    email: str
    name: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class DisableUser(Command):
    user_id: uuid.UUID


@dataclass(frozen=True)
class CreateKeys(Command):
    """Creates an API key and an application key for `user_email` (the CLI's `keys create`)."""

    user_email: str
    scopes: frozenset[Scope]
    name: str = "default"
