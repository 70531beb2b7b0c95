"""A case's assignees: an ordered list whose first is the primary (the one Datadog shows), and
what replacing the list records, so every dialect's change reads the same in the feed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from casedesk.domain.cases.values import ASSIGNEES_MAX
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.events import CaseEvent

Change = tuple[CaseEvent, dict[str, Any]]


def assignee_changes(
    current: Sequence[uuid.UUID], user_ids: Sequence[uuid.UUID]
) -> tuple[list[uuid.UUID], list[Change]]:
    """The new list (each user once, in order) and the events of replacing `current` with it:
    a new primary is `assigned` (old → new), a list left empty is `unassigned`, and everyone
    else who joins or leaves the list is `assignee_added` or `assignee_removed`."""
    wanted = list(dict.fromkeys(user_ids))
    if len(wanted) > ASSIGNEES_MAX:
        raise ValidationFailed("assignees", f"a case has at most {ASSIGNEES_MAX} assignees")
    old_first = current[0] if current else None
    new_first = wanted[0] if wanted else None
    changes: list[Change] = []
    if new_first is not None and new_first != old_first:
        changes.append((CaseEvent.ASSIGNED, {"old": _text(old_first), "new": str(new_first)}))
    elif new_first is None and old_first is not None:
        changes.append((CaseEvent.UNASSIGNED, {"old": str(old_first), "new": None}))
    for user_id in current:
        if user_id not in wanted and not (user_id == old_first and new_first is None):
            changes.append((CaseEvent.ASSIGNEE_REMOVED, {"user_id": str(user_id)}))
    for user_id in wanted[1:]:
        if user_id not in current:
            changes.append((CaseEvent.ASSIGNEE_ADDED, {"user_id": str(user_id)}))
    return wanted, changes


def _text(user_id: uuid.UUID | None) -> str | None:
    return str(user_id) if user_id is not None else None
