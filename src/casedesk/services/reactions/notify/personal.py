"""Personal notifications: a project's `settings.notification` tells the people a case
involves about changes to it, by email.

Nothing is sent unless `enabled` is true and the settings' `destinations` (when given)
include email. Then, per switch:

- `notify_on_case_assignment`: the new primary assignee (`case.assigned`) and an assignee
  added behind them (`case.assignee_added`);
- `notify_on_case_unassignment`: the assignee who left the case (`case.unassigned`, and
  `case.assignee_removed`, which a replaced primary assignee records too);
- `notify_on_case_status_change`: the assignees and watchers of a case whose status changes;
  `notify_on_case_closed`: the same when it closes (either switch covers a close);
- `notify_on_case_priority_change`: the assignees and watchers, when the priority changes;
- `notify_on_case_comment`: the assignees and watchers, for a comment;
- `notify_on_case_comment_mention`: the users a comment or the description mentions.

Never the person who made the change (the event's actor, nor whom they acted for), never a
disabled user, never someone who may not see the case.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from casedesk.domain.events import CaseEvent
from casedesk.domain.notifications.notices import NoticeReason
from casedesk.domain.projects.settings import NotificationDestination, NotificationSettings
from casedesk.domain.vocab import CaseStatus
from casedesk.services.access import may_see
from casedesk.services.ports.notify_reads import CaseScene
from casedesk.services.ports.outbox import OutboxMessage

Concerned = Iterator[tuple[uuid.UUID, NoticeReason]]


def _id(raw: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


def mentioned_ids(message: OutboxMessage) -> set[uuid.UUID]:
    if message.kind != CaseEvent.USERS_MENTIONED:
        return set()
    return {u for u in map(_id, message.payload.get("user_ids", [])) if u is not None}


def named_ids(message: OutboxMessage) -> set[uuid.UUID]:
    """The users the event names (mentioned, assigned, unassigned), who may be told of it."""
    data = message.payload
    named = {_id(data.get(k)) for k in ("old", "new", "user_id")} if "assign" in message.kind else set()
    return mentioned_ids(message) | {u for u in named if u is not None}


def _involved(scene: CaseScene) -> Concerned:
    for user_id in scene.case.assignee_ids:
        yield user_id, NoticeReason.ASSIGNED
    for user_id in scene.watcher_ids:
        yield user_id, NoticeReason.WATCHING


def _assignment(kind: str, data: dict[str, object], on: NotificationSettings) -> Concerned:
    new, old = _id(data.get("new")), _id(data.get("old"))
    added = _id(data.get("user_id"))
    if on.notify_on_case_assignment:
        if kind == CaseEvent.ASSIGNED and new:
            yield new, NoticeReason.ASSIGNED
        if kind == CaseEvent.ASSIGNEE_ADDED and added:
            yield added, NoticeReason.ASSIGNED
    if on.notify_on_case_unassignment:
        # A replaced primary who leaves the list also records `assignee_removed`: told there.
        if kind == CaseEvent.UNASSIGNED and old:
            yield old, NoticeReason.ASSIGNED
        if kind == CaseEvent.ASSIGNEE_REMOVED and added:
            yield added, NoticeReason.ASSIGNED


def concerned(message: OutboxMessage, scene: CaseScene) -> Concerned:
    """Who the event concerns and why, before anyone is left out."""
    on, kind, data = scene.project.settings.notification, message.kind, message.payload
    if on is None or not on.enabled:
        return
    if on.destinations is not None and NotificationDestination.EMAIL not in on.destinations:
        return
    yield from _assignment(kind, data, on)
    closing = kind == CaseEvent.STATUS_CHANGED and data.get("new") == CaseStatus.CLOSED.value
    if (
        (kind == CaseEvent.STATUS_CHANGED and on.notify_on_case_status_change)
        or (closing and on.notify_on_case_closed)
        or (kind == CaseEvent.PRIORITY_CHANGED and on.notify_on_case_priority_change)
        or (kind == CaseEvent.COMMENTED and on.notify_on_case_comment)
    ):
        yield from _involved(scene)
    if kind == CaseEvent.USERS_MENTIONED and on.notify_on_case_comment_mention:
        for user_id in sorted(mentioned_ids(message)):
            yield user_id, NoticeReason.MENTIONED


def personal_recipients(
    message: OutboxMessage, scene: CaseScene, changers: set[uuid.UUID]
) -> list[tuple[str, NoticeReason]]:
    """(email address, reason) for each person told, in a stable order, each once with the
    first reason found (assignment before watching)."""
    told: dict[uuid.UUID, NoticeReason] = {}
    for user_id, reason in concerned(message, scene):
        user = scene.people.get(user_id)
        if user is None or user.disabled or user_id in changers or user_id in told:
            continue
        if may_see(user, scene.project):
            told[user_id] = reason
    return [(scene.people[u].email, reason) for u, reason in told.items()]
