"""How the worker runs: woken by commits instead of waiting out its polling interval, held to
per-destination rate limits (queued, never dropped), and reporting every attempt."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

from casedesk.domain.cases import commands as c
from casedesk.domain.notifications.deliveries import DeliveryState
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.outcomes import Result
from tests.integration.notify.support import (
    HookPlanner,
    StaticDestinations,
    admin_and_project,
    all_deliveries,
    all_in,
    drain,
    fresh_container,
    running,
    wait_until,
)
from tests.receivers.webhook import Answer, WebhookReceiver
from tests.support import DatabaseTemplate, backend

# Far longer than any wait below: only a wake-up can make the worker look in time.
NEVER_POLLS = {"worker_poll_ms": 600_000}


def test_a_commit_in_this_process_wakes_an_idle_worker(
    template: DatabaseTemplate, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    with fresh_container(template, **NEVER_POLLS) as db:
        admin, project = admin_and_project(db)
        db.bus.handle(c.CreateCase(title="first", project=project), admin)
        with running(db.worker(planner=HookPlanner(["ops"]), destinations=hooks)):
            receiver.wait_for(lambda r: len(r.accepted) == 1)
            wait_until(lambda: all_in(db, DeliveryState.DELIVERED))
            db.bus.handle(c.CreateCase(title="second", project=project), admin)
            receiver.wait_for(lambda r: len(r.accepted) == 2, timeout=15)


def test_a_retry_asked_for_elsewhere_wakes_an_idle_worker(
    template: DatabaseTemplate, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    """On PostgreSQL from another process (LISTEN/NOTIFY); SQLite has no such signal, so
    there from this one."""
    with fresh_container(template, **NEVER_POLLS) as db:
        admin, project = admin_and_project(db)
        db.bus.handle(c.CreateCase(title="first", project=project), admin)
        receiver.script(Answer(404))
        with running(db.worker(planner=HookPlanner(["ops"]), destinations=hooks)):
            wait_until(lambda: all_in(db, DeliveryState.DEAD))
            [dead] = all_deliveries(db)
            if backend() == "postgresql":
                retried = subprocess.run(
                    [sys.executable, "-m", "casedesk", "deliveries", "retry", dead.id],
                    env={**os.environ, "CASEDESK_DATABASE_URL": db.settings.database_url},
                    capture_output=True,
                    text=True,
                    check=False,
                )
                assert retried.returncode == 0, retried.stderr
            else:
                db.deliveries.retry([dead.id], dead.created_at)
            receiver.wait_for(lambda r: len(r.accepted) == 1, timeout=15)


def test_a_rate_limit_spaces_sends_and_drops_none(
    template: DatabaseTemplate, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    with fresh_container(template, delivery_rate_limits="webhook=10/s") as db:
        admin, project = admin_and_project(db)
        for i in range(6):
            db.bus.handle(c.CreateCase(title=f"case {i}", project=project), admin)
        drain(db.worker(planner=HookPlanner(["ops"]), destinations=hooks))
        assert all_in(db, DeliveryState.DELIVERED, 6)
    arrivals = sorted(r.at for r in receiver.requests)
    assert len(arrivals) == 6
    # Six sends at ten a second take at least half a second from the first to the last.
    assert arrivals[-1] - arrivals[0] >= 0.4


def test_a_send_that_would_wait_long_for_its_slot_goes_back_to_the_queue(
    template: DatabaseTemplate, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    with fresh_container(template, delivery_rate_limits="webhook=20/s") as db:
        admin, project = admin_and_project(db)
        for i in range(5):
            db.bus.handle(c.CreateCase(title=f"case {i}", project=project), admin)
        run = db.worker(planner=HookPlanner(["ops"]), destinations=hooks)
        run.worker.options = replace(run.worker.options, max_rate_wait=0.01)
        with running(run):
            receiver.wait_for(lambda r: len(r.accepted) == 5)
            wait_until(lambda: all_in(db, DeliveryState.DELIVERED, 5))
        attempts = [db.deliveries.delivery(d.id).attempts for d in all_deliveries(db)]
    assert [len(a) for a in attempts] == [1] * 5  # put off is not attempted
    assert len(receiver.requests) == 5


class Recorded:
    def __init__(self) -> None:
        self.attempts: list[tuple[ChannelKind, Result, float]] = []

    def attempted(self, kind: ChannelKind, result: Result, seconds: float) -> None:
        self.attempts.append((kind, result, seconds))


def test_every_attempt_is_reported_to_the_metrics(
    template: DatabaseTemplate, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    metrics = Recorded()
    with fresh_container(template, delivery_retry_schedule="10ms") as db:
        admin, project = admin_and_project(db)
        db.bus.handle(c.CreateCase(title="first", project=project), admin)
        receiver.script(Answer(500))
        with running(db.worker(planner=HookPlanner(["ops"]), destinations=hooks, metrics=metrics)):
            wait_until(lambda: all_in(db, DeliveryState.DELIVERED))
    assert [(k, r) for k, r, _ in metrics.attempts] == [
        (ChannelKind.WEBHOOK, Result.TRANSIENT),
        (ChannelKind.WEBHOOK, Result.DELIVERED),
    ]
    assert all(seconds >= 0 for _, _, seconds in metrics.attempts)
