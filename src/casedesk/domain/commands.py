"""Commands: what a caller asks the core to do, already parsed into domain values.

Entry points parse ids, enums and dates while building a command; handlers check the
remaining values (titles, comments, attributes) before they look anything up, so malformed
input is refused even when its target does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from casedesk.domain.cases.case import Insight
from casedesk.domain.cases.custom_attributes import CustomAttributeType
from casedesk.domain.cases.links import EntityRef, Relationship
from casedesk.domain.ids import CaseRef
from casedesk.domain.projects.settings import ProjectSettings
from casedesk.domain.users import IssuedKeys
from casedesk.domain.vocab import CaseStatus, Priority, ResolvedReason, Scope


@dataclass(frozen=True)
class CustomValueInput:
    """A custom attribute value as sent: its claimed type and shape, and the raw value."""

    type: CustomAttributeType
    is_multi: bool
    value: Any


# What handling a command returns. Covariant: a command that yields a UUID is a command that
# yields an object, so one registry can hold every command type.
R_co = TypeVar("R_co", covariant=True)


@dataclass(frozen=True)
class Command(Generic[R_co]):
    """A request to change something; `R_co` is what handling it returns, so
    `bus.handle(CreateCase(...))` is typed as the new case's UUID."""


# -- cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateCase(Command[uuid.UUID]):
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


@dataclass(frozen=True)
class DescribeCase(CaseCommand[uuid.UUID]):
    description: str


@dataclass(frozen=True)
class AssignCase(CaseCommand[uuid.UUID]):
    assignee_id: uuid.UUID


@dataclass(frozen=True)
class UnassignCase(CaseCommand[uuid.UUID]):
    pass


@dataclass(frozen=True)
class ArchiveCase(CaseCommand[uuid.UUID]):
    pass


@dataclass(frozen=True)
class UnarchiveCase(CaseCommand[uuid.UUID]):
    pass


@dataclass(frozen=True)
class SetCaseAttributes(CaseCommand[uuid.UUID]):
    attributes: dict[str, list[str]]


@dataclass(frozen=True)
class SetCaseDueDate(CaseCommand[uuid.UUID]):
    due_date: date | None


@dataclass(frozen=True)
class SetCaseResolvedReason(CaseCommand[uuid.UUID]):
    reason: ResolvedReason


@dataclass(frozen=True)
class CommentOnCase(CaseCommand[uuid.UUID]):
    message: str


@dataclass(frozen=True)
class UpdateCaseComment(CaseCommand[uuid.UUID]):
    cell_id: uuid.UUID
    message: str


@dataclass(frozen=True)
class DeleteCaseComment(CaseCommand[uuid.UUID]):
    cell_id: uuid.UUID


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


# A bulk update holds every case's row lock until it commits; this bounds that time.
BULK_MAX_CASES = 1000


@dataclass(frozen=True)
class BulkUpdateCases(Command[list[uuid.UUID]]):
    """One change applied to many cases in one transaction: all of them change or none does.

    `changes[i]` is the single-case command for the i-th case of the request, so each case
    goes through the same rules, timeline event and outbox row as a single update."""

    changes: tuple[CaseCommand[uuid.UUID], ...]


# -- case types and their custom attributes ----------------------------------------------


@dataclass(frozen=True)
class CreateCaseType(Command[uuid.UUID]):
    name: str
    description: str = ""
    emoji: str = ""


@dataclass(frozen=True)
class UpdateCaseType(Command[uuid.UUID]):
    type_id: uuid.UUID
    name: str | None = None
    description: str | None = None
    emoji: str | None = None


@dataclass(frozen=True)
class DeleteCaseType(Command[uuid.UUID]):
    type_id: uuid.UUID


@dataclass(frozen=True)
class CreateCustomAttributeConfig(Command[uuid.UUID]):
    type_id: uuid.UUID
    key: str
    display_name: str
    type: CustomAttributeType
    is_multi: bool
    description: str = ""
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class UpdateCustomAttributeConfig(Command[uuid.UUID]):
    type_id: uuid.UUID
    config_id: uuid.UUID
    display_name: str | None = None
    description: str | None = None
    type: CustomAttributeType | None = None
    options: tuple[str, ...] | None = None


@dataclass(frozen=True)
class DeleteCustomAttributeConfig(Command[uuid.UUID]):
    type_id: uuid.UUID
    config_id: uuid.UUID


# -- links, watchers, moves --------------------------------------------------------------


@dataclass(frozen=True)
class CreateCaseLink(Command[uuid.UUID]):
    parent: EntityRef
    child: EntityRef
    relationship: Relationship


@dataclass(frozen=True)
class DeleteCaseLink(Command[uuid.UUID]):
    link_id: uuid.UUID


@dataclass(frozen=True)
class WatchCase(CaseCommand[uuid.UUID]):
    user_id: uuid.UUID


@dataclass(frozen=True)
class UnwatchCase(CaseCommand[uuid.UUID]):
    user_id: uuid.UUID


@dataclass(frozen=True)
class MoveCaseToProject(CaseCommand[uuid.UUID]):
    project: str  # project UUID or key


# -- case views and maintenance windows --------------------------------------------------


@dataclass(frozen=True)
class CreateCaseView(Command[uuid.UUID]):
    project_id: uuid.UUID
    name: str
    query: str
    np_rule_id: str | None = None


@dataclass(frozen=True)
class UpdateCaseView(Command[uuid.UUID]):
    view_id: uuid.UUID
    name: str | None = None
    query: str | None = None
    np_rule_id: str | None = None


@dataclass(frozen=True)
class DeleteCaseView(Command[uuid.UUID]):
    view_id: uuid.UUID


@dataclass(frozen=True)
class CreateMaintenanceWindow(Command[uuid.UUID]):
    name: str
    query: str
    start_at: datetime
    end_at: datetime


@dataclass(frozen=True)
class UpdateMaintenanceWindow(Command[uuid.UUID]):
    window_id: uuid.UUID
    name: str | None = None
    query: str | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None


@dataclass(frozen=True)
class DeleteMaintenanceWindow(Command[uuid.UUID]):
    window_id: uuid.UUID


# -- projects ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateProject(Command[uuid.UUID]):
    name: str
    key: str
    handle: str | None = None
    enabled_custom_case_types: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class UpdateProject(Command[uuid.UUID]):
    project_id: uuid.UUID
    name: str | None = None
    handle: str | None = None
    # The sections sent; each replaces the project's section of that name.
    settings: ProjectSettings | None = None
    enabled_custom_case_types: list[str] | None = None


@dataclass(frozen=True)
class DeleteProject(Command[uuid.UUID]):
    project_id: uuid.UUID


@dataclass(frozen=True)
class FavoriteProject(Command[uuid.UUID]):
    project_id: uuid.UUID


@dataclass(frozen=True)
class UnfavoriteProject(Command[uuid.UUID]):
    project_id: uuid.UUID


# -- users and keys ----------------------------------------------------------------------


@dataclass(frozen=True)
class CreateUser(Command[uuid.UUID]):
    email: str
    name: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class DisableUser(Command[uuid.UUID]):
    user_id: uuid.UUID


@dataclass(frozen=True)
class CreateKeys(Command[IssuedKeys]):
    """Creates an API key and an application key for `user_email` (the CLI's `keys create`)."""

    user_email: str
    scopes: frozenset[Scope]
    name: str = "default"
