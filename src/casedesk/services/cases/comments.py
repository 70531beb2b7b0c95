"""Comments on a case and the reactions to them."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain.cases import commands as c
from casedesk.domain.cases.attachments import clean_reaction
from casedesk.domain.users import Principal
from casedesk.services.ports.uow import UnitOfWork
from casedesk.services.users import mentionable, resolve


def comment(uow: UnitOfWork, cmd: c.CommentOnCase, who: Principal, now: datetime) -> uuid.UUID:
    """Returns the new comment's timeline cell id."""
    case = uow.cases.get(cmd.case)
    author = resolve(uow, cmd.author, "author").id if cmd.author else who.user_id
    return case.comment(cmd.message, author, now, mentionable(uow)).id


def update_comment(uow: UnitOfWork, cmd: c.UpdateCaseComment, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    cell = uow.timeline.get_comment(case.id, cmd.cell_id)
    if cmd.message != cell.message:
        case.comment_updated(cell.id, cell.message, cmd.message, who.user_id, now, mentionable(uow))
        cell.message, cell.modified_at = cmd.message, now
        uow.timeline.save_comment(cell)
    return cell.id


def delete_comment(uow: UnitOfWork, cmd: c.DeleteCaseComment, who: Principal, now: datetime) -> uuid.UUID:
    case = uow.cases.get(cmd.case)
    cell = uow.timeline.get_comment(case.id, cmd.cell_id)
    case.comment_deleted(cell.id, cell.message, who.user_id, now)
    cell.deleted_at = now
    uow.timeline.save_comment(cell)
    return cell.id


def react(uow: UnitOfWork, cmd: c.ReactToComment, who: Principal, now: datetime) -> uuid.UUID:
    """Idempotent; returns the comment's timeline cell id."""
    emoji = clean_reaction(cmd.emoji)
    case = uow.cases.get(cmd.case)
    cell_id = uow.attachments.comment_cell(case.id, cmd.comment_number)
    if uow.attachments.set_reaction(cell_id, who.user_id, emoji, cmd.add, now):
        case.comment_reacted(cell_id, emoji, cmd.add, who.user_id, now)
    return cell_id
