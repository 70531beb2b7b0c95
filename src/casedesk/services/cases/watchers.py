"""Watching a case: who hears about its changes.

Watchers are exactly the users someone added: a case's creator and assignee are not added
implicitly (notifications reach them through their role), so the list never holds anyone who
did not choose to be there and unwatching is never undone behind the user's back.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain.cases import commands as c
from casedesk.domain.users import Principal
from casedesk.services.ports.uow import UnitOfWork
from casedesk.services.users import resolve


def watch(uow: UnitOfWork, cmd: c.WatchCase, who: Principal, now: datetime) -> uuid.UUID:
    """Idempotent: watching twice keeps one watcher. An unknown user is NotFound (the user
    is what the request is about); a disabled one cannot start watching."""
    case = uow.cases.get(cmd.case)
    user = resolve(uow, cmd.user)
    if not uow.watchers.watching(case.id, user.id):
        uow.watchers.add(case.id, user.id, now)
        case.watched(user.id, who.user_id, now)
    return case.id


def unwatch(uow: UnitOfWork, cmd: c.UnwatchCase, who: Principal, now: datetime) -> uuid.UUID:
    """Idempotent: unwatching a case one does not watch changes nothing. Someone who left can
    still be taken off the list."""
    case = uow.cases.get(cmd.case)
    user = resolve(uow, cmd.user, active=False)
    if uow.watchers.watching(case.id, user.id):
        uow.watchers.remove(case.id, user.id)
        case.unwatched(user.id, who.user_id, now)
    return case.id
