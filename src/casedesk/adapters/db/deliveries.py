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

from sqlalchemy import Connection, Engine, and_, bindparam, exists, func, or_, select, update
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
from casedesk.services.ports.deliveries import Attempt, ClaimedDelivery, FanOut, Finished, NewDelivery
from casedesk.services.ports.outbox import OutboxMessage

d = t.deliveries
ERROR_MAX = 200
# Deliveries per multi-row INSERT: within SQLite's limit of bound parameters (32,766) at
# the table's width.
INSERT_CHUNK = 500


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
            planned: list[tuple[OutboxMessage, Sequence[NewDelivery]]] = []
            failed = 0
            for message in messages:
                try:
                    planned.append((message, plan(message)))
                except Exception as exc:  # one bad message must not block the others
                    outbox.mark_failed(conn, message, f"planning failed: {type(exc).__name__}: {exc}", now)
                    failed += 1
            created = insert_deliveries(conn, planned, now)
            outbox.mark_all_done(conn, [message for message, _ in planned], now)
        return FanOut(messages=len(planned), deliveries=created, failed=failed)

    def claim(self, worker: str, now: datetime, limit: int, lease: timedelta) -> list[ClaimedDelivery]:
        if limit <= 0:
            return []
        token = f"{worker}/{uuid.uuid4().hex[:12]}"
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # While a burst is young the table's statistics still say that few
                # deliveries wait, and the planner would rather collect and sort every due
                # one (a bitmap scan) than walk the index in order: one claim then costs as
                # much as the whole backlog. Without bitmap scans the ordered walk is left.
                conn.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
            found = [
                row
                for state in WAITING
                for row in conn.execute(claimable(conn, now, limit, state)).mappings()
            ]
            if not found:
                return []
            rows = sorted(found, key=lambda r: (r["next_attempt_at"], r["outbox_seq"]))[:limit]
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
        [held] = self.settle_all([Finished(delivery, attempt, settlement, now)])
        return held

    def settle_all(self, finished: Sequence[Finished]) -> list[bool]:
        if not finished:
            return []
        with self.engine.begin() as conn:
            held = held_leases(conn, [f.delivery for f in finished])
            mine = [f for f in finished if f.delivery.id in held]
            if mine:
                conn.execute(SETTLE, [settle_params(f) for f in mine])
                conn.execute(t.delivery_attempts.insert(), [attempt_row(f) for f in mine])
            recovered: dict[str, datetime] = {}
            for f in mine:
                if f.settlement.state is DeliveryState.DELIVERED:
                    if f.attempt.outcome.refs:
                        merge_refs(conn, f.delivery, f.attempt.outcome.refs, f.now)
                    key = f.delivery.destination_key
                    recovered[key] = max(f.now, recovered.get(key, f.now))
            for key in sorted(recovered):
                flush_recovered(conn, key, recovered[key])
        return [f.delivery.id in held for f in finished]


# One delivery's new state; run once per settled delivery of a batch (executemany).
SETTLE = (
    update(d)
    .where(d.c.id == bindparam("b_id"), d.c.claimed_by == bindparam("b_lease"))
    .values(
        state=bindparam("b_state"),
        attempts=bindparam("b_attempts"),
        next_attempt_at=bindparam("b_next_attempt_at"),
        next_trigger=Trigger.SCHEDULED.value,
        claimed_by=None,
        claimed_until=None,
        last_result=bindparam("b_last_result"),
        last_status=bindparam("b_last_status"),
        last_error=bindparam("b_last_error"),
        delivered_at=func.coalesce(
            bindparam("b_delivered_at", type_=d.c.delivered_at.type), d.c.delivered_at
        ),
    )
)


def held_leases(conn: Connection, deliveries: Sequence[ClaimedDelivery]) -> set[str]:
    """The ids of `deliveries` whose lease is still theirs, locked until the commit on
    PostgreSQL (SQLite's write transaction already excludes every other writer)."""
    leases = {delivery.id: delivery.lease for delivery in deliveries}
    # In id order, so that two batches that share a delivery (a lease that ran out) lock alike.
    query = select(d.c.id, d.c.claimed_by).where(d.c.id.in_(list(leases))).order_by(d.c.id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(of=d)
    return {row.id for row in conn.execute(query) if row.claimed_by == leases[row.id]}


def settle_params(f: Finished) -> dict[str, Any]:
    outcome = f.attempt.outcome
    error = f.settlement.reason or outcome.error
    delivered = f.settlement.state is DeliveryState.DELIVERED
    return {
        "b_id": f.delivery.id,
        "b_lease": f.delivery.lease,
        "b_state": f.settlement.state.value,
        "b_attempts": f.attempt.number,
        "b_next_attempt_at": f.settlement.next_attempt_at,
        "b_last_result": outcome.result.value,
        "b_last_status": outcome.status,
        "b_last_error": None if error is None else error[:ERROR_MAX],
        "b_delivered_at": f.now if delivered else None,
    }


def attempt_row(f: Finished) -> dict[str, Any]:
    outcome = f.attempt.outcome
    return {
        "delivery_id": f.delivery.id,
        "attempt": f.attempt.number,
        "trigger": f.attempt.trigger.value,
        "started_at": f.attempt.started_at,
        "duration_ms": f.attempt.duration_ms,
        "result": outcome.result.value,
        "status": outcome.status,
        "error": None if outcome.error is None else outcome.error[:ERROR_MAX],
        "snippet": outcome.snippet,
        "next_attempt_at": f.settlement.next_attempt_at,
    }


def insert_deliveries(
    conn: Connection, planned: Iterable[tuple[OutboxMessage, Iterable[NewDelivery]]], now: datetime
) -> int:
    """Inserts one delivery per message and destination, ignoring those a message already
    has (a re-plan after a crash, or a destination named twice); returns how many are new."""
    rows: dict[tuple[uuid.UUID, str], dict[str, Any]] = {}
    for message, items in planned:
        for item in items:
            rows.setdefault((message.event_id, item.destination_key), delivery_row(message, item, now))
    if not rows:
        return 0
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    values, created = list(rows.values()), 0
    for start in range(0, len(values), INSERT_CHUNK):
        statement = (
            dialect.insert(d)
            .values(values[start : start + INSERT_CHUNK])
            .on_conflict_do_nothing(index_elements=["event_id", "destination_key"])
        )
        created += max(conn.execute(statement).rowcount, 0)
    return created


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


def claimable(conn: Connection, now: datetime, limit: int, state: DeliveryState) -> Any:
    """Due, unleased heads of their ordering keys in `state`, the longest-waiting first.

    One waiting state at a time, ordered by `next_attempt_at` alone, so that the database
    walks `ix_deliveries_due` (state, next_attempt_at) in order and stops at `limit`: with
    both states, or a second sort key, it had to find and sort every due delivery first,
    which made each claim as slow as the backlog was long."""
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
            d.c.state == state.value,
            d.c.next_attempt_at <= now,
            (d.c.claimed_until.is_(None)) | (d.c.claimed_until < now),
            ~ahead,
        )
        .order_by(d.c.next_attempt_at)
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
