"""Domain events: one per change, the source of timelines, activity feeds and the outbox."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Event:
    """Something that happened to a subject (a case, later an incident).

    `data` is JSON-safe (strings, numbers, lists, dicts) so it can be stored as is.
    `appends_timeline` is False for changes to an existing timeline cell (comment edits and
    deletions): they still reach the outbox but do not add a cell of their own.
    """

    kind: str
    subject_type: str
    subject_id: uuid.UUID
    actor_id: uuid.UUID | None
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    appends_timeline: bool = True


# Case event kinds. The values are stable: they are stored and sent to receivers.
CASE_CREATED = "case.created"
CASE_STATUS_CHANGED = "case.status_changed"
CASE_PRIORITY_CHANGED = "case.priority_changed"
CASE_TITLE_CHANGED = "case.title_changed"
CASE_DESCRIPTION_CHANGED = "case.description_changed"
CASE_ASSIGNED = "case.assigned"
CASE_UNASSIGNED = "case.unassigned"
CASE_ARCHIVED = "case.archived"
CASE_UNARCHIVED = "case.unarchived"
CASE_ATTRIBUTES_CHANGED = "case.attributes_changed"
CASE_DUE_DATE_CHANGED = "case.due_date_changed"
CASE_RESOLVED_REASON_CHANGED = "case.resolved_reason_changed"
CASE_INSIGHTS_ADDED = "case.insights_added"
CASE_INSIGHTS_REMOVED = "case.insights_removed"
CASE_CUSTOM_ATTRIBUTE_CHANGED = "case.custom_attribute_changed"
CASE_COMMENTED = "case.commented"
CASE_COMMENT_UPDATED = "case.comment_updated"
CASE_COMMENT_DELETED = "case.comment_deleted"
CASE_LINKED = "case.linked"
CASE_UNLINKED = "case.unlinked"
CASE_MOVED = "case.moved"
# Outbox only: who watches a case is not a change to the case.
CASE_WATCHER_ADDED = "case.watcher_added"
CASE_WATCHER_REMOVED = "case.watcher_removed"
