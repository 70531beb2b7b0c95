"""The sub-resources an incident owns and the rules each kind's attributes follow.

Attributes are JSON-safe dicts (timestamps as ISO-8601 strings); `clean` checks a complete
set of attributes for its kind and returns the normalised copy that is stored.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.incidents.vocab import TimestampKind

TEXT_MAX = 10_000
TITLE_MAX = 1024
URL_MAX = 2048
ASSIGNEES_MAX = 50


class ItemKind(enum.Enum):
    TODO = "todo"
    ATTACHMENT = "attachment"
    IMPACT = "impact"
    RESPONDER = "responder"
    INTEGRATION = "integration"
    TIMESTAMP_OVERRIDE = "timestamp_override"
    CONFIGURATION = "configuration"

    @property
    def label(self) -> str:
        """How errors name it: `todo not found`, `timestamp override not found`."""
        return self.value.replace("_", " ")

    @property
    def limit(self) -> int:
        """How many one incident may hold; bounds the aggregate that every change loads."""
        return {ItemKind.TIMESTAMP_OVERRIDE: len(TimestampKind), ItemKind.CONFIGURATION: 1}.get(self, 500)


def _text(attributes: dict[str, Any], name: str, maximum: int, *, required: bool) -> str | None:
    value = attributes.get(name)
    if value is None:
        if required:
            raise ValidationFailed(name, f"{name} is required")
        return None
    text = str(value)
    if required and not text.strip():
        raise ValidationFailed(name, f"{name} must not be empty")
    if len(text) > maximum:
        raise ValidationFailed(name, f"{name} must be at most {maximum} characters")
    return text


def _moment(attributes: dict[str, Any], name: str) -> datetime | None:
    value = attributes.get(name)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(name, f"{value!r} is not an ISO-8601 timestamp") from None
    if moment.tzinfo is None:
        raise ValidationFailed(name, f"{value!r} has no time zone")
    return moment


def clean_todo(attributes: dict[str, Any]) -> dict[str, Any]:
    assignees = list(attributes.get("assignees") or [])
    if len(assignees) > ASSIGNEES_MAX:
        raise ValidationFailed("assignees", f"a todo has at most {ASSIGNEES_MAX} assignees")
    for assignee in assignees:
        if isinstance(assignee, str) and not (0 < len(assignee) <= 500):
            raise ValidationFailed("assignees", "an assignee handle is 1 to 500 characters")
    _moment(attributes, "completed")
    _text(attributes, "due_date", 64, required=False)
    return {
        "content": _text(attributes, "content", TEXT_MAX, required=True),
        "assignees": assignees,
        "completed": attributes.get("completed"),
        "due_date": attributes.get("due_date"),
    }


def clean_attachment(attributes: dict[str, Any]) -> dict[str, Any]:
    """A link (an http(s) URL), or a postmortem: a URL to it or its markdown content."""
    kind = attributes.get("attachment_type", "link")
    if kind not in ("link", "postmortem"):
        raise ValidationFailed(
            "attachment_type", f"invalid attachment_type {kind!r}; must be link or postmortem"
        )
    url = _text(attributes, "documentUrl", URL_MAX, required=False) or ""
    content = _text(attributes, "content", TEXT_MAX * 10, required=False)
    if url or kind == "link" or not content:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValidationFailed("attachment/documentUrl", f"{url!r} is not an http(s) URL")
    cleaned = {
        "attachment_type": kind,
        "documentUrl": url,
        "title": _text(attributes, "title", TITLE_MAX, required=False) or "",
    }
    if content is not None:
        cleaned["content"] = content
    return cleaned


def clean_impact(attributes: dict[str, Any]) -> dict[str, Any]:
    start = _moment(attributes, "start_at")
    if start is None:
        raise ValidationFailed("start_at", "start_at is required")
    end = _moment(attributes, "end_at")
    if end is not None and end < start:
        raise ValidationFailed("end_at", "end_at precedes start_at")
    fields = attributes.get("fields") or {}
    if not isinstance(fields, dict) or len(fields) > 100:
        raise ValidationFailed("fields", "fields is an object of at most 100 members")
    return {
        "description": _text(attributes, "description", TEXT_MAX, required=True),
        "start_at": start.isoformat(),
        "end_at": end.isoformat() if end else None,
        "fields": fields,
        "impact_type": attributes.get("impact_type") or "customer",
    }


def clean_integration(attributes: dict[str, Any]) -> dict[str, Any]:
    integration_type = attributes.get("integration_type")
    if not isinstance(integration_type, int) or isinstance(integration_type, bool):
        raise ValidationFailed("integration_type", "integration_type is required (an integer)")
    metadata = attributes.get("metadata")
    if not isinstance(metadata, dict):
        raise ValidationFailed("metadata", "metadata is required (an object)")
    status = attributes.get("status", 0)
    if not isinstance(status, int) or not 0 <= status <= 5:
        raise ValidationFailed("status", "status is an integer from 0 to 5")
    return {"integration_type": integration_type, "metadata": metadata, "status": status}


def clean_timestamp_override(attributes: dict[str, Any]) -> dict[str, Any]:
    kind = attributes.get("timestamp_type")
    if kind not in {k.value for k in TimestampKind}:
        raise ValidationFailed("timestamp_type", f"invalid timestamp_type {kind!r}")
    moment = _moment(attributes, "timestamp_value")
    if moment is None:
        raise ValidationFailed("timestamp_value", "timestamp_value is required")
    return {"timestamp_type": kind, "timestamp_value": moment.isoformat()}


def clean_responder(attributes: dict[str, Any]) -> dict[str, Any]:
    user_id = attributes.get("user_id")
    if not isinstance(user_id, str):
        raise ValidationFailed("user", "the responder's user is required")
    return {"user_id": user_id}


CONFIGURATION_FLAGS = (
    "execute_integrations",
    "execute_notification_rules",
    "include_in_analytics",
    "include_in_search",
)


def clean_configuration(attributes: dict[str, Any]) -> dict[str, Any]:
    """Whether the incident runs integrations and notification rules and counts in analytics
    and search; each defaults to true."""
    cleaned = {}
    for name in CONFIGURATION_FLAGS:
        value = attributes.get(name, True)
        if not isinstance(value, bool):
            raise ValidationFailed(name, f"{name} is true or false")
        cleaned[name] = value
    return cleaned


CLEANERS = {
    ItemKind.TODO: clean_todo,
    ItemKind.ATTACHMENT: clean_attachment,
    ItemKind.IMPACT: clean_impact,
    ItemKind.INTEGRATION: clean_integration,
    ItemKind.TIMESTAMP_OVERRIDE: clean_timestamp_override,
    ItemKind.RESPONDER: clean_responder,
    ItemKind.CONFIGURATION: clean_configuration,
}


def clean(kind: ItemKind, attributes: dict[str, Any]) -> dict[str, Any]:
    return CLEANERS[kind](attributes)


def identity(kind: ItemKind, attributes: dict[str, Any]) -> str | None:
    """What may appear only once per incident: one override per timestamp, one responder
    entry per user."""
    if kind is ItemKind.TIMESTAMP_OVERRIDE:
        return str(attributes["timestamp_type"])
    if kind is ItemKind.RESPONDER:
        return str(attributes["user_id"])
    if kind is ItemKind.CONFIGURATION:
        return "this incident"
    return None
