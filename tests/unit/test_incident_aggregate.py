"""The Incident aggregate's rules and the events it records, without a database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.incidents.fields import FieldInput
from casedesk.domain.incidents.incident import Incident
from casedesk.domain.incidents.items import ItemKind
from casedesk.domain.incidents.values import CustomerImpact, TimelineCell
from casedesk.domain.incidents.vocab import FieldKind, IncidentState, Severity, TimestampKind

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ACTOR = uuid.uuid4()


def declare(**kw: object) -> Incident:
    args: dict[str, object] = {
        "public_id": 7,
        "title": "Checkout down",
        "incident_type_id": uuid.uuid4(),
        "impact": CustomerImpact(False),
        "fields": {},
        "commander_id": None,
        "is_test": False,
        "handles": (),
        "cells": (),
        "actor": ACTOR,
        "now": NOW,
    }
    args.update(kw)
    return Incident.declare(**args)  # type: ignore[arg-type]


def dropdown(value: str | None) -> FieldInput:
    return FieldInput(FieldKind.DROPDOWN, value)


def test_declare_records_created_and_cells() -> None:
    incident = declare(cells=(TimelineCell("note", important=True),))
    assert [e.kind for e in incident.events] == ["incident.created", "incident.cell_added"]
    assert incident.events[1].data == {"content": "note", "important": True}
    assert incident.detected == incident.declared == incident.created_at == NOW


def test_customer_impact_needs_a_scope_and_ordered_times() -> None:
    with pytest.raises(ValidationFailed) as caught:
        declare(impact=CustomerImpact(True, "  "))
    assert caught.value.field == "customer_impact_scope"
    incident = declare(impact=CustomerImpact(True, "EU"))
    assert incident.impact.start == NOW
    with pytest.raises(ValidationFailed) as caught:
        incident.set_customer_impact(CustomerImpact(True, "EU", NOW, NOW - timedelta(1)), ACTOR, NOW)
    assert caught.value.field == "customer_impact_end"


def test_state_changes_stamp_and_clear_resolved() -> None:
    incident = declare()
    later = NOW + timedelta(hours=2)
    incident.set_fields({"state": dropdown("resolved")}, ACTOR, later)
    assert incident.state is IncidentState.RESOLVED
    assert incident.resolved == later
    assert incident.metrics.time_to_resolve == 7200
    incident.change_state(IncidentState.COMPLETED, ACTOR, later + timedelta(hours=1))
    assert incident.resolved == later
    incident.change_state(IncidentState.ACTIVE, ACTOR, later)
    assert incident.resolved is None


def test_fields_merge_and_record_one_event() -> None:
    incident = declare(fields={"root_cause": FieldInput(FieldKind.TEXTBOX, "dns")})
    incident.events.clear()
    incident.set_fields(
        {"severity": dropdown("SEV-1"), "teams": FieldInput(FieldKind.AUTOCOMPLETE, ("db", "db", "web"))},
        ACTOR,
        NOW,
    )
    assert incident.severity is Severity.SEV_1
    assert incident.fields["teams"] == {"type": "autocomplete", "value": ["db", "web"]}
    assert incident.fields["root_cause"]["value"] == "dns"
    assert [e.kind for e in incident.events] == ["incident.severity_changed", "incident.fields_changed"]


@pytest.mark.parametrize(
    ("name", "given"),
    [
        ("state", dropdown("closed")),
        ("severity", dropdown(None)),
        ("severity", FieldInput(FieldKind.TEXTBOX, "SEV-1")),
        ("teams", FieldInput(FieldKind.AUTOCOMPLETE, "db")),
        ("root_cause", FieldInput(FieldKind.TEXTBOX, ("a",))),
        ("bad name!", dropdown("x")),
    ],
)
def test_bad_fields_are_refused(name: str, given: FieldInput) -> None:
    with pytest.raises(ValidationFailed) as caught:
        declare(fields={name: given})
    assert caught.value.field == f"fields/{name}"


def test_timestamp_overrides_change_the_reported_times() -> None:
    incident = declare()
    earlier = NOW - timedelta(minutes=45)
    item = incident.add_item(
        ItemKind.TIMESTAMP_OVERRIDE,
        {"timestamp_type": "detected", "timestamp_value": earlier.isoformat()},
        ACTOR,
        NOW,
    )
    assert incident.effective(TimestampKind.DETECTED) == earlier
    assert incident.metrics.time_to_internal_response == 45 * 60
    with pytest.raises(ValidationFailed):
        incident.add_item(
            ItemKind.TIMESTAMP_OVERRIDE,
            {"timestamp_type": "detected", "timestamp_value": NOW.isoformat()},
            ACTOR,
            NOW,
        )
    incident.remove_item(ItemKind.TIMESTAMP_OVERRIDE, item.id, ACTOR, NOW)
    assert incident.effective(TimestampKind.DETECTED) == NOW
    with pytest.raises(NotFound):
        incident.remove_item(ItemKind.TIMESTAMP_OVERRIDE, item.id, ACTOR, NOW)


def test_items_are_checked_and_recorded() -> None:
    incident = declare()
    incident.events.clear()
    todo = incident.add_item(ItemKind.TODO, {"content": "Call the vendor", "assignees": ["@ann"]}, ACTOR, NOW)
    incident.update_item(ItemKind.TODO, todo.id, {"completed": NOW.isoformat()}, ACTOR, NOW)
    incident.update_item(ItemKind.TODO, todo.id, {"completed": NOW.isoformat()}, ACTOR, NOW)  # no change
    with pytest.raises(ValidationFailed):
        incident.update_item(ItemKind.TODO, todo.id, {"content": ""}, ACTOR, NOW)
    with pytest.raises(ValidationFailed):
        incident.add_item(ItemKind.ATTACHMENT, {"documentUrl": "javascript:alert(1)"}, ACTOR, NOW)
    assert [e.kind for e in incident.events] == ["incident.todo_added", "incident.todo_updated"]


def test_linking_to_a_second_case_is_refused() -> None:
    incident = declare()
    first = uuid.uuid4()
    incident.link_case(first, "OPS-1", ACTOR, NOW)
    incident.link_case(first, "OPS-1", ACTOR, NOW)
    with pytest.raises(ValidationFailed):
        incident.link_case(uuid.uuid4(), "OPS-2", ACTOR, NOW)
    assert [e.kind for e in incident.events].count("incident.case_linked") == 1
