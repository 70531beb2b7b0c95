"""What the delivery tests share: a small planner and a static destinations table.

The real planner (notification rules) and the configured destinations are separate parts
with their own tests; here a planner that sends every recorded case event to the webhooks
it is told about, and a dict of destinations, keep these tests about delivery alone while
everything from the outbox on is the real thing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from casedesk.bootstrap import Container, WorkerParts, bootstrap
from casedesk.config import Settings
from casedesk.domain.notifications.destinations import ChannelKind, Destination
from casedesk.domain.notifications.notices import Notice, NoticeReason
from casedesk.entrypoints.worker_run import WorkerRun
from casedesk.services.ports.deliveries import DeliveryView
from casedesk.services.ports.outbox import OutboxMessage
from casedesk.services.reactions.notify.planned import Planned
from tests.support import DatabaseTemplate


def notice_of(message: OutboxMessage) -> Notice:
    payload = message.payload
    key = payload.get("key")
    return Notice(
        event_id=str(message.event_id),
        event_kind=message.kind,
        subject_type=message.subject_type,
        subject_id=str(message.subject_id),
        occurred_at=message.occurred_at.isoformat(),
        title=f"[{key}] {payload.get('title', '')}",
        headline=f"{message.kind} on {message.subject_id}",
        url=f"http://127.0.0.1:8000/cases/{message.subject_id}",
        reason=NoticeReason.RULE,
        subject={"id": str(message.subject_id), "key": key, "title": payload.get("title")},
        change=dict(payload),
    )


@dataclass
class HookPlanner:
    """Every case event goes to each webhook named in `hooks`; `broken` kinds raise."""

    hooks: list[str]
    broken: set[str] = field(default_factory=set)
    suppressed_by: str | None = None

    def plan(self, message: OutboxMessage) -> list[Planned]:
        if message.kind in self.broken:
            raise RuntimeError(f"cannot plan {message.kind}")
        if message.subject_type != "case":
            return []
        notice = notice_of(message)
        return [Planned(ChannelKind.WEBHOOK, name, notice, self.suppressed_by) for name in self.hooks]


@dataclass
class StaticDestinations:
    table: dict[tuple[ChannelKind, str], Destination] = field(default_factory=dict)

    def add(self, destination: Destination) -> None:
        self.table[(destination.kind, destination.name)] = destination

    def find(self, kind: ChannelKind, name: str) -> Destination | None:
        return self.table.get((kind, name))

    def exists(self, kind: ChannelKind, name: str) -> bool:
        return (kind, name) in self.table


def webhook(name: str, url: str, secret: str, **config: Any) -> Destination:
    return Destination(ChannelKind.WEBHOOK, name, {"url": url, **config}, {"signing_secret": secret})


FAST = {
    "delivery_retry_schedule": "100ms,200ms,300ms",
    "worker_poll_ms": 20,
    "worker_lease_s": 5.0,
    # The receivers listen on loopback, which the outbound address policy refuses by default.
    "outbound_allow": "127.0.0.0/8",
}


@contextmanager
def fresh_container(template: DatabaseTemplate, **settings: Any) -> Iterator[Container]:
    with template.fresh() as url:
        container = bootstrap(Settings(database_url=url, **{**FAST, **settings}))
        try:
            yield container
        finally:
            container.close()


@contextmanager
def running(parts: WorkerParts) -> Iterator[WorkerRun]:
    """The worker in a thread of its own, as `casedesk serve` runs it, until the block ends."""
    run = WorkerRun(parts)
    stop = run.start_thread()
    try:
        yield run
    finally:
        stop()


def drain(run: WorkerParts) -> None:
    """One worker works until nothing is due and nothing is in flight."""

    async def main() -> None:
        try:
            await run.worker.drain()
        finally:
            await run.client.aclose()

    asyncio.run(main())


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def states(container: Container) -> dict[str, str]:
    return {d.id: d.state.value for d in container.deliveries.deliveries(limit=10_000)}


def all_deliveries(container: Container) -> list[DeliveryView]:
    return container.deliveries.deliveries(limit=10_000)


def admin_and_project(container: Container) -> tuple[Any, str]:
    """An admin (as a Principal) and a new project's key, on `container`'s database."""
    import uuid

    from casedesk.domain import users as uc
    from casedesk.domain.projects import commands as pc
    from casedesk.domain.users import Principal, Role
    from casedesk.domain.vocab import Scope

    email = f"admin.{uuid.uuid4().hex[:8]}@example.com"
    user_id = container.bus.handle(
        uc.CreateUser(email=email, name="Ada", role=Role.ADMIN), Principal.operator()
    )
    admin = Principal(user_id=user_id, email=email, scopes=Scope.all())
    key = "N" + uuid.uuid4().hex[:6].upper()
    container.bus.handle(pc.CreateProject(name="Ops", key=key), admin)
    return admin, key


def all_in(container: Container, state: Any, count: int = 1) -> bool:
    """Whether there are `count` deliveries and every one is in `state`."""
    found = all_deliveries(container)
    return len(found) == count and all(d.state is state for d in found)
