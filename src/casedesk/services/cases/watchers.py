"""Watching a case: who hears about its changes.

Watchers are exactly the users someone added: a case's creator and assignee are not added
implicitly (notifications reach them through their role), so the list never holds anyone who
did not choose to be there and unwatching is never undone behind the user's back.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain import commands as c
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.users import Principal
from casedesk.services.ports.uow import UnitOfWork


def watch(uow: UnitOfWork, cmd: c.WatchCase, who: Principal, now: datetime) -> uuid.UUID:
    """Idempotent: watching twice keeps one watcher. An unknown user is NotFound."""
    case = uow.cases.get(cmd.case)
    user = uow.users.get(cmd.user_id)
    if user.disabled:
        raise ValidationFailed("user_uuid", f"user {user.email} is disabled and cannot watch cases")
    if not uow.watchers.watching(case.id, user.id):
        uow.watchers.add(case.id, user.id, now)
        case.watched(user.id, who.user_id, now)
    return case.id


def unwatch(uow: UnitOfWork, cmd: c.UnwatchCase, who: Principal, now: datetime) -> uuid.UUID:
    """Idempotent: unwatching a case one does not watch changes nothing."""
    case = uow.cases.get(cmd.case)
    user = uow.users.get(cmd.user_id)
    if uow.watchers.watching(case.id, user.id):
        uow.watchers.remove(case.id, user.id)
        case.unwatched(user.id, who.user_id, now)
    return case.id
