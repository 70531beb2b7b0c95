"""Case use cases: load, ask the aggregate, and let the bus commit once. Every dialect's
request for a change runs the same handler (comments, buttons and records/files have modules
of their own)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from casedesk.domain.cases import commands as c
from casedesk.domain.cases.case import Case
from casedesk.domain.cases.custom_attributes import CustomAttributeConfig
from casedesk.domain.cases.values import TAGS_KEY
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.users import Principal
from casedesk.domain.vocab import CaseStatus
from casedesk.services.access import author_of, require_project_admin
from casedesk.services.cases.closure import closure_view
from casedesk.services.ports.uow import UnitOfWork
from casedesk.services.users import mentionable, resolve, resolve_all


def check_records(uow: UnitOfWork, record_ids: Sequence[int]) -> None:
    missing = uow.attachments.missing_records(list(record_ids))
    if missing:
        raise ValidationFailed("record_ids", "no record has the id " + ", ".join(map(str, missing)))


def create_case(uow: UnitOfWork, cmd: c.CreateCase, who: Principal, now: datetime) -> uuid.UUID:
    project = uow.projects.identity(cmd.project)
    case_type = uow.case_types.get(cmd.type_id)
    author = author_of(uow, cmd.author, who)
    assignees = resolve_all(uow, cmd.assignees, "assignees")
    check_records(uow, cmd.record_ids)
    tags = [*cmd.attributes.get(TAGS_KEY, []), *cmd.tags]
    configs = [
        (_custom_attribute(uow, case_type.id, key, "custom_attributes"), given)
        for key, given in cmd.custom_attributes.items()
    ]
    # Unnumbered: the repository draws the numbers in the statement that inserts the case, the
    # last ones before the commit, because other creations in the project wait from there on.
    case = Case.open(
        project_id=project.id,
        case_type=case_type,
        title=cmd.title,
        description=cmd.description,
        priority=cmd.priority,
        status=CaseStatus.OPEN if cmd.status is CaseStatus.CLOSED else cmd.status,
        assignee_ids=assignees,
        attributes={**cmd.attributes, TAGS_KEY: tags},
        metadata=cmd.metadata,
        closure_conditions=cmd.closure_conditions,
        opened_at=cmd.opened_at,
        actor=author,
        now=now,
        mentions=mentionable(uow),
    )
    case.set_records(cmd.record_ids, author, now)
    for config, given in configs:
        case.set_custom_attribute(config, given, author, now)
    if cmd.status is CaseStatus.CLOSED:
        # Closure conditions may read the case's number, so this one is numbered now.
        number, in_project = uow.cases.next_numbers(project.id)
        case.take_numbers(number, project.case_key(in_project))
        case.change_status(cmd.status, case_type, author, now, view=lambda: closure_view(uow, case))
        case.set_times(None, cmd.resolved_at, author, now)
    for button in cmd.buttons:
        uow.attachments.add_button(case.id, button, now)
    uow.cases.add(case)
    return case.id


# -- status, priority, text --------------------------------------------------------------


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
    case = uow.cases.get(cmd.case)
    case.retitle(cmd.title, who.user_id, now)
    return case.id


def describe(uow: UnitOfWork, cmd: c.DescribeCase, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.describe(cmd.description, who.user_id, now, mentionable(uow))
    return case.id


# -- assignees ---------------------------------------------------------------------------


def assign(uow: UnitOfWork, cmd: c.AssignCase, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.assign(resolve(uow, cmd.assignee, "assignee").id, who.user_id, now)
    return case.id


def unassign(uow: UnitOfWork, cmd: c.UnassignCase, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.unassign(who.user_id, now)
    return case.id


def change_assignees(uow: UnitOfWork, cmd: c.ChangeCaseAssignees, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    wanted = case.assignee_ids if cmd.assignees is None else resolve_all(uow, cmd.assignees, "assignees")
    wanted = [*wanted, *resolve_all(uow, cmd.add_assignees, "add_assignees")]
    # Someone who left can still be taken off the case.
    removed = {resolve(uow, ref, "remove_assignees", active=False).id for ref in cmd.remove_assignees}
    case.set_assignees([u for u in wanted if u not in removed], who.user_id, now)
    return case.id


# -- attributes, tags and the other values -----------------------------------------------


def archive(uow: UnitOfWork, cmd: c.ArchiveCase, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.archive(who.user_id, now)
    return case.id


def unarchive(uow: UnitOfWork, cmd: c.UnarchiveCase, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.unarchive(who.user_id, now)
    return case.id


def set_attributes(uow: UnitOfWork, cmd: c.SetCaseAttributes, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.set_attributes(cmd.attributes, who.user_id, now)
    return case.id


def change_tags(uow: UnitOfWork, cmd: c.ChangeCaseTags, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    tags = [*(case.tags if cmd.tags is None else cmd.tags), *cmd.add_tags]
    case.set_tags([t for t in tags if t not in set(cmd.remove_tags)], who.user_id, now)
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


def set_times(uow: UnitOfWork, cmd: c.SetCaseTimes, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.set_times(cmd.opened_at, cmd.resolved_at, who.user_id, now)
    return case.id


def change_records(uow: UnitOfWork, cmd: c.ChangeCaseRecords, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    check_records(uow, cmd.add_record_ids)
    gone = set(cmd.remove_record_ids)
    case.set_records([r for r in [*case.record_ids, *cmd.add_record_ids] if r not in gone], who.user_id, now)
    return case.id


def add_metadata(uow: UnitOfWork, cmd: c.AddCaseMetadata, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.set_metadata({**cmd.values, **case.metadata}, who.user_id, now)
    return case.id


def update_metadata(uow: UnitOfWork, cmd: c.UpdateCaseMetadata, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.set_metadata({**case.metadata, **cmd.values}, who.user_id, now)
    return case.id


def remove_metadata(uow: UnitOfWork, cmd: c.RemoveCaseMetadata, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.set_metadata({k: v for k, v in case.metadata.items() if k not in cmd.keys}, who.user_id, now)
    return case.id


def set_closure_conditions(
    uow: UnitOfWork, cmd: c.SetClosureConditions, who: Principal, now: datetime
) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.set_closure_conditions(cmd.conditions, who.user_id, now)
    return case.id


# -- custom attributes and insights ------------------------------------------------------


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
    case.set_custom_attribute(config, cmd.input, who.user_id, now)
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


# -- deleting ----------------------------------------------------------------------------


def delete_case(uow: UnitOfWork, cmd: c.DeleteCase, who: Principal, now: datetime) -> uuid.UUID:
    """The case's timeline stays, its last row saying who deleted it."""
    case = uow.cases.get(cmd.case)
    require_project_admin(who, uow.projects.get(case.project_id), f"delete case {case.key}")
    for incident in uow.incidents.linked_to_case(case.id):
        incident.unlink_case(who.user_id, now)
    case.deleted(who.user_id, now)
    uow.cases.delete(case)
    return case.id
