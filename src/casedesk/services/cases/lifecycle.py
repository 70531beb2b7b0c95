"""Creating, updating and deleting cases with everything Tines sends at once."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain.cases import commands as x
from casedesk.domain.cases.case import Case, clean_description, clean_title
from casedesk.domain.cases.mixin import (
    clean_conditions,
    clean_metadata,
    clean_record_ids,
    clean_tags,
    mentions,
)
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.users import Principal, clean_email
from casedesk.domain.vocab import STANDARD_CASE_TYPE_ID, CaseStatus
from casedesk.services.cases.closure import closure_view
from casedesk.services.ports.uow import UnitOfWork


def user_by_email(uow: UnitOfWork, email: str, field: str) -> uuid.UUID:
    user = uow.users.find_by_email(email)
    if user is None:
        raise ValidationFailed(field, f"no user has the email {email}")
    if user.disabled:
        raise ValidationFailed(field, f"user {user.email} is disabled")
    return user.id


def users_by_email(uow: UnitOfWork, emails: tuple[str, ...], field: str) -> list[uuid.UUID]:
    return [user_by_email(uow, email, field) for email in emails]


def check_emails(field: str, *groups: tuple[str, ...] | str | None) -> None:
    for group in groups:
        for email in (group,) if isinstance(group, str) else group or ():
            try:
                clean_email(email)
            except ValidationFailed as exc:
                raise ValidationFailed(field, exc.message) from None


def note_mentions(
    uow: UnitOfWork, case: Case, text: str, where: str, actor: uuid.UUID, now: datetime
) -> None:
    """Records whom `text` mentions (by Tines user number or user id), for notifying later."""
    numbers, ids = mentions(text)
    found = uow.case_extras.user_ids(numbers)
    for user_id in ids:
        try:
            if not uow.users.get(user_id).disabled:
                found.append(user_id)
        except NotFound:
            continue
    case.mentioned(list(dict.fromkeys(found)), where, actor, now)


def check_records(uow: UnitOfWork, record_ids: list[int]) -> None:
    missing = uow.case_extras.missing_records(record_ids)
    if missing:
        raise ValidationFailed("record_ids", "no record has the id " + ", ".join(map(str, missing)))


def open_case(uow: UnitOfWork, cmd: x.OpenCase, who: Principal, now: datetime) -> uuid.UUID:
    # Malformed values are refused before any lookup.
    clean_title(cmd.title)
    clean_description(cmd.description)
    tags = clean_tags(cmd.tags)
    metadata = clean_metadata(cmd.metadata)
    record_ids = clean_record_ids(cmd.record_ids)
    conditions = clean_conditions(cmd.closure_conditions)
    check_emails("author_email", cmd.author_email)
    check_emails("assignee_emails", cmd.assignee_emails)
    if cmd.resolved_at is not None and cmd.status is not CaseStatus.CLOSED:
        raise ValidationFailed("resolved_at", "only a closed case has a resolution time")
    try:
        project = uow.projects.get(cmd.project)
    except NotFound:
        raise ValidationFailed("project", f"no team has the id {cmd.project}") from None
    author = user_by_email(uow, cmd.author_email, "author_email") if cmd.author_email else who.user_id
    if cmd.assignee_emails is None:
        assignees = [who.user_id]
    else:
        assignees = users_by_email(uow, cmd.assignee_emails, "assignee_emails")
    check_records(uow, record_ids)
    case_type = uow.case_types.get(STANDARD_CASE_TYPE_ID)
    number, in_project = uow.cases.next_numbers(project.id)
    case = Case.open(
        number=number,
        project_id=project.id,
        key=project.case_key(in_project),
        case_type=case_type,
        title=cmd.title,
        description=cmd.description,
        priority=cmd.priority,
        status=CaseStatus.OPEN,
        assignee_id=None,
        attributes={},
        actor=author,
        now=now,
    )
    # Part of the creation, so no events of their own.
    case.metadata, case.closure_conditions = metadata, conditions
    case.opened_at = cmd.opened_at
    # Each of these is an activity of its own, as in Tines' feed.
    case.set_assignees(assignees, author, now)
    case.set_tags(tags, author, now)
    case.set_records(record_ids, author, now)
    if cmd.status is not CaseStatus.OPEN:
        case.change_status(cmd.status, case_type, author, now, view=lambda: closure_view(uow, case))
        if cmd.resolved_at is not None:
            case.set_times(None, cmd.resolved_at, author, now)
    for button in cmd.buttons:
        uow.case_extras.add_button(case.id, button, now)
    note_mentions(uow, case, cmd.description, "description", author, now)
    uow.cases.add(case)
    return case.id


def update_case(uow: UnitOfWork, cmd: x.UpdateCase, who: Principal, now: datetime) -> uuid.UUID:
    _check_update(cmd)
    case = uow.cases.get(cmd.case)
    actor = user_by_email(uow, cmd.author_email, "author_email") if cmd.author_email else who.user_id
    if cmd.title is not None:
        case.retitle(cmd.title, actor, now)
    if cmd.description is not None and cmd.description != case.description:
        case.describe(cmd.description, actor, now)
        note_mentions(uow, case, cmd.description, "description", actor, now)
    if cmd.priority is not None:
        case.change_priority(cmd.priority, actor, now)
    _update_assignees(uow, case, cmd, actor, now)
    tags = list(cmd.tags) if cmd.tags is not None else case.tags
    tags = [t for t in [*tags, *cmd.add_tags] if t not in set(cmd.remove_tags)]
    case.set_tags(tags, actor, now)
    if cmd.add_record_ids:
        check_records(uow, list(cmd.add_record_ids))
    records = [r for r in [*case.record_ids, *cmd.add_record_ids] if r not in set(cmd.remove_record_ids)]
    case.set_records(records, actor, now)
    if cmd.metadata is not None:
        case.set_metadata({**case.metadata, **cmd.metadata}, actor, now)
    if cmd.closure_conditions is not None:
        case.set_closure_conditions(list(cmd.closure_conditions), actor, now)
    if cmd.buttons is not None:
        for button in uow.case_extras.buttons(case.id):
            uow.case_extras.delete_button(button)
        for spec in cmd.buttons:
            uow.case_extras.add_button(case.id, spec, now)
        case.buttons_changed("replaced", {"count": len(cmd.buttons)}, actor, now)
    if cmd.status is not None:
        case_type = uow.case_types.get(case.type_id)
        case.change_status(cmd.status, case_type, actor, now, view=lambda: closure_view(uow, case))
    if cmd.opened_at is not None or cmd.resolved_at is not None:
        case.set_times(cmd.opened_at, cmd.resolved_at, actor, now)
    return case.id


def _check_update(cmd: x.UpdateCase) -> None:
    if cmd.title is not None:
        clean_title(cmd.title)
    if cmd.description is not None:
        clean_description(cmd.description)
    clean_tags([*(cmd.tags or ()), *cmd.add_tags])
    clean_record_ids([*cmd.add_record_ids, *cmd.remove_record_ids], "add_record_ids")
    if cmd.metadata is not None:
        clean_metadata(cmd.metadata)
    if cmd.closure_conditions is not None:
        clean_conditions(cmd.closure_conditions)
    check_emails("author_email", cmd.author_email)
    check_emails("assignee_emails", cmd.assignee_emails)
    check_emails("add_assignee_emails", cmd.add_assignee_emails)
    check_emails("remove_assignee_emails", cmd.remove_assignee_emails)


def _update_assignees(
    uow: UnitOfWork, case: Case, cmd: x.UpdateCase, actor: uuid.UUID, now: datetime
) -> None:
    if cmd.assignee_emails is None and not cmd.add_assignee_emails and not cmd.remove_assignee_emails:
        return
    if cmd.assignee_emails is not None:
        wanted = users_by_email(uow, cmd.assignee_emails, "assignee_emails")
    else:
        wanted = case.assignee_ids
    wanted += users_by_email(uow, cmd.add_assignee_emails, "add_assignee_emails")
    removed = set(users_by_email(uow, cmd.remove_assignee_emails, "remove_assignee_emails"))
    case.set_assignees([u for u in wanted if u not in removed], actor, now)


def delete_case(uow: UnitOfWork, cmd: x.DeleteCase, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    for incident in uow.incidents.linked_to_case(case.id):
        incident.unlink_case(who.user_id, now)
    case.deleted(who.user_id, now)
    uow.case_extras.delete_case(case.id)
    return case.id


def case_ref_number(uow: UnitOfWork, number: int, field: str) -> uuid.UUID:
    try:
        return uow.case_extras.case_id(number)
    except NotFound:
        raise ValidationFailed(field, f"no case has the id {number}") from None
