"""What a channel learns from one delivery (Slack's root message, a mail thread's root) is
handed to the next delivery to the same destination about the same case.

The sender here is a stand-in for a vendor channel that reports references: the worker's
handling of them is what is tested, and the webhook channel reports none."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from casedesk.adapters.channels.webhook import WebhookSender
from casedesk.domain.cases import commands as c
from casedesk.domain.ids import CaseRef
from casedesk.domain.notifications.deliveries import DeliveryState
from casedesk.domain.notifications.destinations import ChannelKind, Destination
from casedesk.domain.notifications.outcomes import Outcome, Result
from casedesk.services.ports.channels import Job
from casedesk.services.ports.outbox import OutboxMessage
from casedesk.services.reactions.notify.planned import Planned
from tests.integration.notify.support import (
    StaticDestinations,
    admin_and_project,
    all_deliveries,
    drain,
    fresh_container,
    notice_of,
)
from tests.support import DatabaseTemplate


@dataclass
class ThreadingSender:
    kind: ChannelKind = ChannelKind.SLACK
    jobs: list[Job] = field(default_factory=list)

    async def send(self, job: Job) -> Outcome:
        self.jobs.append(job)
        refs: dict[str, Any] = {"last": job.notice.event_id}
        if not job.thread:
            refs.update(channel="C1", ts="root")
        return Outcome(Result.DELIVERED, refs=refs)


@dataclass
class SlackPlanner:
    def plan(self, message: OutboxMessage) -> list[Planned]:
        return [Planned(ChannelKind.SLACK, "acme/ops", notice_of(message))]


def senders(sender: ThreadingSender) -> Any:
    def build(_client: Any) -> Mapping[ChannelKind, Any]:
        return {ChannelKind.SLACK: sender}

    return build


def test_references_of_each_success_reach_the_next_job(template: DatabaseTemplate) -> None:
    sender = ThreadingSender()
    destinations = StaticDestinations()
    destinations.add(Destination(ChannelKind.SLACK, "acme/ops", {"channel_id": "C1"}, {"token": "x"}))
    with fresh_container(template) as db:
        admin, project = admin_and_project(db)
        case_id: uuid.UUID = db.bus.handle(c.CreateCase(title="Disk full", project=project), admin)
        other: uuid.UUID = db.bus.handle(c.CreateCase(title="Other", project=project), admin)
        for text in ("one", "two"):
            db.bus.handle(c.CommentOnCase(case=CaseRef(id=case_id), message=text), admin)
        drain(db.worker(planner=SlackPlanner(), destinations=destinations, senders=senders(sender)))
        assert {d.state for d in all_deliveries(db)} == {DeliveryState.DELIVERED}
    jobs = [j for j in sender.jobs if j.notice.subject_id == str(case_id)]
    events = [j.notice.event_id for j in jobs]
    assert [dict(j.thread) for j in jobs] == [
        {},
        {"channel": "C1", "ts": "root", "last": events[0]},
        {"channel": "C1", "ts": "root", "last": events[1]},
    ]
    assert [dict(j.thread) for j in sender.jobs if j.notice.subject_id == str(other)] == [{}]


def test_a_channel_with_no_sender_is_dead_at_once(template: DatabaseTemplate) -> None:
    destinations = StaticDestinations()
    destinations.add(Destination(ChannelKind.SLACK, "acme/ops"))
    with fresh_container(template) as db:
        admin, project = admin_and_project(db)
        db.bus.handle(c.CreateCase(title="Disk full", project=project), admin)
        only_webhooks = lambda client: {ChannelKind.WEBHOOK: WebhookSender(client)}  # noqa: E731
        drain(db.worker(planner=SlackPlanner(), destinations=destinations, senders=only_webhooks))
        [delivery] = all_deliveries(db)
    assert delivery.state is DeliveryState.DEAD
    assert delivery.last_error == "no_sender"
