"""Helpers for planning tests: real changes through the bus, then their outbox rows planned as
the worker would."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from sqlalchemy import select

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.cases.notification_rules import (
    CreateCaseNotificationRule,
)
from casedesk.domain.cases.rules import (
    CaseNotificationRule,
    CaseTrigger,
    CaseTriggerType,
    Recipient,
    RecipientData,
    RecipientType,
)
from casedesk.domain.commands import Command
from casedesk.domain.errors import Conflict, ValidationFailed
from casedesk.domain.notifications import commands as nc
from casedesk.domain.notifications.addressing import recipient_destination
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.notices import NoticeReason
from casedesk.domain.projects import commands as pc
from casedesk.domain.projects.settings import NotificationSettings, ProjectSettings
from casedesk.domain.users import Principal, Role
from casedesk.domain.vocab import Scope
from casedesk.services.bus import MessageBus
from casedesk.services.ports.outbox import OutboxMessage
from casedesk.services.reactions.notify.planned import Planned
from tests.api.channels import TEAMS_URL

CREATED = CaseTrigger(CaseTriggerType.CASE_CREATED)
EMAIL = Recipient(RecipientType.EMAIL, RecipientData(email="oncall@example.com"))
SLACK = Recipient(RecipientType.SLACK_CHANNEL, RecipientData(workspace="acme", channel="#alerts"))


def messages(db: Container, subject_id: uuid.UUID, after: int = 0) -> list[OutboxMessage]:
    o = t.outbox.c
    query = select(t.outbox).where(o.subject_id == subject_id, o.seq > after).order_by(o.seq)
    with db.engine.connect() as conn:
        return [
            OutboxMessage(
                r["seq"],
                r["event_id"],
                r["kind"],
                r["subject_type"],
                r["subject_id"],
                r["actor_id"],
                r["occurred_at"],
                dict(r["payload"]),
                r["attempts"],
                "test",
            )
            for r in conn.execute(query).mappings()
        ]


def last_seq(db: Container) -> int:
    with db.engine.connect() as conn:
        return int(
            conn.execute(select(t.outbox.c.seq).order_by(t.outbox.c.seq.desc()).limit(1)).scalar() or 0
        )


def planned(db: Container, subject_id: uuid.UUID, after: int = 0) -> dict[str, list[Planned]]:
    """Per event kind, what the planner plans for the subject's events since `after`."""
    found: dict[str, list[Planned]] = {}
    for message in messages(db, subject_id, after):
        found.setdefault(message.kind, []).extend(db.planner.plan(message))
    return found


def targets(plans: list[Planned]) -> list[tuple[ChannelKind, str, NoticeReason]]:
    return [(p.kind, p.name, p.notice.reason) for p in plans]


def user(bus: MessageBus, name: str, role: Role = Role.STANDARD) -> Principal:
    email = f"{name.lower()}.{uuid.uuid4().hex[:6]}@example.com"
    user_id = bus.handle(uc.CreateUser(email=email, name=name, role=role), Principal.operator())
    return Principal(user_id=user_id, email=email, scopes=Scope.default() | {Scope.ACT_ON_BEHALF}, role=role)


def configure(bus: MessageBus, who: Principal, recipient: Recipient) -> None:
    """Configures the destination `recipient` names, unless it already is (a rule may name
    only what is configured)."""
    kind, name, _ = recipient_destination(recipient)
    account, _, channel = name.rpartition("/")
    made: list[Command[Any]] = []
    if kind is ChannelKind.SLACK:
        made = [
            nc.AddSlackAccount(name=account or "acme", token="xoxb-1"),
            nc.CreateSlackChannel(account=account or "acme", name=channel),
        ]
    elif kind is ChannelKind.TEAMS:
        made = [nc.CreateTeamsHandle(name=name, url=TEAMS_URL)]
    elif kind is ChannelKind.PAGERDUTY:
        made = [nc.CreatePagerDutyService(name=name, routing_key=uuid.uuid4().hex)]
    elif kind is ChannelKind.WEBHOOK:
        made = [nc.CreateWebhook(name=name, url="https://hooks.example.com/x")]
    for command in made:
        # Configured already by an earlier rule of the same test: the name is taken.
        with contextlib.suppress(Conflict, ValidationFailed):
            bus.handle(command, who)


def rule(bus: MessageBus, who: Principal, project: uuid.UUID, *triggers: CaseTrigger, **kw: Any) -> uuid.UUID:
    recipients = kw.pop("recipients", (EMAIL,))
    for recipient in recipients:
        configure(bus, who, recipient)
    value = CaseNotificationRule(recipients=tuple(recipients), triggers=triggers or (CREATED,), **kw)
    rule_id: uuid.UUID = bus.handle(CreateCaseNotificationRule(project, value), who)
    return rule_id


def new_case(bus: MessageBus, who: Principal, project: uuid.UUID, **kw: Any) -> uuid.UUID:
    case_id: uuid.UUID = bus.handle(
        c.CreateCase(title=kw.pop("title", "Disk full"), project=str(project), **kw), who
    )
    return case_id


def personal(bus: MessageBus, who: Principal, project: uuid.UUID, **switches: Any) -> None:
    settings = ProjectSettings(notification=NotificationSettings(enabled=True, **switches))
    bus.handle(pc.UpdateProject(project, settings=settings), who)
