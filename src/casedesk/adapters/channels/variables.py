"""Webhook payload templates: Datadog-style `$VARIABLES` filled from a notice.

The README's "Webhook payloads" lists every variable. A name is matched whole (`$CASE_ID`
never eats the start of `$CASE_IDS`); a `$NAME` that is no variable is left as written.
Inside a JSON template each value is JSON-escaped, so a title holding a quote or a line
break keeps the payload valid.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from casedesk.domain.notifications.notices import Notice

_NAME = re.compile(r"\$([A-Z][A-Z0-9_]*)")


def render(template: str, variables: Mapping[str, str], *, json_escape: bool) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in variables:
            return match.group(0)
        text = variables[name]
        return json.dumps(text)[1:-1] if json_escape else text

    return _NAME.sub(value, template)


def variables(notice: Notice, delivery_id: str, custom: Mapping[str, str]) -> dict[str, str]:
    """Every variable of `notice`: the common ones, the case's or the incident's, then the
    custom variables by their own names (which never replace a built-in one)."""
    found = {**common(notice, delivery_id)}
    subject = notice.subject
    if notice.subject_type == "case":
        found.update(case_variables(subject))
    elif notice.subject_type == "incident":
        found.update(incident_variables(subject))
    for name, text in custom.items():
        found.setdefault(name.upper(), str(text))
    return found


def common(notice: Notice, delivery_id: str) -> dict[str, str]:
    when = datetime.fromisoformat(notice.occurred_at)
    text_only = notice.headline if not notice.body else f"{notice.headline}\n\n{notice.body}"
    return {
        "ID": notice.event_id,
        "DELIVERY_ID": delivery_id,
        "EVENT_TYPE": notice.event_kind,
        "EVENT_TITLE": notice.title,
        "EVENT_MSG": notice.body or notice.headline,
        "TEXT_ONLY_MSG": text_only,
        "DATE": str(int(when.timestamp() * 1000)),
        "TIMESTAMP": notice.occurred_at,
        "LINK": notice.url,
        "USER": notice.actor or "",
        "REASON": notice.reason.value,
        "SUBJECT_TYPE": notice.subject_type,
        "SUBJECT_ID": notice.subject_id,
    }


def case_variables(case: Mapping[str, Any]) -> dict[str, str]:
    project = case.get("project") or {}
    return {
        "CASE_ID": text(case.get("id")),
        "CASE_KEY": text(case.get("key")),
        "CASE_NUMBER": text(case.get("number")),
        "CASE_TITLE": text(case.get("title")),
        "CASE_DESCRIPTION": text(case.get("description")),
        "CASE_STATUS": text(case.get("status")),
        "CASE_STATUS_GROUP": text(case.get("status_group")),
        "CASE_PRIORITY": text(case.get("priority")),
        "CASE_TYPE": text(case.get("type")),
        "CASE_ASSIGNEE": person(case.get("assignee")),
        "CASE_TAGS": ",".join(str(tag) for tag in case.get("tags") or []),
        "CASE_URL": text(case.get("url")),
        "PROJECT_ID": text(project.get("id")),
        "PROJECT_KEY": text(project.get("key")),
        "PROJECT_NAME": text(project.get("name")),
    }


def incident_variables(incident: Mapping[str, Any]) -> dict[str, str]:
    return {
        "INCIDENT_ID": text(incident.get("id")),
        "INCIDENT_PUBLIC_ID": text(incident.get("public_id")),
        "INCIDENT_TITLE": text(incident.get("title")),
        "INCIDENT_SEVERITY": text(incident.get("severity")),
        "INCIDENT_STATE": text(incident.get("state")),
        "INCIDENT_COMMANDER": person(incident.get("commander")),
        "INCIDENT_CUSTOMER_IMPACTED": text(incident.get("customer_impacted")),
        "INCIDENT_URL": text(incident.get("url")),
    }


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def person(value: Any) -> str:
    """A person is shown by email, else by name; nobody is the empty string."""
    if not isinstance(value, Mapping):
        return text(value)
    return text(value.get("email") or value.get("name"))
