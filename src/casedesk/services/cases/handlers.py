"""Case use cases: load, ask the aggregate, and let the bus commit once."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain import commands as c
from casedesk.domain.cases.case import (
    Case,
    clean_attributes,
    clean_comment,
    clean_description,
    clean_title,
    refuse_closed_creation,
)
from casedesk.domain.cases.custom_attributes import CustomAttributeConfig
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.users import Principal
from casedesk.services.cases.closure import closure_view
from casedesk.services.ports.uow import UnitOfWork


def _active_user(uow: UnitOfWork, user_id: uuid.UUID, field: str) -> uuid.UUID:
    try:
        user = uow.users.get(user_id)
    except NotFound:
        raise ValidationFailed(field, f"user {user_id} does not exist") from None
    if user.disabled:
        raise ValidationFailed(field, f"user {user.email} is disabled")
    return user.id


def create_case(uow: UnitOfWork, cmd: c.CreateCase, who: Principal, now: datetime) -> uuid.UUID:
    # Malformed values are refused before any lookup, even when the project or case is unknown.
    clean_title(cmd.title)
    clean_description(cmd.description)
    clean_attributes(cmd.attributes)
    refuse_closed_creation(cmd.status)
    project = uow.projects.get(cmd.project)
    case_type = uow.case_types.get(cmd.type_id)
    assignee = _active_user(uow, cmd.assignee_id, "assignee") if cmd.assignee_id else None
    configs = [
        (_custom_attribute(uow, case_type.id, key, "custom_attributes"), given)
        for key, given in cmd.custom_attributes.items()
    ]
    # Last: from here to the commit, other creations in the project wait (next_numbers).
    number, in_project = uow.cases.next_numbers(project.id)
    case = Case.open(
        number=number,
        project_id=project.id,
        key=project.case_key(in_project),
        case_type=case_type,
        title=cmd.title,
        description=cmd.description,
        priority=cmd.priority,
        status=cmd.status,
        assignee_id=assignee,
        attributes=cmd.attributes,
        actor=who.user_id,
        now=now,
    )
    for config, given in configs:
        case.set_custom_attribute(config, given.type, given.is_multi, given.value, who.user_id, now)
    uow.cases.add(case)
    return case.id


def _custom_attribute(uow: UnitOfWork, type_id: uuid.UUID, key: str, field: str) -> CustomAttributeConfig:
    config = uow.custom_attributes.find(type_id, key)
    if config is None:
        raise ValidationFailed(field, f"the case's type has no custom attribute {key!r}")
    return config


def _defined_custom_attribute(uow: UnitOfWork, type_id: uuid.UUID, key: str) -> CustomAttributeConfig:
    """The configuration a `{custom_attribute_key}` path names: a key the case's type does not
    define names no resource, so it is a 404 (a body member naming one is a 400)."""
    config = uow.custom_attributes.find(type_id, key)
    if config is None:
        raise NotFound(f"custom attribute {key!r} of the case's type", key)
    return config


def set_custom_attribute(
    uow: UnitOfWork, cmd: c.SetCaseCustomAttribute, who: Principal, now: datetime
) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    config = _defined_custom_attribute(uow, case.type_id, cmd.key)
    case.set_custom_attribute(config, cmd.input.type, cmd.input.is_multi, cmd.input.value, who.user_id, now)
    return case.id


def remove_custom_attribute(
    uow: UnitOfWork, cmd: c.RemoveCaseCustomAttribute, who: Principal, now: datetime
) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    config = _defined_custom_attribute(uow, case.type_id, cmd.key)
    case.remove_custom_attribute(config.key, who.user_id, now)
    return case.id


def add_insights(uow: UnitOfWork, cmd: c.AddCaseInsights, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.add_insights(list(cmd.insights), who.user_id, now)
    return case.id


def remove_insights(uow: UnitOfWork, cmd: c.RemoveCaseInsights, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.remove_insights(list(cmd.insights), who.user_id, now)
    return case.id


def change_status(uow: UnitOfWork, cmd: c.ChangeCaseStatus, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case_type = uow.case_types.get(case.type_id)
    case.change_status(cmd.status, case_type, who.user_id, now, view=lambda: closure_view(uow, case))
    return case.id


def change_priority(uow: UnitOfWork, cmd: c.ChangeCasePriority, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.change_priority(cmd.priority, who.user_id, now)
    return case.id


def retitle(uow: UnitOfWork, cmd: c.RetitleCase, who: Principal, now: datetime) -> uuid.UUID:
    clean_title(cmd.title)
    case = uow.cases.get(cmd.case)
    case.retitle(cmd.title, who.user_id, now)
    return case.id


def describe(uow: UnitOfWork, cmd: c.DescribeCase, who: Principal, now: datetime) -> uuid.UUID:
    clean_description(cmd.description)
    case = uow.cases.get(cmd.case)
    case.describe(cmd.description, who.user_id, now)
    return case.id


def assign(uow: UnitOfWork, cmd: c.AssignCase, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.assign(_active_user(uow, cmd.assignee_id, "assignee_id"), who.user_id, now)
    return case.id


def unassign(uow: UnitOfWork, cmd: c.UnassignCase, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.unassign(who.user_id, now)
    return case.id


def archive(uow: UnitOfWork, cmd: c.ArchiveCase, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.archive(who.user_id, now)
    return case.id


def unarchive(uow: UnitOfWork, cmd: c.UnarchiveCase, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.unarchive(who.user_id, now)
    return case.id


def set_attributes(uow: UnitOfWork, cmd: c.SetCaseAttributes, who: Principal, now: datetime) -> uuid.UUID:
    clean_attributes(cmd.attributes)
    case = uow.cases.get(cmd.case)
    case.set_attributes(cmd.attributes, who.user_id, now)
    return case.id


def set_due_date(uow: UnitOfWork, cmd: c.SetCaseDueDate, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.set_due_date(cmd.due_date, who.user_id, now)
    return case.id


def set_resolved_reason(
    uow: UnitOfWork, cmd: c.SetCaseResolvedReason, who: Principal, now: datetime
) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.set_resolved_reason(cmd.reason, who.user_id, now)
    return case.id


def comment(uow: UnitOfWork, cmd: c.CommentOnCase, who: Principal, now: datetime) -> uuid.UUID:
    """Returns the new comment's timeline cell id."""
    clean_comment(cmd.message)
    case = uow.cases.get(cmd.case)
    return case.comment(cmd.message, who.user_id, now).id


def update_comment(uow: UnitOfWork, cmd: c.UpdateCaseComment, who: Principal, now: datetime) -> uuid.UUID:
    message = clean_comment(cmd.message)
    case = uow.cases.get(cmd.case)
    cell = uow.timeline.get_comment(case.id, cmd.cell_id)
    if message != cell.message:
        case.comment_updated(cell.id, cell.message, message, who.user_id, now)
        cell.message, cell.modified_at = message, now
        uow.timeline.save_comment(cell)
    return cell.id


def delete_comment(uow: UnitOfWork, cmd: c.DeleteCaseComment, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    cell = uow.timeline.get_comment(case.id, cmd.cell_id)
    case.comment_deleted(cell.id, cell.message, who.user_id, now)
    cell.deleted_at = now
    uow.timeline.save_comment(cell)
    return cell.id
