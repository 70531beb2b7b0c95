"""Which incident notification rules an incident event fires, and what their templates say.

A rule fires when it is enabled, names the incident's type (or none), and:
- `incident_created_trigger`: the incident is created matching the conditions;
- `incident_modified_trigger`: a change makes the incident match (it did not before this
  event's change), or changes a field named in `renotify_on` while it matches;
- `incident_saved_trigger`: either of the above.
Conditions are AND across fields and OR within one field's values; a field is `state`
(also `status`), `severity`, or any other incident field by name (a list field matches
when any of its values is listed). The rule's notification template (subject, content) is
rendered in a sandbox with `incident` (the notice's subject, plus its fields by name) into
the notice's title and body; a template that fails to render leaves the default text.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.events import IncidentEvent
from casedesk.domain.incidents.incident import Incident
from casedesk.domain.incidents.rules import ALIASES, IncidentNotificationRule, IncidentTrigger
from casedesk.domain.incidents.settings import Setting, notification_rule
from casedesk.services.ports.outbox import OutboxMessage

log = logging.getLogger(__name__)
SANDBOX = SandboxedEnvironment(autoescape=False)
TEMPLATE_MAX = 20_000  # characters of rendered text kept


def field_values(incident: Incident, overrides: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Every field's values as strings, with `overrides` (field → raw value) put in."""
    raw: dict[str, Any] = {name: data.get("value") for name, data in incident.fields.items()}
    raw.update({"state": incident.state.value, "severity": incident.severity.value})
    raw.update(overrides)
    values: dict[str, tuple[str, ...]] = {}
    for name, value in raw.items():
        if isinstance(value, list | tuple):
            values[name] = tuple(str(v) for v in value)
        else:
            values[name] = () if value is None else (str(value),)
    return values


def matches(rule: IncidentNotificationRule, values: Mapping[str, tuple[str, ...]]) -> bool:
    for condition in rule.conditions:
        have = values.get(ALIASES.get(condition.field, condition.field), ())
        if not set(have) & set(condition.values):
            return False
    return True


def changed_fields(message: OutboxMessage) -> dict[str, Any]:
    """The fields the event changes, each with its value before the change."""
    data = message.payload
    match message.kind:
        case IncidentEvent.STATE_CHANGED:
            return {"state": data.get("old")}
        case IncidentEvent.SEVERITY_CHANGED:
            return {"severity": data.get("old")}
        case IncidentEvent.FIELDS_CHANGED:
            changes = data.get("fields") or {}
            return {name: (c.get("old") or {}).get("value") for name, c in changes.items()}
        case IncidentEvent.TITLE_CHANGED:
            return {"title": data.get("old")}
        case IncidentEvent.COMMANDER_CHANGED:
            return {"commander": data.get("old")}
        case IncidentEvent.CUSTOMER_IMPACT_CHANGED:
            return {"customer_impacted": data.get("old")}
    return {}


def fires(rule: IncidentNotificationRule, message: OutboxMessage, incident: Incident) -> bool:
    now = field_values(incident, {})
    if not matches(rule, now):
        return False
    created = message.kind == IncidentEvent.CREATED
    if created:
        return rule.trigger in (IncidentTrigger.CREATED, IncidentTrigger.SAVED)
    if rule.trigger is IncidentTrigger.CREATED or message.kind == IncidentEvent.DELETED:
        return False
    before = changed_fields(message)
    if not before:
        return False
    renotify = {ALIASES.get(name, name) for name in rule.renotify_on}
    if renotify & set(before):
        return True
    return not matches(rule, field_values(incident, before))


def firing_rules(
    rules: tuple[Setting, ...], message: OutboxMessage, incident: Incident
) -> list[tuple[Setting, IncidentNotificationRule]]:
    """The live rules this event fires, oldest first; a stored rule that no longer reads as
    one is passed over."""
    fired = []
    for setting in rules:
        try:
            rule = notification_rule(setting)
        except ValidationFailed:
            log.warning("incident notification rule %s is not a valid rule; skipped", setting.id)
            continue
        wanted_type = setting.incident_type_id
        if not rule.enabled or (wanted_type is not None and wanted_type != incident.incident_type_id):
            continue
        if fires(rule, message, incident):
            fired.append((setting, rule))
    return fired


def template_of(setting: Setting, templates: Mapping[uuid.UUID, Setting]) -> Setting | None:
    raw = setting.attributes.get("notification_template_id")
    try:
        return templates.get(uuid.UUID(str(raw))) if raw else None
    except ValueError:
        return None


def render(text: str, subject: Mapping[str, Any]) -> str | None:
    """`text` rendered with `incident`; None when it does not render."""
    context = {**subject.get("fields", {}), **subject}
    try:
        return SANDBOX.from_string(text).render(incident=context)[:TEMPLATE_MAX]
    # A template is written by users: whatever it does wrong (syntax, a refused attribute,
    # a filter given the wrong type) must not stop the notice, which keeps its default text.
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        log.warning("notification template does not render: %s", exc)
        return None
