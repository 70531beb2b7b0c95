"""A notice: what one notification says, decided once and rendered by each channel.

The planner (services/reactions/notify) builds a notice from a recorded event and the
subject as it stands; the channels only render it (a mail, Block Kit, an Adaptive Card, a
PagerDuty event, a webhook payload). Everything here is JSON-safe, because a notice is
stored with its delivery and rendered again, identically, on every retry.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any


class NoticeReason(enum.StrEnum):
    """Why the recipient is told: shown in mails (X-Casedesk-Reason) and the delivery log."""

    RULE = "rule"  # a case notification rule matched
    INCIDENT_RULE = "incident_rule"  # an incident notification rule matched
    INCIDENT_HANDLE = "incident_handle"  # named in an incident's notification_handles
    ASSIGNED = "assigned"  # personal: the recipient is (or was) the assignee
    WATCHING = "watching"  # personal: the recipient watches the case
    MENTIONED = "mentioned"  # personal: the recipient was mentioned


class PageAction(enum.StrEnum):
    """What the notice means for a paging channel (PagerDuty's event_action); None: no page
    change, the channel records it as a change event or leaves it."""

    TRIGGER = "trigger"
    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"


@dataclass(frozen=True)
class Notice:
    """One notification's content.

    `subject` is the case or incident as it stood when the notice was planned (CASE_FIELDS
    or INCIDENT_FIELDS below), and also the source of webhook `$VARIABLES`. `change` is
    the event's own data (old and new values). `headline` is one line for previews and
    fallback texts ("Ada moved SEC-12 from Open to In progress"); `title` the stable subject
    line of the thread ("[SEC-12] Disk full on db-1"); `body` an optional rendered
    template (an incident notification template) that replaces the default text.
    """

    event_id: str
    event_kind: str
    subject_type: str  # "case" or "incident"
    subject_id: str
    occurred_at: str  # ISO 8601, UTC
    title: str
    headline: str
    url: str
    reason: NoticeReason
    subject: dict[str, Any] = field(default_factory=dict)
    change: dict[str, Any] = field(default_factory=dict)
    actor: str | None = None  # the changer's display name or email
    page: PageAction | None = None
    body: str | None = None  # Markdown
    rule_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Notice:
        values = dict(data)
        values["reason"] = NoticeReason(values["reason"])
        if values.get("page") is not None:
            values["page"] = PageAction(values["page"])
        return cls(**values)


# What `Notice.subject` holds for a case. Values are strings, numbers, lists or None; people
# are {"id", "name", "email"} and a project is {"id", "key", "name"}.
CASE_FIELDS = (
    "id",  # UUID
    "key",  # "SEC-12"
    "number",  # the global number (Tines' case_id)
    "title",
    "description",
    "status",  # display name: "Open", "In progress", "Closed"
    "status_group",  # "open", "in_progress", "closed"
    "priority",  # "P1".."P5" or "NOT_DEFINED"
    "type",  # the case type's name
    "project",
    "assignee",  # or None
    "tags",
    "attributes",  # {key: [values]}
    "created_at",
    "modified_at",
    "closed_at",
    "url",  # a link back to the case
)
# What `Notice.subject` holds for an incident.
INCIDENT_FIELDS = (
    "id",
    "public_id",  # the number shown as "#12"
    "title",
    "state",  # "active", "stable", "resolved"
    "severity",  # "SEV-1".. or "UNKNOWN"
    "commander",  # a person or None
    "customer_impacted",
    "fields",  # {name: value}
    "created_at",
    "modified_at",
    "resolved_at",
    "url",
)
