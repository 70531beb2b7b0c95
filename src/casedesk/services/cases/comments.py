"""Comments on a case and the reactions to them."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain.cases import commands as c
from casedesk.domain.cases.attachments import clean_reaction
from casedesk.domain.errors import Forbidden
from casedesk.domain.users import Principal
from casedesk.services.access import author_of
from casedesk.services.ports.uow import CommentCell, UnitOfWork
from casedesk.services.users import mentionable


def comment(uow: UnitOfWork, cmd: c.CommentOnCase, who: Principal, now: datetime) -> uuid.UUID:
    """Returns the new comment's timeline cell id."""
    case = uow.cases.get(cmd.case)
    author = author_of(uow, cmd.author, who)
    return case.comment(cmd.message, author, now, mentionable(uow)).id


def update_comment(uow: UnitOfWork, cmd: c.UpdateCaseComment, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    cell = uow.timeline.get_comment(case.id, cmd.cell_id)
    _require_owner(cell, who, "edit")
    if cmd.message != cell.message:
        case.comment_updated(cell.id, cell.message, cmd.message, who.user_id, now, mentionable(uow))
        cell.message, cell.modified_at, cell.modified_by = cmd.message, now, who.user_id
        uow.timeline.save_comment(cell)
    return cell.id


def delete_comment(uow: UnitOfWork, cmd: c.DeleteCaseComment, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    cell = uow.timeline.get_comment(case.id, cmd.cell_id)
    _require_owner(cell, who, "delete")
    case.comment_deleted(cell.id, cell.message, who.user_id, now)
    cell.deleted_at, cell.deleted_by = now, who.user_id
    uow.timeline.save_comment(cell)
    return cell.id


def _require_owner(cell: CommentCell, who: Principal, action: str) -> None:
    """A comment is its author's (and, when it was posted for them, its poster's) to change,
    or an admin's."""
    if not (who.is_admin or who.user_id in (cell.author_id, cell.posted_by)):
        raise Forbidden(f"only the comment's author or an admin may {action} it")


def react(uow: UnitOfWork, cmd: c.ReactToComment, who: Principal, now: datetime) -> uuid.UUID:
    """Idempotent; returns the comment's timeline cell id."""
    emoji = clean_reaction(cmd.emoji)
    case = uow.cases.get(cmd.case)
    cell_id = uow.attachments.comment_cell(case.id, cmd.comment_number)
    if uow.attachments.set_reaction(cell_id, who.user_id, emoji, cmd.add, now):
        case.comment_reacted(cell_id, emoji, cmd.add, who.user_id, now)
    return cell_id
