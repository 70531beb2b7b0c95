"""How recipients and handles name destinations, and what case rule triggers fire on."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from casedesk.domain.cases.rules import (
    CaseTrigger,
    CaseTriggerData,
    CaseTriggerType,
    ChangeType,
    Recipient,
    RecipientData,
    RecipientType,
)
from casedesk.domain.handles import Handle
from casedesk.domain.notifications.addressing import handle_destination, recipient_destination
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.services.ports.outbox import OutboxMessage
from casedesk.services.reactions.notify.case_triggers import fires


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        (RecipientType.EMAIL, {"email": "ada@example.com"}, (ChannelKind.EMAIL, "ada@example.com", "email")),
        (
            RecipientType.SLACK_CHANNEL,
            {"workspace": "acme", "channel": "#ops"},
            (ChannelKind.SLACK, "acme/ops", "channel"),
        ),
        (RecipientType.SLACK_CHANNEL, {"channel": "ops"}, (ChannelKind.SLACK, "ops", "channel")),
        (RecipientType.SLACK_CHANNEL, {"channel_id": "C123"}, (ChannelKind.SLACK, "C123", "channel_id")),
        (
            RecipientType.MS_TEAMS_CHANNEL,
            {"connector_name": "war-room"},
            (ChannelKind.TEAMS, "war-room", "connector_name"),
        ),
        (
            RecipientType.PAGERDUTY_SERVICE,
            {"service_name": "db"},
            (ChannelKind.PAGERDUTY, "db", "service_name"),
        ),
        (RecipientType.HTTP, {"name": "siem"}, (ChannelKind.WEBHOOK, "siem", "name")),
    ],
)
def test_a_recipient_names_one_destination(
    kind: RecipientType, data: dict[str, str], expected: tuple[ChannelKind, str, str]
) -> None:
    assert recipient_destination(Recipient(kind, RecipientData(**data))) == expected


def test_handles_name_destinations_or_say_why_not() -> None:
    assert handle_destination(Handle("@slack-ops")) == (ChannelKind.SLACK, "ops")
    assert handle_destination(Handle("@slack-acme/#ops")) == (ChannelKind.SLACK, "acme/ops")
    assert handle_destination(Handle("@teams-war-room")) == (ChannelKind.TEAMS, "war-room")
    assert handle_destination(Handle("@webhook-siem")) == (ChannelKind.WEBHOOK, "siem")
    assert handle_destination(Handle("@pagerduty-db")) == (ChannelKind.PAGERDUTY, "db")
    assert handle_destination(Handle("@ada@example.com")) == (ChannelKind.EMAIL, "ada@example.com")
    for unreachable in ("@oncall-sre", "@workflow-triage", "@incident-slack-channel"):
        assert isinstance(handle_destination(Handle(unreachable)), str)


def message(kind: str, **payload: Any) -> OutboxMessage:
    at = datetime(2030, 1, 1, tzinfo=UTC)
    return OutboxMessage(1, uuid.uuid4(), kind, "case", uuid.uuid4(), None, at, payload, 0, "w")


def changed(field: str, how: ChangeType | None = None) -> CaseTrigger:
    return CaseTrigger(CaseTriggerType.ATTRIBUTE_VALUE_CHANGED, CaseTriggerData(field=field, change_type=how))


def status(**data: Any) -> CaseTrigger:
    return CaseTrigger(CaseTriggerType.STATUS_TRANSITIONED, CaseTriggerData(**data))


def test_status_transitions_match_ids_groups_and_names_either_end() -> None:
    closing = message("case.status_changed", old="IN_PROGRESS", new="CLOSED")
    assert fires(status(), closing)
    assert fires(status(to_status="closed"), closing)
    assert fires(status(to_status="SG_CLOSED", from_status_name="In Progress"), closing)
    assert not fires(status(from_status_name="Open"), closing)
    assert not fires(status(), message("case.priority_changed", old="P1", new="P2"))


def test_change_types_of_fields() -> None:
    assert fires(
        changed("priority", ChangeType.ADDED), message("case.priority_changed", old="NOT_DEFINED", new="P1")
    )
    assert not fires(
        changed("priority", ChangeType.ADDED), message("case.priority_changed", old="P2", new="P1")
    )
    assert fires(
        changed("priority", ChangeType.CHANGED), message("case.priority_changed", old="P2", new="P1")
    )
    assert fires(changed("assignee_id", ChangeType.REMOVED), message("case.unassigned", old="u", new=None))
    assert fires(changed("Tags", ChangeType.ADDED), message("case.tags_added", tags=["x"]))
    assert not fires(changed("tags", ChangeType.REMOVED), message("case.tags_added", tags=["x"]))
    attrs = message("case.attributes_changed", old={"env": ["dev"]}, new={"env": ["dev", "prod"]})
    assert fires(changed("attributes.env", ChangeType.ADDED), attrs)
    assert fires(changed("env"), attrs)
    assert not fires(changed("env", ChangeType.REMOVED), attrs)
    custom = message("case.custom_attribute_changed", key="cost", old=None, new=3)
    assert fires(changed("custom_attributes.cost", ChangeType.ADDED), custom)
    assert not fires(changed("team"), custom)
