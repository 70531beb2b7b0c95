"""The delivery queue: outbox messages fanned out into deliveries, claimed under leases, settled.

On PostgreSQL claims use `FOR UPDATE SKIP LOCKED`, so several workers share the queue without
handing one delivery to two of them. SQLite has one writer at a time: each call is a
`BEGIN IMMEDIATE` transaction, which is the single-writer path. Only the head of an ordering
key (the oldest waiting delivery to one destination about one subject) is ever claimable.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping

from casedesk.adapters.db import outbox
from casedesk.adapters.db.engine import WRITE
from casedesk.adapters.db.schema import deliveries as t
from casedesk.domain.notifications.deliveries import (
    WAITING,
    DeliveryState,
    Settlement,
    Trigger,
    new_delivery_id,
)
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.notices import Notice
from casedesk.services.ports.deliveries import Attempt, ClaimedDelivery, FanOut, NewDelivery
from casedesk.services.ports.outbox import OutboxMessage

d = t.deliveries
ERROR_MAX = 200


class SqlDeliveryQueue:
    """The `DeliveryQueue` port: each call one write transaction on `engine`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine.execution_options(**WRITE)

    def fan_out(
        self,
        plan: Callable[[OutboxMessage], Sequence[NewDelivery]],
        worker: str,
        now: datetime,
        limit: int = 100,
    ) -> FanOut:
        with self.engine.begin() as conn:
            messages = outbox.claim(conn, worker, now, limit)
            created = failed = 0
            for message in messages:
                try:
                    planned = plan(message)
                except Exception as exc:  # one bad message must not block the others
                    outbox.mark_failed(conn, message, f"planning failed: {type(exc).__name__}: {exc}", now)
                    failed += 1
                    continue
                created += insert_deliveries(conn, message, planned, now)
                outbox.mark_done(conn, message, now)
        return FanOut(messages=len(messages) - failed, deliveries=created, failed=failed)

    def claim(self, worker: str, now: datetime, limit: int, lease: timedelta) -> list[ClaimedDelivery]:
        if limit <= 0:
            return []
        token = f"{worker}/{uuid.uuid4().hex[:12]}"
        with self.engine.begin() as conn:
            rows = conn.execute(claimable(conn, now, limit)).mappings().all()
            if not rows:
                return []
            ids = [r["id"] for r in rows]
            conn.execute(update(d).where(d.c.id.in_(ids)).values(claimed_by=token, claimed_until=now + lease))
            threads = thread_refs(conn, [(r["destination_key"], r["subject_id"]) for r in rows])
        return [claimed(r, token, threads.get((r["destination_key"], r["subject_id"]), {})) for r in rows]

    def defer(self, delivery: ClaimedDelivery, until: datetime) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                update(d)
                .where(d.c.id == delivery.id, d.c.claimed_by == delivery.lease)
                .values(claimed_by=None, claimed_until=None, next_attempt_at=until)
            )
        return result.rowcount == 1

    def settle(
        self, delivery: ClaimedDelivery, attempt: Attempt, settlement: Settlement, now: datetime
    ) -> bool:
        outcome = attempt.outcome
        delivered = settlement.state is DeliveryState.DELIVERED
        error = settlement.reason or outcome.error
        with self.engine.begin() as conn:
            result = conn.execute(
                update(d)
                .where(d.c.id == delivery.id, d.c.claimed_by == delivery.lease)
                .values(
                    state=settlement.state.value,
                    attempts=attempt.number,
                    next_attempt_at=settlement.next_attempt_at,
                    next_trigger=Trigger.SCHEDULED.value,
                    claimed_by=None,
                    claimed_until=None,
                    last_result=outcome.result.value,
                    last_status=outcome.status,
                    last_error=None if error is None else error[:ERROR_MAX],
                    **({"delivered_at": now} if delivered else {}),
                )
            )
            if result.rowcount != 1:
                return False
            conn.execute(
                t.delivery_attempts.insert().values(
                    delivery_id=delivery.id,
                    attempt=attempt.number,
                    trigger=attempt.trigger.value,
                    started_at=attempt.started_at,
                    duration_ms=attempt.duration_ms,
                    result=outcome.result.value,
                    status=outcome.status,
                    error=None if outcome.error is None else outcome.error[:ERROR_MAX],
                    snippet=outcome.snippet,
                    next_attempt_at=settlement.next_attempt_at,
                )
            )
            if delivered:
                if outcome.refs:
                    merge_refs(conn, delivery, outcome.refs, now)
                flush_recovered(conn, delivery.destination_key, now)
        return True


def insert_deliveries(
    conn: Connection, message: OutboxMessage, planned: Iterable[NewDelivery], now: datetime
) -> int:
    """Inserts one delivery per destination, ignoring those the message already has (a re-plan
    after a crash, or a destination named twice); returns how many are new."""
    rows: dict[str, dict[str, Any]] = {}
    for item in planned:
        rows.setdefault(item.destination_key, delivery_row(message, item, now))
    if not rows:
        return 0
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(d)
        .values(list(rows.values()))
        .on_conflict_do_nothing(index_elements=["event_id", "destination_key"])
    )
    return max(conn.execute(statement).rowcount, 0)


def delivery_row(message: OutboxMessage, item: NewDelivery, now: datetime) -> dict[str, Any]:
    suppressed = item.suppressed_by is not None
    subject = item.notice.subject
    ref = subject.get("key") or subject.get("public_id")
    return {
        "id": new_delivery_id(),
        "event_id": message.event_id,
        "outbox_seq": message.seq,
        "event_kind": message.kind,
        "subject_type": message.subject_type,
        "subject_id": message.subject_id,
        "subject_ref": None if ref is None else str(ref)[:64],
        "kind": item.kind.value,
        "name": item.name,
        "destination_key": item.destination_key,
        "notice": item.notice.to_json(),
        "state": (DeliveryState.SUPPRESSED if suppressed else DeliveryState.PENDING).value,
        "attempts": 0,
        "retry_base": 0,
        "next_attempt_at": None if suppressed else now,
        "next_trigger": Trigger.INITIAL.value,
        "suppressed_by": item.suppressed_by,
        "created_at": now,
    }


def claimable(conn: Connection, now: datetime, limit: int) -> Any:
    """Due, unleased heads of their ordering keys, the longest-waiting first."""
    older = d.alias("older")
    waiting = [s.value for s in WAITING]
    ahead = exists().where(
        older.c.destination_key == d.c.destination_key,
        older.c.subject_id == d.c.subject_id,
        older.c.state.in_(waiting),
        older.c.outbox_seq < d.c.outbox_seq,
    )
    query = (
        select(d)
        .where(
            d.c.state.in_(waiting),
            d.c.next_attempt_at <= now,
            (d.c.claimed_until.is_(None)) | (d.c.claimed_until < now),
            ~ahead,
        )
        .order_by(d.c.next_attempt_at, d.c.outbox_seq)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=d)
    return query


def thread_refs(
    conn: Connection, keys: list[tuple[str, uuid.UUID]]
) -> dict[tuple[str, uuid.UUID], dict[str, Any]]:
    th = t.delivery_threads
    wanted = [and_(th.c.destination_key == key, th.c.subject_id == subject) for key, subject in set(keys)]
    found = conn.execute(select(th.c.destination_key, th.c.subject_id, th.c.refs).where(or_(*wanted)))
    return {(r.destination_key, r.subject_id): dict(r.refs) for r in found}


def claimed(row: RowMapping, token: str, thread: dict[str, Any]) -> ClaimedDelivery:
    return ClaimedDelivery(
        id=row["id"],
        lease=token,
        kind=ChannelKind(row["kind"]),
        name=row["name"],
        destination_key=row["destination_key"],
        subject_id=row["subject_id"],
        notice=Notice.from_json(dict(row["notice"])),
        attempts=row["attempts"],
        failures=row["attempts"] - row["retry_base"],
        trigger=Trigger(row["next_trigger"]),
        thread=thread,
    )


def merge_refs(conn: Connection, delivery: ClaimedDelivery, refs: dict[str, Any], now: datetime) -> None:
    """The thread keeps every reference it was given; a newer value replaces an older one."""
    th = t.delivery_threads
    where = and_(th.c.destination_key == delivery.destination_key, th.c.subject_id == delivery.subject_id)
    current = conn.execute(select(th.c.refs).where(where)).scalar_one_or_none()
    merged = {**(current or {}), **refs}
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(th).values(
        destination_key=delivery.destination_key, subject_id=delivery.subject_id, refs=merged, updated_at=now
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["destination_key", "subject_id"],
            set_={"refs": statement.excluded.refs, "updated_at": statement.excluded.updated_at},
        )
    )


def flush_recovered(conn: Connection, destination_key: str, now: datetime) -> None:
    """The destination answered: its deliveries waiting out a retry are due now."""
    conn.execute(
        update(d)
        .where(
            d.c.destination_key == destination_key,
            d.c.state == DeliveryState.FAILED.value,
            d.c.next_attempt_at > now,
        )
        .values(next_attempt_at=now, next_trigger=Trigger.RECOVERY.value)
    )
