"""The outbox as workers see it: claiming with leases, settling, retrying and dead-lettering."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, RowMapping, delete, select

from casedesk.adapters.db import outbox
from casedesk.adapters.db.engine import WRITE
from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain import commands as c
from casedesk.domain.events import Event
from casedesk.domain.ids import CaseRef
from casedesk.domain.users import Principal
from casedesk.domain.vocab import STANDARD_CASE_TYPE_ID

T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def empty_outbox(db: Container) -> None:
    """Claims see the whole queue, so each test starts from an empty one."""
    with db.engine.begin() as conn:
        conn.execute(delete(t.outbox))


def writer(db: Container) -> Connection:
    """A connection whose transactions take the write lock up front, as a worker's do."""
    return db.engine.execution_options(**WRITE).connect()


def enqueue(db: Container, count: int, at: datetime = T0) -> list[int]:
    events = [
        Event(kind="case.commented", subject_type="case", subject_id=uuid.uuid4(), actor_id=None, at=at)
        for _ in range(count)
    ]
    with writer(db) as conn, conn.begin():
        outbox.append(conn, events)
        seqs = conn.execute(
            select(t.outbox.c.seq)
            .where(t.outbox.c.event_id.in_([e.id for e in events]))
            .order_by(t.outbox.c.seq)
        ).scalars()
        return list(seqs)


def claim(db: Container, worker: str, now: datetime, limit: int = 50) -> list[outbox.OutboxMessage]:
    with writer(db) as conn, conn.begin():
        return outbox.claim(conn, worker, now, limit)


def row(db: Container, seq: int) -> RowMapping:
    with db.engine.connect() as conn:
        return conn.execute(select(t.outbox).where(t.outbox.c.seq == seq)).mappings().one()


def fail(
    db: Container, message: outbox.OutboxMessage, now: datetime, error: str = "receiver said 503"
) -> str | None:
    with writer(db) as conn, conn.begin():
        return outbox.mark_failed(conn, message, error, now)


# -- claiming -----------------------------------------------------------------------------


def test_append_writes_pending_rows_due_when_they_happened(db: Container) -> None:
    [seq] = enqueue(db, 1, at=T0)
    written = row(db, seq)
    assert written["state"] == "pending"
    assert written["attempts"] == 0
    assert written["available_at"] == T0
    assert written["claimed_by"] is None
    assert written["processed_at"] is None


def test_claim_leases_due_rows_in_order(db: Container) -> None:
    seqs = enqueue(db, 5)

    first = claim(db, "worker-a", T0, limit=3)
    assert [m.seq for m in first] == seqs[:3]
    for message in first:
        leased = row(db, message.seq)
        assert leased["claimed_by"] == "worker-a"
        assert leased["claimed_until"] == T0 + outbox.CLAIM_LEASE
        assert leased["state"] == "pending"

    # While the lease runs, a second worker gets only what is left.
    second = claim(db, "worker-b", T0 + timedelta(minutes=1))
    assert [m.seq for m in second] == seqs[3:]
    assert claim(db, "worker-c", T0 + timedelta(minutes=2)) == []


def test_claim_carries_the_event(db: Container, admin: Principal, project_id: uuid.UUID) -> None:
    case_id = db.bus.handle(
        c.CreateCase(title="Disk full", project=str(project_id), type_id=STANDARD_CASE_TYPE_ID), admin
    )
    db.bus.handle(c.CommentOnCase(CaseRef(id=case_id), "on it"), admin)

    messages = claim(db, "worker-a", datetime.now(UTC) + timedelta(seconds=1))
    assert [m.kind for m in messages] == ["case.created", "case.commented"]
    created, commented = messages
    assert created.subject_type == "case"
    assert created.subject_id == case_id
    assert created.actor_id == admin.user_id
    assert created.attempts == 0
    assert created.occurred_at.tzinfo is not None
    assert commented.payload == {"message": "on it"}
    assert created.seq < commented.seq


def test_rows_not_yet_due_are_left_alone(db: Container) -> None:
    [seq] = enqueue(db, 1, at=T0 + timedelta(minutes=10))
    assert claim(db, "worker-a", T0) == []
    assert [m.seq for m in claim(db, "worker-a", T0 + timedelta(minutes=10))] == [seq]


def test_an_expired_lease_makes_the_row_claimable_again(db: Container) -> None:
    [seq] = enqueue(db, 1)
    assert [m.seq for m in claim(db, "worker-a", T0)] == [seq]

    just_before = T0 + outbox.CLAIM_LEASE - timedelta(seconds=1)
    assert claim(db, "worker-b", just_before) == []

    after = T0 + outbox.CLAIM_LEASE + timedelta(seconds=1)
    assert [m.seq for m in claim(db, "worker-b", after)] == [seq]
    assert row(db, seq)["claimed_by"] == "worker-b"


def test_concurrent_claims_get_disjoint_rows(db: Container) -> None:
    seqs = enqueue(db, 6)
    got: dict[str, list[int]] = {}

    def second_worker() -> None:
        got["b"] = [m.seq for m in claim(db, "worker-b", T0, limit=3)]

    with writer(db) as first, first.begin():
        got["a"] = [m.seq for m in outbox.claim(first, "worker-a", T0, limit=3)]
        other = threading.Thread(target=second_worker)
        other.start()
        other.join(timeout=1.0)
        finished_while_first_was_open = not other.is_alive()
    other.join(timeout=60)
    assert not other.is_alive()

    assert got["a"] == seqs[:3]
    assert sorted(got["b"]) == seqs[3:]
    if db.engine.dialect.name == "postgresql":
        # SKIP LOCKED: the second worker passes over the locked rows instead of waiting.
        assert finished_while_first_was_open
    else:
        # SQLite has one writer: the second worker waits for the first to commit, then
        # sees its leases.
        assert not finished_while_first_was_open


# -- settling -----------------------------------------------------------------------------


def test_mark_done_settles_the_row_for_good(db: Container) -> None:
    [seq] = enqueue(db, 1)
    [message] = claim(db, "worker-a", T0)
    with writer(db) as conn, conn.begin():
        outbox.mark_done(conn, message, T0 + timedelta(seconds=2))

    done = row(db, seq)
    assert done["state"] == "done"
    assert done["processed_at"] == T0 + timedelta(seconds=2)
    assert done["claimed_by"] is None
    assert done["claimed_until"] is None
    assert claim(db, "worker-b", T0 + timedelta(days=1)) == []


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(0, 5), (1, 5), (2, 10), (3, 20), (4, 40), (8, 640), (10, 2560), (11, 3600), (50, 3600)],
)
def test_backoff_doubles_from_five_seconds_up_to_an_hour(attempts: int, seconds: int) -> None:
    assert outbox.backoff(attempts) == timedelta(seconds=seconds)


def test_a_failed_attempt_is_retried_after_the_backoff(db: Container) -> None:
    [seq] = enqueue(db, 1)
    [message] = claim(db, "worker-a", T0)

    assert fail(db, message, T0) == "pending"
    failed = row(db, seq)
    assert failed["attempts"] == 1
    assert failed["last_error"] == "receiver said 503"
    assert failed["available_at"] == T0 + timedelta(seconds=5)
    assert failed["claimed_by"] is None
    assert failed["processed_at"] is None

    assert claim(db, "worker-b", T0 + timedelta(seconds=4)) == []
    [again] = claim(db, "worker-b", T0 + timedelta(seconds=5))
    assert again.attempts == 1

    second_failure = T0 + timedelta(seconds=6)
    assert fail(db, again, second_failure) == "pending"
    assert row(db, seq)["available_at"] == second_failure + timedelta(seconds=10)


def test_long_errors_are_cut(db: Container) -> None:
    [seq] = enqueue(db, 1)
    [message] = claim(db, "worker-a", T0)
    fail(db, message, T0, error="x" * 5000)
    assert row(db, seq)["last_error"] == "x" * 2000


def test_dead_letter_after_max_attempts(db: Container) -> None:
    [seq] = enqueue(db, 1)
    now = T0
    states = []
    for _ in range(outbox.MAX_ATTEMPTS):
        [message] = claim(db, "worker-a", now)
        states.append(fail(db, message, now))
        now = row(db, seq)["available_at"]

    assert states == ["pending"] * (outbox.MAX_ATTEMPTS - 1) + ["dead"]
    dead = row(db, seq)
    assert dead["state"] == "dead"
    assert dead["attempts"] == outbox.MAX_ATTEMPTS
    assert dead["processed_at"] is not None
    assert claim(db, "worker-a", now + timedelta(days=30)) == []


@pytest.fixture
def many(db: Container) -> list[int]:
    return enqueue(db, 4)


def test_one_failure_does_not_hold_up_the_rest(db: Container, many: list[int]) -> None:
    messages = claim(db, "worker-a", T0)
    fail(db, messages[0], T0)
    with writer(db) as conn, conn.begin():
        for message in messages[1:]:
            outbox.mark_done(conn, message, T0)
    assert [row(db, seq)["state"] for seq in many] == ["pending", "done", "done", "done"]
    assert [m.seq for m in claim(db, "worker-b", T0 + timedelta(seconds=5))] == many[:1]


def test_a_worker_whose_lease_ran_out_cannot_settle_the_row(db: Container) -> None:
    [seq] = enqueue(db, 1, at=T0)
    [stale] = claim(db, "worker-a", T0)
    later = T0 + outbox.CLAIM_LEASE + timedelta(seconds=1)
    [fresh] = claim(db, "worker-b", later)
    with writer(db) as conn, conn.begin():
        assert outbox.mark_done(conn, stale, later) is False
    assert fail(db, stale, later) is None
    assert row(db, seq)["claimed_by"] == "worker-b"
    assert row(db, seq)["attempts"] == 0
    with writer(db) as conn, conn.begin():
        assert outbox.mark_done(conn, fresh, later) is True
    assert row(db, seq)["state"] == "done"
