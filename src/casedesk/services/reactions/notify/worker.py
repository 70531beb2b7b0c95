"""The delivery worker: fans recorded events out into deliveries and sends them.

One asyncio loop. Database calls run in threads (`asyncio.to_thread`), so a send in flight
never waits for the database and the database never waits for a receiver. At most
`concurrency` sends are in flight; each delivery is claimed under a lease, so a worker that
dies mid-send only delays it: once its lease runs out another worker claims it again
(at-least-once; webhook receivers dedupe on `webhook-id`).

A pass is one trip to a thread: fan out, claim, and look up each destination the claimed
deliveries name, once per pass (so a changed destination applies from the next claim).
Finished attempts are recorded by one settler: while it writes a batch, the attempts that
finish meanwhile queue up and go into its next transaction. A send counts as in flight
until its attempt is committed, so the next delivery of its ordering key is not claimable
before.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from casedesk.domain.notifications.deliveries import DEFAULT_SCHEDULE, RetrySchedule, settle
from casedesk.domain.notifications.destinations import ChannelKind, Destination
from casedesk.domain.notifications.outcomes import Outcome, Result
from casedesk.services.ports.channels import Job, Sender
from casedesk.services.ports.deliveries import Attempt, ClaimedDelivery, DeliveryQueue, Finished
from casedesk.services.ports.destinations import Destinations
from casedesk.services.ports.metrics import DeliveryMetrics, NoMetrics
from casedesk.services.reactions.notify.fanout import PlanFor
from casedesk.services.reactions.notify.planned import Planner
from casedesk.services.reactions.notify.rates import RateLimits

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class WorkerOptions:
    """`lease` must outlast a send (senders time out after about 15 s) plus its settling;
    `poll` is the longest an idle worker goes without looking (wake-ups make it sooner);
    a send that would wait longer than `max_rate_wait` for its destination's rate limit is
    put back in the queue, due when its slot opens, instead of holding its lease. A pass fans
    out at most `fan_out_batches` transactions of `fan_out_batch` events before it claims, so
    a large backlog of events starts being delivered while it is still being fanned out."""

    concurrency: int = 40
    lease: timedelta = timedelta(seconds=60)
    poll: float = 0.25
    fan_out_batch: int = 100
    fan_out_batches: int = 10
    max_rate_wait: float = 5.0
    settle_batch: int = 200
    schedule: RetrySchedule = field(default_factory=lambda: RetrySchedule.parse(DEFAULT_SCHEDULE))


class DeliveryWorker:
    def __init__(
        self,
        queue: DeliveryQueue,
        planner: Planner,
        destinations: Destinations,
        senders: Mapping[ChannelKind, Sender],
        *,
        rates: RateLimits | None = None,
        options: WorkerOptions | None = None,
        metrics: DeliveryMetrics | None = None,
        clock: Callable[[], datetime] = utcnow,
        name: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.queue = queue
        self.plan = PlanFor(planner)
        self.destinations = destinations
        self.senders = dict(senders)
        self.rates = rates or RateLimits({})
        self.options = options or WorkerOptions()
        self.metrics = metrics or NoMetrics()
        self.clock = clock
        self.name = name or worker_name()
        self.rng = rng or random.Random()
        self._inflight: set[asyncio.Task[None]] = set()
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._settler = Settler(queue, self.options.settle_batch)
        self._fanned_all = True  # whether the last fan-out found no more events waiting

    def wake(self) -> None:
        """Ends the current idle wait early; safe to call from any thread."""
        loop, event = self._loop, self._wake
        if loop is not None and event is not None and not loop.is_closed():
            loop.call_soon_threadsafe(event.set)

    async def run(self, stop: asyncio.Event) -> None:
        """Works until `stop` is set, then lets the sends in flight finish."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        stopping: asyncio.Future[Any] = asyncio.ensure_future(stop.wait())
        try:
            fan_out = True
            while not stop.is_set():
                try:
                    await self.step(fan_out=fan_out)
                except Exception:  # the database went away: try again after a pause
                    log.exception("delivery worker pass failed")
                    await asyncio.sleep(1.0)
                fan_out = await self._idle(stopping) or not self._fanned_all
        finally:
            stopping.cancel()
            if self._inflight:
                await asyncio.wait(self._inflight, timeout=self.options.lease.total_seconds())

    async def step(self, *, fan_out: bool = True) -> int:
        """One pass: fan out what was recorded (unless `fan_out` is False; at most
        `fan_out_batches` transactions of it), then claim due
        deliveries for the free send slots and start sending them. Returns how many sends
        were started."""
        free = self.options.concurrency - len(self._inflight)
        claimed = await asyncio.to_thread(self._pass, fan_out, free)
        for delivery, destination in claimed:
            task = asyncio.ensure_future(self.deliver(delivery, destination))
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)
        return len(claimed)

    def _pass(self, fan_out: bool, free: int) -> list[tuple[ClaimedDelivery, Destination | None]]:
        """The database side of a pass (in a thread). A delivery whose destination could
        not be looked up is left out: it stays leased and is claimed again later."""
        for _ in range(self.options.fan_out_batches if fan_out else 0):
            fanned = self.queue.fan_out(self.plan, self.name, self.clock(), self.options.fan_out_batch)
            self._fanned_all = fanned.messages + fanned.failed < self.options.fan_out_batch
            if self._fanned_all:
                break
        claimed = self.queue.claim(self.name, self.clock(), free, self.options.lease)
        found: dict[tuple[ChannelKind, str], Destination | None] = {}
        broken: set[tuple[ChannelKind, str]] = set()
        for delivery in claimed:
            key = (delivery.kind, delivery.name)
            if key in found or key in broken:
                continue
            try:
                found[key] = self.destinations.find(*key)
            except Exception:
                log.exception("destination %s %r could not be looked up", *key)
                broken.add(key)
        return [(d, found[(d.kind, d.name)]) for d in claimed if (d.kind, d.name) in found]

    async def drain(self) -> None:
        """Works until nothing is due and nothing is in flight (for one-off runs and tests)."""
        while True:
            started = await self.step()
            if self._inflight:
                await asyncio.wait(self._inflight, return_when=asyncio.FIRST_COMPLETED)
            elif not started and self._fanned_all:
                return

    async def _idle(self, stopping: asyncio.Future[Any]) -> bool:
        """Waits until told of new work, the polling interval (retries coming due, other
        processes' writes on SQLite) or enough free send slots to be worth a claim (a
        follower may be due now). True when there may be new events to fan out."""
        assert self._wake is not None
        deadline = time.monotonic() + self.options.poll
        batch = max(1, self.options.concurrency // 4)
        while not self._wake.is_set() and not stopping.done():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            woken: asyncio.Future[Any] = asyncio.ensure_future(self._wake.wait())
            waits: set[asyncio.Future[Any]] = {stopping, woken, *self._inflight}
            await asyncio.wait(waits, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            woken.cancel()
            if self.options.concurrency - len(self._inflight) >= batch and not self._wake.is_set():
                self._wake.clear()
                return time.monotonic() >= deadline
        self._wake.clear()
        return True

    async def deliver(self, delivery: ClaimedDelivery, destination: Destination | None) -> None:
        """One attempt at `delivery` to `destination` (None: no longer configured), recorded
        and settled; never raises."""
        try:
            wait = self.rates.reserve(delivery.kind, delivery.destination_key, time.monotonic())
            if wait > self.options.max_rate_wait:
                self.rates.release(delivery.kind, delivery.destination_key)
                until = self.clock() + timedelta(seconds=wait)
                await asyncio.to_thread(self.queue.defer, delivery, until)
                return
            if wait > 0:
                await asyncio.sleep(wait)
            await self._attempt(delivery, destination)
        except Exception:
            # Left leased: it is claimed again when the lease runs out.
            log.exception("delivery %s could not be settled", delivery.id)

    async def _attempt(self, delivery: ClaimedDelivery, destination: Destination | None) -> None:
        started_at = self.clock()
        began = time.perf_counter()
        outcome = await self._send(delivery, destination)
        seconds = time.perf_counter() - began
        now = self.clock()
        settlement = settle(outcome, delivery.failures + 1, now, self.options.schedule, self.rng)
        self.metrics.attempted(delivery.kind, outcome.result, seconds)
        attempt = Attempt(delivery.attempts + 1, delivery.trigger, started_at, int(seconds * 1000), outcome)
        held = await self._settler.settle(Finished(delivery, attempt, settlement, now))
        if not held:
            log.warning("delivery %s: lease lost before settling; another worker has it", delivery.id)

    async def _send(self, delivery: ClaimedDelivery, destination: Destination | None) -> Outcome:
        if destination is None:
            return Outcome(Result.PERMANENT, error="unknown_destination")
        sender = self.senders.get(delivery.kind)
        if sender is None:
            return Outcome(Result.PERMANENT, error="no_sender")
        job = Job(delivery.id, delivery.attempts + 1, delivery.notice, destination, delivery.thread)
        try:
            return await sender.send(job)
        except Exception as exc:  # a sender's own bug: keep the delivery, and say what broke
            log.exception("sender for %s raised", delivery.kind.value)
            return Outcome(Result.TRANSIENT, error="sender_error", snippet=f"{type(exc).__name__}: {exc}")


class Settler:
    """Records finished attempts in batches: one writer at a time, each of its transactions
    taking every attempt that finished while the one before was written (up to `batch`).
    Under light load a batch is a single attempt, written at once; under heavy load the
    transactions, not the attempts, are what is counted."""

    def __init__(self, queue: DeliveryQueue, batch: int) -> None:
        self.queue = queue
        self.batch = max(1, batch)
        self._waiting: list[tuple[Finished, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def settle(self, finished: Finished) -> bool:
        """True once the attempt is committed; False when the lease was lost (nothing was
        recorded); raises what the transaction raised."""
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((finished, answer))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write())
        return await answer

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self.batch], self._waiting[self.batch :]
            try:
                held = await asyncio.to_thread(self.queue.settle_all, [f for f, _ in batch])
            except Exception as exc:
                for _, answer in batch:
                    if not answer.done():
                        answer.set_exception(exc)
                continue
            for (_, answer), kept in zip(batch, held, strict=True):
                if not answer.done():
                    answer.set_result(kept)
