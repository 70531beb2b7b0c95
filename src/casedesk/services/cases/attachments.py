"""Use cases over the parts of a case: comments by another author, reactions, subscribers,
buttons, metadata, links by case number, files and records."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from datetime import datetime
from typing import Any

from casedesk.domain import commands as c
from casedesk.domain.cases import commands as x
from casedesk.domain.cases.attachments import (
    ButtonSpec,
    clean_file_contents,
    clean_file_name,
    clean_reaction,
    clean_record_fields,
)
from casedesk.domain.cases.case import clean_comment
from casedesk.domain.cases.links import Entity, EntityRef, EntityType, Relationship
from casedesk.domain.cases.mixin import clean_metadata
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef
from casedesk.domain.users import Principal
from casedesk.services.cases import links, watchers
from casedesk.services.cases.lifecycle import case_ref_number, check_emails, note_mentions, user_by_email
from casedesk.services.ports.uow import UnitOfWork


def comment_as(uow: UnitOfWork, cmd: x.CommentAs, who: Principal, now: datetime) -> uuid.UUID:
    """Returns the comment's timeline cell id."""
    clean_comment(cmd.message)
    check_emails("author_email", cmd.author_email)
    case = uow.cases.get(cmd.case)
    author = user_by_email(uow, cmd.author_email, "author_email") if cmd.author_email else who.user_id
    cell_id = case.comment(cmd.message, author, now).id
    note_mentions(uow, case, cmd.message, "comment", author, now)
    return cell_id


def react(uow: UnitOfWork, cmd: x.ReactToComment, who: Principal, now: datetime) -> uuid.UUID:
    """Idempotent; returns the comment's timeline cell id."""
    emoji = clean_reaction(cmd.emoji)
    case = uow.cases.get(cmd.case)
    cell_id = uow.case_extras.comment_cell(case.id, cmd.comment_number)
    if uow.case_extras.set_reaction(cell_id, who.user_id, emoji, cmd.add, now):
        case.comment_reacted(cell_id, emoji, cmd.add, who.user_id, now)
    return cell_id


def subscribe(uow: UnitOfWork, cmd: x.SubscribeToCase, who: Principal, now: datetime) -> uuid.UUID:
    """Returns the subscriber's user id."""
    check_emails("user_email", cmd.user_email)
    user_id = user_by_email(uow, cmd.user_email, "user_email")
    watchers.watch(uow, c.WatchCase(cmd.case, user_id), who, now)
    return user_id


def unsubscribe(uow: UnitOfWork, cmd: x.UnsubscribeFromCase, who: Principal, now: datetime) -> uuid.UUID:
    check_emails("user_email", cmd.user_email)
    user = uow.users.find_by_email(cmd.user_email)
    if user is None:
        raise ValidationFailed("user_email", f"no user has the email {cmd.user_email}")
    watchers.unwatch(uow, c.UnwatchCase(cmd.case, user.id), who, now)
    return user.id


def add_button(uow: UnitOfWork, cmd: x.AddCaseButton, who: Principal, now: datetime) -> int:
    case = uow.cases.get(cmd.case)
    button_id = uow.case_extras.add_button(case.id, cmd.button, now)
    case.buttons_changed("added", {"id": button_id, "label": cmd.button.label}, who.user_id, now)
    return button_id


def update_button(uow: UnitOfWork, cmd: x.UpdateCaseButton, who: Principal, now: datetime) -> int:
    changes = {
        k: v for k, v in (("button_type", cmd.button_type), ("url", cmd.url), ("label", cmd.label),
                          ("button_text", cmd.button_text)) if v is not None
    }  # fmt: skip
    case = uow.cases.get(cmd.case)
    button = uow.case_extras.get_button(case.id, cmd.button_id)
    spec: ButtonSpec = dataclasses.replace(button.spec, **changes)
    if spec != button.spec:
        button.spec, button.updated_at = spec, now
        uow.case_extras.save_button(button)
        case.buttons_changed("updated", button.as_data(), who.user_id, now)
    return button.id


def delete_button(uow: UnitOfWork, cmd: x.DeleteCaseButton, who: Principal, now: datetime) -> int:
    case = uow.cases.get(cmd.case)
    button = uow.case_extras.get_button(case.id, cmd.button_id)
    uow.case_extras.delete_button(button)
    case.buttons_changed("deleted", button.as_data(), who.user_id, now)
    return button.id


def add_metadata(uow: UnitOfWork, cmd: x.AddCaseMetadata, who: Principal, now: datetime) -> uuid.UUID:
    clean_metadata(cmd.values)
    case = uow.cases.get(cmd.case)
    case.set_metadata({**cmd.values, **case.metadata}, who.user_id, now)
    return case.id


def update_metadata(uow: UnitOfWork, cmd: x.UpdateCaseMetadata, who: Principal, now: datetime) -> uuid.UUID:
    clean_metadata(cmd.values)
    case = uow.cases.get(cmd.case)
    case.set_metadata({**case.metadata, **cmd.values}, who.user_id, now)
    return case.id


def remove_metadata(uow: UnitOfWork, cmd: x.RemoveCaseMetadata, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    case.set_metadata({k: v for k, v in case.metadata.items() if k not in cmd.keys}, who.user_id, now)
    return case.id


def _case_end(case_id: uuid.UUID) -> EntityRef:
    return EntityRef(EntityType.CASE, CaseRef(id=case_id))


def link_number(uow: UnitOfWork, cmd: x.LinkCaseNumber, who: Principal, now: datetime) -> uuid.UUID:
    """Idempotent: cases already related stay related by their one link."""
    if cmd.other <= 0:
        raise ValidationFailed("id", "case ids are positive integers")
    case = uow.cases.get(cmd.case)
    other = case_ref_number(uow, cmd.other, "id")
    if other == case.id:
        raise ValidationFailed("id", "a case cannot be linked to itself")
    if _existing_links(uow, case.id, other):
        return case.id
    links.create_link(
        uow, c.CreateCaseLink(_case_end(case.id), _case_end(other), Relationship.RELATES_TO), who, now
    )
    return case.id


def unlink_number(uow: UnitOfWork, cmd: x.UnlinkCaseNumber, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    other = case_ref_number(uow, cmd.other, "linked_case_id")
    found = _existing_links(uow, case.id, other)
    if not found:
        raise ValidationFailed("linked_case_id", f"case {cmd.other} is not linked to this case")
    for link_id in found:
        links.delete_link(uow, c.DeleteCaseLink(link_id), who, now)
    return case.id


def _existing_links(uow: UnitOfWork, one: uuid.UUID, other: uuid.UUID) -> list[uuid.UUID]:
    """Every link between the two cases, whatever its relationship or direction."""
    a, b = Entity(EntityType.CASE, one), Entity(EntityType.CASE, other)
    found: list[uuid.UUID] = []
    for relationship in Relationship:
        for parent, child in ((a, b), (b, a)):
            link = uow.links.find(parent, child, relationship)
            if link is not None and link.id not in found:
                found.append(link.id)
    return found


def attach_file(uow: UnitOfWork, cmd: x.AttachFile, who: Principal, now: datetime) -> int:
    filename = clean_file_name(cmd.filename)
    content = clean_file_contents(cmd.content)
    check_emails("author_email", cmd.author_email)
    case = uow.cases.get(cmd.case)
    author = user_by_email(uow, cmd.author_email, "author_email") if cmd.author_email else who.user_id
    file_id = uow.case_extras.add_file(case.id, filename, cmd.content_type, content, cmd.comment, author, now)
    data: dict[str, Any] = {
        "id": file_id,
        "filename": filename,
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
    }
    case.file_attached(data, cmd.comment, author, now)
    return file_id


def create_record(uow: UnitOfWork, cmd: x.CreateRecord, who: Principal, now: datetime) -> int:
    return uow.case_extras.add_record(clean_record_fields(cmd.fields), who.user_id, now)
