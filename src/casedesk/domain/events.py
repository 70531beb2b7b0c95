"""Domain events, and the one catalogue of their kinds: an enum per aggregate.

Every change records one event; timelines, activity feeds, the outbox and every reaction read
them. A kind's value is stable: timeline and outbox rows hold it and receivers are sent it, so
a value is never renamed, only added. Both dialects' changes go through the same aggregate
methods, so one change is one kind whichever dialect asked for it.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal


class CaseEvent(enum.StrEnum):
    CREATED = "case.created"
    STATUS_CHANGED = "case.status_changed"
    PRIORITY_CHANGED = "case.priority_changed"
    TITLE_CHANGED = "case.title_changed"
    DESCRIPTION_CHANGED = "case.description_changed"
    # The primary assignee (the one Datadog shows) changed, or left with everyone else:
    # `old` and `new` are user ids.
    ASSIGNED = "case.assigned"
    UNASSIGNED = "case.unassigned"
    # `user_id` joined the ordered list behind the primary, or left the list (a replaced
    # primary too; a primary that leaves with everyone else is `unassigned` instead).
    ASSIGNEE_ADDED = "case.assignee_added"
    ASSIGNEE_REMOVED = "case.assignee_removed"
    ARCHIVED = "case.archived"
    UNARCHIVED = "case.unarchived"
    # The attributes other than tags (tags have their own two kinds): `old` and `new` maps.
    ATTRIBUTES_CHANGED = "case.attributes_changed"
    TAGS_ADDED = "case.tags_added"
    TAGS_REMOVED = "case.tags_removed"
    DUE_DATE_CHANGED = "case.due_date_changed"
    RESOLVED_REASON_CHANGED = "case.resolved_reason_changed"
    INSIGHTS_ADDED = "case.insights_added"
    INSIGHTS_REMOVED = "case.insights_removed"
    CUSTOM_ATTRIBUTE_CHANGED = "case.custom_attribute_changed"
    METADATA_CHANGED = "case.metadata_changed"
    RECORDS_ADDED = "case.records_added"
    RECORDS_REMOVED = "case.records_removed"
    CLOSURE_CONDITIONS_CHANGED = "case.closure_conditions_changed"
    TIMES_CHANGED = "case.times_changed"
    BUTTONS_CHANGED = "case.buttons_changed"
    FILE_ATTACHED = "case.file_attached"
    COMMENTED = "case.commented"
    # Outbox only: edits of an existing timeline cell add no cell of their own.
    COMMENT_UPDATED = "case.comment_updated"
    COMMENT_DELETED = "case.comment_deleted"
    COMMENT_REACTED = "case.comment_reacted"
    LINKED = "case.linked"
    UNLINKED = "case.unlinked"
    INCIDENT_LINKED = "case.incident_linked"
    MOVED = "case.moved"
    DELETED = "case.deleted"
    # Outbox only: who watches a case is not a change to the case.
    WATCHER_ADDED = "case.watcher_added"
    WATCHER_REMOVED = "case.watcher_removed"
    # Outbox only: the users a description or comment mentions, for the worker to notify.
    USERS_MENTIONED = "case.users_mentioned"

    @property
    def appends_timeline(self) -> bool:
        """Whether the event adds a timeline cell; the outbox-only kinds do not."""
        return self not in OUTBOX_ONLY

    @property
    def changes_case(self) -> bool:
        """Whether the event marks the case modified (`modified_at`, `modified_by`): watching,
        reacting and being mentioned are not changes to the case."""
        return self not in NOT_CASE_CHANGES


OUTBOX_ONLY = frozenset(
    {
        CaseEvent.COMMENT_UPDATED,
        CaseEvent.COMMENT_DELETED,
        CaseEvent.COMMENT_REACTED,
        CaseEvent.WATCHER_ADDED,
        CaseEvent.WATCHER_REMOVED,
        CaseEvent.USERS_MENTIONED,
    }
)
NOT_CASE_CHANGES = frozenset(
    {CaseEvent.COMMENT_REACTED, CaseEvent.WATCHER_ADDED, CaseEvent.WATCHER_REMOVED, CaseEvent.USERS_MENTIONED}
)


class IncidentEvent(enum.StrEnum):
    CREATED = "incident.created"
    TITLE_CHANGED = "incident.title_changed"
    STATE_CHANGED = "incident.state_changed"
    SEVERITY_CHANGED = "incident.severity_changed"
    FIELDS_CHANGED = "incident.fields_changed"
    COMMANDER_CHANGED = "incident.commander_changed"
    CUSTOMER_IMPACT_CHANGED = "incident.customer_impact_changed"
    DETECTED_CHANGED = "incident.detected_changed"
    HANDLES_CHANGED = "incident.notification_handles_changed"
    CELL_ADDED = "incident.cell_added"
    CASE_LINKED = "incident.case_linked"
    CASE_UNLINKED = "incident.case_unlinked"
    DELETED = "incident.deleted"
    # One kind per change to each kind of incident item (`ItemKind`).
    TODO_ADDED = "incident.todo_added"
    TODO_UPDATED = "incident.todo_updated"
    TODO_REMOVED = "incident.todo_removed"
    ATTACHMENT_ADDED = "incident.attachment_added"
    ATTACHMENT_UPDATED = "incident.attachment_updated"
    ATTACHMENT_REMOVED = "incident.attachment_removed"
    IMPACT_ADDED = "incident.impact_added"
    IMPACT_UPDATED = "incident.impact_updated"
    IMPACT_REMOVED = "incident.impact_removed"
    RESPONDER_ADDED = "incident.responder_added"
    RESPONDER_UPDATED = "incident.responder_updated"
    RESPONDER_REMOVED = "incident.responder_removed"
    INTEGRATION_ADDED = "incident.integration_added"
    INTEGRATION_UPDATED = "incident.integration_updated"
    INTEGRATION_REMOVED = "incident.integration_removed"
    TIMESTAMP_OVERRIDE_ADDED = "incident.timestamp_override_added"
    TIMESTAMP_OVERRIDE_UPDATED = "incident.timestamp_override_updated"
    TIMESTAMP_OVERRIDE_REMOVED = "incident.timestamp_override_removed"
    CONFIGURATION_ADDED = "incident.configuration_added"
    CONFIGURATION_UPDATED = "incident.configuration_updated"
    CONFIGURATION_REMOVED = "incident.configuration_removed"

    @classmethod
    def of_item(cls, item_kind: str, change: Literal["added", "updated", "removed"]) -> IncidentEvent:
        """The kind of `change` (added, updated, removed) to an item of `item_kind`; a kind
        missing from this catalogue is a KeyError, caught by the tests over every ItemKind."""
        return cls[f"{item_kind}_{change}".upper()]


EventKind = CaseEvent | IncidentEvent


@dataclass(frozen=True)
class Event:
    """Something that happened to a subject (a case or an incident).

    `data` is JSON-safe (strings, numbers, lists, dicts) so it can be stored as is.
    `appends_timeline` is False for changes to an existing timeline cell (comment edits and
    deletions): they still reach the outbox but do not add a cell of their own.
    `on_behalf_of_id` is the user the actor named as the author, when that is someone else.
    """

    kind: EventKind
    subject_type: str
    subject_id: uuid.UUID
    actor_id: uuid.UUID | None
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    appends_timeline: bool = True
    # Set when the actor made the change on behalf of another user (Tines' `author_email`):
    # `actor_id` is then who called, and this is the user named as the author.
    on_behalf_of_id: uuid.UUID | None = None
