"""A notice as a PagerDuty Events API v2 event.

A notice that pages (`Notice.page`) is an alert event: `trigger` carries the payload,
`acknowledge` and `resolve` only name the alert. Its `dedup_key` is stable per subject
(`casedesk-case-<id>`, `casedesk-incident-<id>`), so one case or incident is one PagerDuty
alert, whichever notice triggers it. A notice that does not page is a change event (the
service's activity feed). Severity comes from the case's priority or the incident's
severity (SEVERITY below). The summary is cut to 1,024 characters; when the event would
exceed EVENT_BUDGET bytes, `custom_details` is replaced by an object saying so.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from casedesk.adapters.channels.facts import clip, reference
from casedesk.domain.notifications.notices import Notice, PageAction

SUMMARY_MAX = 1024
# PagerDuty's limit is 512 KB; Alertmanager, which also drops custom_details, uses 512,000.
EVENT_BUDGET = 512_000
SEVERITY = {
    "P1": "critical",
    "P2": "error",
    "P3": "warning",
    "P4": "info",
    "P5": "info",
    "SEV-1": "critical",
    "SEV-2": "error",
    "SEV-3": "warning",
    "SEV-4": "info",
    "SEV-5": "info",
}


def dedup_key(notice: Notice) -> str:
    return f"casedesk-{notice.subject_type}-{notice.subject_id}"


def severity(notice: Notice) -> str:
    """P1/SEV-1 critical, P2/SEV-2 error, P3/SEV-3 warning, anything else (P4, P5, not
    defined, unknown) info."""
    value = notice.subject.get("severity" if notice.subject_type == "incident" else "priority")
    return SEVERITY.get(str(value), "info")


def alert_event(notice: Notice, routing_key: str) -> dict[str, Any]:
    """The event for a paging notice (`notice.page` is set)."""
    action = notice.page or PageAction.TRIGGER
    event: dict[str, Any] = {
        "routing_key": routing_key,
        "event_action": action.value,
        "dedup_key": dedup_key(notice),
    }
    if action is PageAction.TRIGGER:
        event["payload"] = {
            "summary": clip(notice.title, SUMMARY_MAX),
            "source": source(notice),
            "severity": severity(notice),
            "timestamp": notice.occurred_at,
            "component": _project(notice, "key"),
            "group": _project(notice, "name"),
            "class": _class(notice),
            "custom_details": details(notice),
        }
        event.update(_links(notice))
    return fit(event)


def change_event(notice: Notice, routing_key: str) -> dict[str, Any]:
    """The change event for a notice that does not page."""
    event: dict[str, Any] = {
        "routing_key": routing_key,
        "payload": {
            "summary": clip(f"{notice.title}: {notice.headline}", SUMMARY_MAX),
            "source": source(notice),
            "timestamp": notice.occurred_at,
            "custom_details": details(notice),
        },
        "links": _links(notice)["links"],
    }
    return fit(event)


def encode(event: dict[str, Any]) -> bytes:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()


def fit(event: dict[str, Any]) -> dict[str, Any]:
    """`event`, with its custom_details replaced by an explanation when it is too large."""
    size = len(encode(event))
    payload = event.get("payload")
    if size <= EVENT_BUDGET or not isinstance(payload, dict) or "custom_details" not in payload:
        return event
    dropped = {
        "error": "custom_details dropped: the event would exceed PagerDuty's 512 KB limit",
        "size_bytes": size,
    }
    return {**event, "payload": {**payload, "custom_details": dropped}}


def details(notice: Notice) -> dict[str, Any]:
    """What the alert shows under its details: the subject's fields and the change."""
    return {
        "headline": notice.headline,
        "event": notice.event_kind,
        "actor": notice.actor,
        "subject": notice.subject,
        "change": notice.change,
        "body": notice.body,
    }


def source(notice: Notice) -> str:
    """casedesk's host as links name it (PagerDuty: "the unique location of the affected system")."""
    return urlsplit(notice.url).hostname or "casedesk"


def _links(notice: Notice) -> dict[str, Any]:
    parts = urlsplit(notice.url)
    home = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else notice.url
    return {
        "links": [{"href": notice.url, "text": f"Open {reference(notice)} in casedesk"}],
        "client": "casedesk",
        "client_url": home,
    }


def _project(notice: Notice, member: str) -> str:
    if notice.subject_type == "incident":
        return "incidents"
    project = notice.subject.get("project")
    if isinstance(project, dict):
        return str(project.get(member) or project.get("name") or "")
    return str(project or "")


def _class(notice: Notice) -> str:
    if notice.subject_type == "incident":
        return "incident"
    return str(notice.subject.get("type") or "case")
