"""A case notification rule's recipients are checked against the configured destinations:
a recipient naming nothing configured is refused at its member, and nothing is written."""

from __future__ import annotations

import uuid

import pytest

from casedesk.bootstrap import Container
from casedesk.domain.cases.notification_rules import CreateCaseNotificationRule
from casedesk.domain.cases.rules import (
    CaseNotificationRule,
    CaseTrigger,
    CaseTriggerType,
    Recipient,
    RecipientData,
    RecipientType,
)
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.notifications import commands as nc
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal
from casedesk.services.bus import MessageBus
from casedesk.services.ports.access import Visibility
from tests.integration.helpers import NOW, new_key


def test_a_recipient_naming_nothing_configured_is_refused_at_its_member(
    db: Container, admin: Principal
) -> None:
    bus = MessageBus(db.uow, clock=lambda: NOW)
    bus.handle(nc.AddSlackAccount(name="acme", token="xoxb-1"), admin)
    bus.handle(nc.CreateSlackChannel(account="acme", name="#ops"), admin)
    bus.handle(nc.CreateWebhook(name="siem", url="https://siem.example.com/hook"), admin)
    project: uuid.UUID = bus.handle(pc.CreateProject(name="Ops", key=new_key()), admin)
    known = (
        Recipient(RecipientType.EMAIL, RecipientData(email="ada@example.com")),
        Recipient(RecipientType.SLACK_CHANNEL, RecipientData(workspace="acme", channel="#ops")),
        Recipient(RecipientType.HTTP, RecipientData(name="siem")),
    )
    created = CaseTrigger(CaseTriggerType.CASE_CREATED)
    bus.handle(CreateCaseNotificationRule(project, CaseNotificationRule(known, (created,))), admin)
    for i, (unknown, member) in enumerate(
        [
            (Recipient(RecipientType.HTTP, RecipientData(name="nope")), "name"),
            (Recipient(RecipientType.PAGERDUTY_SERVICE, RecipientData(service_name="db")), "service_name"),
            (
                Recipient(RecipientType.MS_TEAMS_CHANNEL, RecipientData(connector_name="room")),
                "connector_name",
            ),
            (
                Recipient(RecipientType.SLACK_CHANNEL, RecipientData(workspace="other", channel="ops")),
                "channel",
            ),
        ]
    ):
        rule = CaseNotificationRule((*known, unknown), (created,))
        with pytest.raises(ValidationFailed) as refused:
            bus.handle(CreateCaseNotificationRule(project, rule), admin)
        assert refused.value.field == f"recipients/3/data/{member}", i
    assert len(db.read.case_notification_rules(Visibility.everything(), project)) == 1
