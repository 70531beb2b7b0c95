"""Configuring channels on the real unit of work, and what `Destinations.find` gives the
worker for each kind."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from casedesk.adapters.db.destinations import SqlDestinations
from casedesk.adapters.db.schema import channels as t
from casedesk.adapters.db.unit_of_work import SqlUnitOfWork
from casedesk.bootstrap import Container
from casedesk.domain.errors import Forbidden, NotFound, ValidationFailed
from casedesk.domain.notifications import commands as nc
from casedesk.domain.notifications.channels import Encoding, SlackDisplay
from casedesk.domain.notifications.destinations import ChannelKind, Destination
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope
from casedesk.services.bus import MessageBus
from tests.integration.helpers import NOW, principal

TEAMS_URL = "https://prod-00.westus.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=s"


def finder(db: Container, at: datetime = NOW) -> SqlDestinations:
    return SqlDestinations(db.connections, db.box, clock=lambda: at)


def test_a_webhook_destination_carries_its_config_variables_and_secrets(
    db: Container, bus: MessageBus, admin: Principal
) -> None:
    bus.handle(
        nc.CreateWebhook(
            "ops", "http://127.0.0.1:9/hook", '{"t": "$CASE_TITLE"}', '{"X-Env": "$ENV"}', Encoding.FORM
        ),
        admin,
    )
    bus.handle(nc.CreateCustomVariable("ENV", "prod", is_secret=False), admin)
    bus.handle(nc.CreateCustomVariable("TOKEN", "t0ken", is_secret=True), admin)
    secret = bus.handle(nc.RevealSigningSecret("ops"), admin)
    assert secret.startswith("whsec_")
    assert 24 <= len(base64.b64decode(secret.removeprefix("whsec_"))) <= 64
    assert bus.handle(nc.RevealSigningSecret("ops"), admin) == secret  # the same until rotated

    found = db.destinations.find(ChannelKind.WEBHOOK, "ops")
    assert found == Destination(
        ChannelKind.WEBHOOK,
        "ops",
        {
            "url": "http://127.0.0.1:9/hook",
            "payload": '{"t": "$CASE_TITLE"}',
            "custom_headers": '{"X-Env": "$ENV"}',
            "encode_as": "form",
            "variables": {"ENV": "prod"},
        },
        {"signing_secret": secret, "TOKEN": "t0ken"},
    )
    assert found.key == "webhook:ops"
    assert db.destinations.exists(ChannelKind.WEBHOOK, "ops")
    assert not db.destinations.exists(ChannelKind.WEBHOOK, "other")
    assert db.destinations.find(ChannelKind.WEBHOOK, "other") is None


def test_a_rotated_signing_secret_keeps_the_old_one_for_24_hours(
    db: Container, bus: MessageBus, admin: Principal
) -> None:
    bus.handle(nc.CreateWebhook("ops", "https://example.com/hook"), admin)
    first = bus.handle(nc.RevealSigningSecret("ops"), admin)
    second = bus.handle(nc.RevealSigningSecret("ops", rotate=True), admin)  # at NOW
    assert second != first
    within = finder(db, NOW + timedelta(hours=23, minutes=59)).find(ChannelKind.WEBHOOK, "ops")
    assert within is not None
    assert within.secrets["signing_secret"] == second
    assert within.secrets["previous_signing_secret"] == first
    after = finder(db, NOW + timedelta(hours=24)).find(ChannelKind.WEBHOOK, "ops")
    assert after is not None
    assert after.secrets == {"signing_secret": second}
    assert "signing_secret_rotated_at" not in after.config


def test_a_webhook_signs_before_anyone_asked_for_its_secret(
    db: Container, bus: MessageBus, admin: Principal
) -> None:
    bus.handle(nc.CreateWebhook("fresh", "https://example.com/hook"), admin)
    found = db.destinations.find(ChannelKind.WEBHOOK, "fresh")
    assert found is not None
    made = found.secrets["signing_secret"]
    assert made.startswith("whsec_")
    assert bus.handle(nc.RevealSigningSecret("fresh"), admin) == made


def test_slack_teams_pagerduty_and_email_destinations(
    db: Container, bus: MessageBus, admin: Principal
) -> None:
    bus.handle(nc.AddSlackAccount("acme", "xoxb-acme"), admin)
    name = bus.handle(nc.CreateSlackChannel("acme", "#alerts", SlackDisplay(snapshot=False)), admin)
    assert name == "acme/alerts"
    for spelled in ("acme/alerts", "acme/#alerts"):
        slack = db.destinations.find(ChannelKind.SLACK, spelled)
        assert slack is not None
        assert (slack.name, slack.key, dict(slack.secrets)) == (
            "acme/alerts",
            "slack:acme/alerts",
            {"token": "xoxb-acme"},
        )
        assert slack.config == {"channel": "alerts", "display": SlackDisplay(snapshot=False).as_dict()}

    bus.handle(nc.CreateTeamsHandle("sre", TEAMS_URL), admin)
    teams = db.destinations.find(ChannelKind.TEAMS, "sre")
    assert teams == Destination(
        ChannelKind.TEAMS, "sre", {"host": "prod-00.westus.logic.azure.com"}, {"url": TEAMS_URL}
    )

    bus.handle(nc.CreatePagerDutyService("payments", "R0UT1NGKEY"), admin)
    assert db.destinations.find(ChannelKind.PAGERDUTY, "payments") == Destination(
        ChannelKind.PAGERDUTY, "payments", {}, {"routing_key": "R0UT1NGKEY"}
    )

    email = db.destinations.find(ChannelKind.EMAIL, "Ada@Example.com")
    assert email == Destination(ChannelKind.EMAIL, "Ada@Example.com")
    assert email.key == "email:ada@example.com"
    assert db.destinations.exists(ChannelKind.EMAIL, "anyone@example.com")

    # Removing the account removes its channels.
    bus.handle(nc.RemoveSlackAccount("acme"), admin)
    assert db.destinations.find(ChannelKind.SLACK, "acme/alerts") is None
    with pytest.raises(NotFound):
        bus.handle(nc.CreateSlackChannel("acme", "alerts"), admin)


def test_secrets_are_sealed_at_rest(db: Container, bus: MessageBus, admin: Principal) -> None:
    bus.handle(nc.AddSlackAccount("acme", "xoxb-never-plain"), admin)
    bus.handle(nc.CreatePagerDutyService("svc", "routing-never-plain"), admin)
    with db.engine.connect() as conn:
        stored = [
            *conn.execute(select(t.slack_accounts.c.token)).scalars(),
            *conn.execute(select(t.destinations.c.secrets)).scalars(),
        ]
    assert len(stored) == 2
    assert not any("never-plain" in value for value in stored)


def test_writing_channels_needs_manage_integrations(db: Container, bus: MessageBus, admin: Principal) -> None:
    create = nc.CreateWebhook("ops", "https://example.com/hook")
    with pytest.raises(Forbidden):
        bus.handle(create, principal(admin.user_id, Scope.INTEGRATIONS_READ, Scope.CASES_WRITE))
    assert bus.handle(create, principal(admin.user_id, Scope.MANAGE_INTEGRATIONS)) == "ops"


def test_the_outbound_policy_is_asked_when_a_url_is_written(
    db: Container, bus: MessageBus, admin: Principal
) -> None:
    # The suite allows 127.0.0.0/8; 10/8 and link-local are refused.
    bus.handle(nc.CreateWebhook("local", "http://127.0.0.1:8080/hook"), admin)
    for url in ("http://10.0.0.1/", "http://169.254.169.254/", "http://[::1]/"):
        with pytest.raises(ValidationFailed) as refused:
            bus.handle(nc.CreateWebhook("remote", url), admin)
        assert refused.value.field == "url"
    with pytest.raises(ValidationFailed) as teams:
        bus.handle(nc.CreateTeamsHandle("sre", "https://192.168.0.10/flow"), admin)
    assert teams.value.field == "url"


def test_a_unit_of_work_without_the_box_refuses_channels(db: Container) -> None:
    with SqlUnitOfWork(db.connections) as uow, pytest.raises(RuntimeError):
        uow.channels.find(ChannelKind.WEBHOOK, "ops")
