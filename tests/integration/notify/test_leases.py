"""Several workers on one database: no delivery is worked by two at once, and a worker that
dies loses nothing, because its leases run out and another worker claims them again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

from casedesk.bootstrap import Container
from casedesk.domain.cases import commands as c
from casedesk.domain.notifications.deliveries import DeliveryState, Settlement, Trigger
from casedesk.domain.notifications.outcomes import Outcome, Result
from casedesk.services.ports.deliveries import Attempt
from tests.integration.notify.support import (
    HookPlanner,
    StaticDestinations,
    admin_and_project,
    all_in,
    drain,
    fresh_container,
    wait_until,
)
from tests.receivers.webhook import WebhookReceiver
from tests.support import DatabaseTemplate, backend


def burst(db: Container, count: int) -> None:
    admin, project = admin_and_project(db)
    for i in range(count):
        db.bus.handle(c.CreateCase(title=f"case {i}", project=project), admin)


def test_two_workers_never_work_one_delivery_at_once(
    template: DatabaseTemplate, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    receiver.delay = 0.01
    # A lease far longer than a send, so that a second send of one delivery could only come
    # from two workers holding it at once.
    with fresh_container(template, worker_lease_s=60.0) as db:
        burst(db, 120)
        runs = [db.worker(planner=HookPlanner(["ops"]), destinations=hooks, name=f"w{i}") for i in (1, 2)]
        threads = [threading.Thread(target=drain, args=(run,)) for run in runs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        receiver.wait_for(lambda r: len(r.accepted) == 120)
        assert all_in(db, DeliveryState.DELIVERED, 120)
    assert receiver.overlaps == 0
    assert len(receiver.requests) == 120  # each sent once: no lease ran out
    assert receiver.duplicates == 0


def test_a_lease_that_runs_out_is_claimed_again_and_the_old_holder_cannot_settle(
    template: DatabaseTemplate, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    with fresh_container(template) as db:
        burst(db, 1)
        queue = db.delivery_queue
        asyncio.run(_fan_out_only(db.worker(planner=HookPlanner(["ops"]), destinations=hooks)))
        now = datetime.now(UTC)
        [held] = queue.claim("dying", now, 10, timedelta(milliseconds=200))
        assert queue.claim("other", now, 10, timedelta(seconds=5)) == []
        later = now + timedelta(milliseconds=300)
        [again] = queue.claim("other", later, 10, timedelta(seconds=5))
        assert again.id == held.id
        assert again.lease != held.lease
        stale = Attempt(1, Trigger.INITIAL, now, 5, Outcome(Result.DELIVERED, status=200))
        assert not queue.settle(held, stale, Settlement(DeliveryState.DELIVERED), later)
        assert not queue.defer(held, later)
        assert queue.settle(again, stale, Settlement(DeliveryState.DELIVERED), later)
        [attempt] = db.deliveries.delivery(held.id).attempts
    assert attempt.number == 1


async def _fan_out_only(run: object) -> None:
    from casedesk.bootstrap import WorkerParts

    assert isinstance(run, WorkerParts)
    worker = run.worker
    try:
        await asyncio.to_thread(worker.queue.fan_out, worker.plan, worker.name, datetime.now(UTC), 100)
    finally:
        await run.client.aclose()


def start_worker(url: str, receiver: WebhookReceiver, secret: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "CASEDESK_DATABASE_URL": url,
        "CASEDESK_WORKER_LEASE_S": "6",
        "CASEDESK_WORKER_POLL_MS": "50",
        "CASEDESK_DELIVERY_RETRY_SCHEDULE": "100ms,100ms,100ms",
        "CASEDESK_OUTBOUND_ALLOW": "127.0.0.0/8",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.notify.worker_process", receiver.url, secret],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


# The burst the killed-worker test sends: a thousand case changes.
BURST = 1000


def test_killing_a_worker_mid_burst_loses_no_delivery(
    template: DatabaseTemplate, receiver: WebhookReceiver, secret: str
) -> None:
    """On PostgreSQL a second worker works beside the one killed and takes over its leases;
    SQLite has one writer, so there the killed worker's successor starts after it."""
    receiver.delay = 0.005
    with fresh_container(template) as db:
        burst(db, BURST)
        url = db.settings.database_url
        workers = [start_worker(url, receiver, secret)]
        try:
            if backend() == "postgresql":
                workers.append(start_worker(url, receiver, secret))
            receiver.wait_for(lambda r: len(r.accepted) >= BURST // 10, timeout=60)
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait()
            if backend() == "sqlite":
                workers.append(start_worker(url, receiver, secret))
            receiver.wait_for(lambda r: len(r.accepted) == BURST, timeout=240)
            wait_until(lambda: all_in(db, DeliveryState.DELIVERED, BURST), timeout=60)
        finally:
            for process in workers:
                if process.poll() is None:
                    process.terminate()
                    process.wait(timeout=30)
                if process.stdout is not None:
                    process.stdout.close()
    assert receiver.overlaps == 0
    assert all(r.verified for r in receiver.requests)
