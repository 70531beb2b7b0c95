"""The transactional outbox: rows written with each change, claimed and settled by workers.

On PostgreSQL, claiming uses `FOR UPDATE SKIP LOCKED` so many workers share the queue
without handing the same row to two of them. SQLite has one writer at a time, so a plain
update inside the write transaction is enough there.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, insert, select, update

from casedesk.adapters.db.engine import WRITE
from casedesk.adapters.db.schema import core as t
from casedesk.domain.events import Event
from casedesk.services.ports.outbox import OutboxMessage, Settled

MAX_ATTEMPTS = 10
BASE_BACKOFF = timedelta(seconds=5)
MAX_BACKOFF = timedelta(hours=1)
CLAIM_LEASE = timedelta(minutes=5)


class SqlOutbox:
    """The `Outbox` port: each call one write transaction on `engine`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine.execution_options(**WRITE)

    def claim(self, worker: str, now: datetime, limit: int = 50) -> list[OutboxMessage]:
        with self.engine.begin() as conn:
            return claim(conn, worker, now, limit)

    def settle(self, message: OutboxMessage, now: datetime, error: str | None = None) -> Settled:
        with self.engine.begin() as conn:
            if error is None:
                return Settled.DONE if mark_done(conn, message, now) else Settled.LEASE_LOST
            state = mark_failed(conn, message, error, now)
        if state is None:
            return Settled.LEASE_LOST
        return Settled.DEAD if state == "dead" else Settled.RETRY


def append(conn: Connection, events: list[Event]) -> None:
    if events:
        conn.execute(insert(t.outbox), rows(events))


def rows(events: list[Event]) -> list[dict[str, Any]]:
    """The outbox rows of `events`, one each."""
    return [
        {
            "event_id": e.id,
            "kind": e.kind,
            "subject_type": e.subject_type,
            "subject_id": e.subject_id,
            "actor_id": e.actor_id,
            "occurred_at": e.at,
            "payload": e.data,
            "state": "pending",
            "attempts": 0,
            "available_at": e.at,
        }
        for e in events
    ]


def claim(conn: Connection, worker: str, now: datetime, limit: int = 50) -> list[OutboxMessage]:
    """Leases up to `limit` due rows to `worker`; a lease that runs out makes them due again."""
    o = t.outbox
    due = and_(
        t.PENDING,
        o.c.available_at <= now,
        (o.c.claimed_until.is_(None)) | (o.c.claimed_until < now),
    )
    query = select(o).where(due).order_by(o.c.seq).limit(limit)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = conn.execute(query).mappings().all()
    if rows:
        conn.execute(
            update(o)
            .where(o.c.seq.in_([r["seq"] for r in rows]))
            .values(claimed_by=worker, claimed_until=now + CLAIM_LEASE)
        )
    return [
        OutboxMessage(
            seq=r["seq"],
            event_id=r["event_id"],
            kind=r["kind"],
            subject_type=r["subject_type"],
            subject_id=r["subject_id"],
            actor_id=r["actor_id"],
            occurred_at=r["occurred_at"],
            payload=dict(r["payload"]),
            attempts=r["attempts"],
            worker=worker,
        )
        for r in rows
    ]


def mark_done(conn: Connection, message: OutboxMessage, now: datetime) -> bool:
    """Settles a delivered row; False when its worker no longer holds the lease (another
    worker re-claimed it after the lease ran out, and that worker's outcome counts)."""
    o = t.outbox
    result = conn.execute(
        update(o)
        .where(o.c.seq == message.seq, o.c.claimed_by == message.worker, o.c.state == "pending")
        .values(state="done", processed_at=now, claimed_by=None, claimed_until=None)
    )
    return result.rowcount == 1


def mark_all_done(conn: Connection, messages: list[OutboxMessage], now: datetime) -> None:
    """Settles rows one `claim` on this connection took (so one worker's): one statement."""
    if not messages:
        return
    o = t.outbox
    (worker,) = {m.worker for m in messages}
    conn.execute(
        update(o)
        .where(o.c.seq.in_([m.seq for m in messages]), o.c.claimed_by == worker, o.c.state == "pending")
        .values(state="done", processed_at=now, claimed_by=None, claimed_until=None)
    )


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … capped at an hour."""
    # The exponent is bounded because timedelta overflows long before the cap would matter.
    factor: int = 2 ** min(max(attempts - 1, 0), 20)
    return min(BASE_BACKOFF * factor, MAX_BACKOFF)


def mark_failed(conn: Connection, message: OutboxMessage, error: str, now: datetime) -> str | None:
    """Records a failed attempt; returns the new state (`pending` to retry, or `dead`), or
    None when its worker no longer holds the lease and nothing was recorded."""
    attempts = message.attempts + 1
    state = "dead" if attempts >= MAX_ATTEMPTS else "pending"
    o = t.outbox
    result = conn.execute(
        update(o)
        .where(o.c.seq == message.seq, o.c.claimed_by == message.worker, o.c.state == "pending")
        .values(
            state=state,
            attempts=attempts,
            last_error=error[:2000],
            available_at=now + backoff(attempts),
            claimed_by=None,
            claimed_until=None,
            processed_at=now if state == "dead" else None,
        )
    )
    return state if result.rowcount == 1 else None
