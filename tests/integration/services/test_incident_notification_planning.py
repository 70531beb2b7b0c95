"""Planning incident events over real changes made through the bus: incident notification
rules, their templates and handles, an incident's own handles, maintenance windows."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from casedesk.bootstrap import Container
from casedesk.domain import maintenance as mc
from casedesk.domain.incidents import commands as ic
from casedesk.domain.incidents.commands import IncidentRef
from casedesk.domain.incidents.fields import FieldInput
from casedesk.domain.incidents.settings import SettingKind
from casedesk.domain.incidents.values import NotificationHandle
from casedesk.domain.incidents.vocab import FieldKind
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.notices import INCIDENT_FIELDS, NoticeReason, PageAction
from casedesk.domain.users import Principal
from casedesk.services.bus import MessageBus
from casedesk.services.reactions.notify.planned import Planned
from tests.integration.helpers import NOW
from tests.integration.services.planning import (
    last_seq,
    planned,
    targets,
)

# -- incidents -----------------------------------------------------------------------------


def incident_rule(bus: MessageBus, who: Principal, **attributes: Any) -> uuid.UUID:
    values = {"conditions": [{"field": "severity", "values": ["SEV-1"]}], "handles": ["@slack-ops"],
              "trigger": "incident_created_trigger", "enabled": True, **attributes}  # fmt: skip
    created: uuid.UUID = bus.handle(ic.CreateIncidentSetting(SettingKind.NOTIFICATION_RULE, values), who)
    return created


def severity(value: str) -> dict[str, FieldInput]:
    return {"severity": FieldInput(FieldKind.DROPDOWN, value)}


def test_incident_rules_fire_on_creation_when_their_conditions_hold(
    db: Container, bus: MessageBus, admin: Principal
) -> None:
    handles = ["@slack-ops", "@slack-acme/war-room", "@webhook-siem", "@teams-war-room", "@pagerduty-db",
               "@ada@example.com", "@oncall-sre", "@incident-slack-channel"]  # fmt: skip
    template = {"name": "Paging", "category": "alert", "subject": "{{incident.severity}}: {{incident.title}}",
                "content": "Services: {{incident.services}} {{ ''.__class__.__mro__ }}"}  # fmt: skip
    template_id = bus.handle(ic.CreateIncidentSetting(SettingKind.NOTIFICATION_TEMPLATE, template), admin)
    rule_id = incident_rule(bus, admin, handles=handles, notification_template_id=str(template_id))
    incident_rule(bus, admin, handles=["@slack-quiet"], enabled=False)
    quiet = bus.handle(
        ic.CreateIncident(title="Checkout slow", customer_impacted=False, fields=severity("SEV-3")), admin
    )
    assert planned(db, quiet).get("incident.created") == []
    loud = bus.handle(
        ic.CreateIncident(title="Checkout down", customer_impacted=False, fields=severity("SEV-1")), admin
    )
    plans = planned(db, loud)["incident.created"]
    assert [(p.kind, p.name) for p in plans] == [
        (ChannelKind.SLACK, "ops"),
        (ChannelKind.SLACK, "acme/war-room"),
        (ChannelKind.WEBHOOK, "siem"),
        (ChannelKind.TEAMS, "war-room"),
        (ChannelKind.PAGERDUTY, "db"),
        (ChannelKind.EMAIL, "ada@example.com"),
        # Handles that reach nothing are recorded, suppressed, saying which handle it was.
        (ChannelKind.UNREACHABLE, "@oncall-sre"),
        (ChannelKind.UNREACHABLE, "@incident-slack-channel"),
    ]
    assert [p.suppressed_by for p in plans] == [None] * 6 + [
        "unsupported_handle:@oncall-sre",
        "unsupported_handle:@incident-slack-channel",
    ]
    notice = plans[0].notice
    assert (notice.reason, notice.rule_id, notice.page) == (
        NoticeReason.INCIDENT_RULE,
        str(rule_id),
        PageAction.TRIGGER,
    )
    assert notice.title == "SEV-1: Checkout down"
    assert notice.body is None  # the sandbox refused the template's reach for Python internals
    assert set(notice.subject) == set(INCIDENT_FIELDS)
    assert notice.url.endswith(f"/incidents/{notice.subject['public_id']}")


def test_a_template_renders_into_the_body(db: Container, bus: MessageBus, admin: Principal) -> None:
    template = {"name": "Plain", "category": "alert", "subject": "Incident {{incident.public_id}}",
                "content": "{{incident.title}} is {{incident.state}} ({{incident.severity}})"}  # fmt: skip
    template_id = bus.handle(ic.CreateIncidentSetting(SettingKind.NOTIFICATION_TEMPLATE, template), admin)
    incident_rule(bus, admin, notification_template_id=str(template_id))
    incident_id = bus.handle(
        ic.CreateIncident(title="Down", customer_impacted=False, fields=severity("SEV-1")), admin
    )
    [plan] = planned(db, incident_id)["incident.created"]
    assert plan.notice.body == "Down is active (SEV-1)"
    assert plan.notice.title.startswith("Incident ")


def test_modified_rules_fire_when_a_change_makes_the_incident_match_and_on_renotify_fields(
    db: Container, bus: MessageBus, admin: Principal
) -> None:
    incident_rule(bus, admin, trigger="incident_modified_trigger", renotify_on=["state"])
    incident_id = bus.handle(
        ic.CreateIncident(title="Slow", customer_impacted=False, fields=severity("SEV-3")), admin
    )
    ref = IncidentRef(id=incident_id)
    assert planned(db, incident_id)["incident.created"] == []

    def after(command: ic.UpdateIncident) -> list[Planned]:
        seq = last_seq(db)
        bus.handle(command, admin)
        return [p for plans in planned(db, incident_id, seq).values() for p in plans]

    [escalated] = after(ic.UpdateIncident(ref, fields=severity("SEV-1")))
    assert escalated.notice.event_kind == "incident.severity_changed"
    assert after(ic.UpdateIncident(ref, title="Down")) == []  # matching already, title not renotified
    [stable] = after(ic.UpdateIncident(ref, fields={"state": FieldInput(FieldKind.DROPDOWN, "stable")}))
    assert stable.notice.page is PageAction.ACKNOWLEDGE
    [resolved] = after(ic.UpdateIncident(ref, fields={"state": FieldInput(FieldKind.DROPDOWN, "resolved")}))
    assert resolved.notice.page is PageAction.RESOLVE


def test_an_incidents_own_handles_are_told_at_creation(
    db: Container, bus: MessageBus, admin: Principal
) -> None:
    incident_rule(bus, admin, handles=["@webhook-siem"], conditions=[])
    handles = (
        NotificationHandle("@webhook-siem"),
        NotificationHandle("@slack-ops"),
        NotificationHandle("@oncall-sre"),
        NotificationHandle("@workflow-escalate"),
        NotificationHandle("@nobody-knows"),  # no handle form at all
    )
    incident_id = bus.handle(
        ic.CreateIncident(title="Down", customer_impacted=False, notification_handles=handles), admin
    )
    plans = planned(db, incident_id)["incident.created"]
    # The webhook is named by a rule and by the incident: one delivery, for the rule.
    assert targets(plans) == [
        (ChannelKind.WEBHOOK, "siem", NoticeReason.INCIDENT_RULE),
        (ChannelKind.UNREACHABLE, "@nobody-knows", NoticeReason.INCIDENT_HANDLE),
        (ChannelKind.SLACK, "ops", NoticeReason.INCIDENT_HANDLE),
        (ChannelKind.UNREACHABLE, "@oncall-sre", NoticeReason.INCIDENT_HANDLE),
        (ChannelKind.UNREACHABLE, "@workflow-escalate", NoticeReason.INCIDENT_HANDLE),
    ]
    assert [p.suppressed_by for p in plans] == [
        None,
        "unsupported_handle:@nobody-knows",
        None,
        "unsupported_handle:@oncall-sre",
        "unsupported_handle:@workflow-escalate",
    ]
    seq = last_seq(db)
    bus.handle(ic.UpdateIncident(IncidentRef(id=incident_id), title="Still down"), admin)
    assert all(not p for p in planned(db, incident_id, seq).values())


def test_a_rule_naming_an_incident_type_fires_for_that_type_only(
    db: Container, bus: MessageBus, admin: Principal
) -> None:
    kind = {"name": "Security", "description": "Breaches"}
    type_id = bus.handle(ic.CreateIncidentSetting(SettingKind.INCIDENT_TYPE, kind), admin)
    incident_rule(bus, admin, conditions=[], handles=["@webhook-sec"], incident_type_id=str(type_id))
    other = bus.handle(ic.CreateIncident(title="Slow", customer_impacted=False), admin)
    assert planned(db, other)["incident.created"] == []
    typed = ic.CreateIncident(title="Breach", customer_impacted=False, incident_type_id=type_id)
    breach = bus.handle(typed, admin)
    assert [p.name for p in planned(db, breach)["incident.created"]] == ["sec"]


def test_a_window_matching_everything_suppresses_incident_deliveries(
    db: Container, bus: MessageBus, admin: Principal
) -> None:
    incident_rule(bus, admin, conditions=[], handles=["@slack-ops", "@oncall-sre"])
    window_id = bus.handle(
        mc.CreateMaintenanceWindow("All quiet", "*", NOW - timedelta(minutes=5), NOW + timedelta(hours=1)),
        admin,
    )
    incident_id = bus.handle(ic.CreateIncident(title="Down", customer_impacted=False), admin)
    plan, unreachable = planned(db, incident_id)["incident.created"]
    assert plan.suppressed_by == str(window_id)
    # A handle that reaches nothing would not be sent after the window either: it says so.
    assert unreachable.suppressed_by == "unsupported_handle:@oncall-sre"
