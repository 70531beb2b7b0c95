"""The delivery ledger as read by people (the CLI, later an HTTP API), and manual retries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, union, update
from sqlalchemy.engine import RowMapping

from casedesk.adapters.db import wakeups
from casedesk.adapters.db.engine import WRITE
from casedesk.adapters.db.schema import core
from casedesk.adapters.db.schema import deliveries as t
from casedesk.domain.errors import NotFound
from casedesk.domain.notifications.deliveries import DeliveryState, Trigger
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.services.ports.deliveries import AttemptView, DeliveryDetail, DeliveryView

d = t.deliveries
a = t.delivery_attempts


class SqlDeliveryLedger:
    """The `DeliveryLedger` port over `engine`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.writer = engine.execution_options(**WRITE)

    def deliveries(
        self, *, state: DeliveryState | None = None, case: str | None = None, limit: int = 100
    ) -> list[DeliveryView]:
        query = select(d).order_by(d.c.created_at.desc(), d.c.id.desc()).limit(limit)
        if state is not None:
            query = query.where(d.c.state == state.value)
        with self.engine.connect() as conn:
            if case is not None:
                key = case.strip().upper()
                ids = conn.execute(
                    union(
                        select(core.cases.c.id).where(core.cases.c.key == key),
                        select(core.case_key_aliases.c.case_id).where(core.case_key_aliases.c.key == key),
                    )
                ).scalars()
                found = list(ids)
                if not found:
                    raise NotFound("case", case)
                query = query.where(d.c.subject_id.in_(found))
            return [view(r) for r in conn.execute(query).mappings()]

    def delivery(self, delivery_id: str) -> DeliveryDetail:
        with self.engine.connect() as conn:
            row = conn.execute(select(d).where(d.c.id == delivery_id)).mappings().one_or_none()
            if row is None:
                raise NotFound("delivery", delivery_id)
            attempts = conn.execute(
                select(a).where(a.c.delivery_id == delivery_id).order_by(a.c.attempt, a.c.id)
            ).mappings()
            return DeliveryDetail(view(row), dict(row["notice"]), [attempt_view(r) for r in attempts])

    def retry(self, delivery_ids: Sequence[str], now: datetime) -> list[str]:
        wanted = list(dict.fromkeys(delivery_ids))
        with self.writer.begin() as conn:
            known = set(conn.execute(select(d.c.id).where(d.c.id.in_(wanted))).scalars())
            missing = [i for i in wanted if i not in known]
            if missing:
                raise NotFound("delivery", missing[0])
            conn.execute(retried(now).where(d.c.id.in_(wanted)))
            wakeups.announce(conn)
        wakeups.committed()
        return wanted

    def retry_dead(self, since: datetime | None, now: datetime) -> list[str]:
        condition = d.c.state == DeliveryState.DEAD.value
        if since is not None:
            condition = condition & (d.c.created_at >= since)
        with self.writer.begin() as conn:
            ids = list(conn.execute(select(d.c.id).where(condition).order_by(d.c.outbox_seq)).scalars())
            if ids:
                conn.execute(retried(now).where(d.c.id.in_(ids)))
                wakeups.announce(conn)
        if ids:
            wakeups.committed()
        return ids


def retried(now: datetime) -> Any:
    """Due now, under the same id; the schedule starts again from the attempts made so far."""
    return update(d).values(
        state=DeliveryState.PENDING.value,
        next_attempt_at=now,
        next_trigger=Trigger.MANUAL.value,
        retry_base=d.c.attempts,
        claimed_by=None,
        claimed_until=None,
    )


def view(row: RowMapping) -> DeliveryView:
    return DeliveryView(
        id=row["id"],
        state=DeliveryState(row["state"]),
        kind=ChannelKind(row["kind"]),
        name=row["name"],
        destination_key=row["destination_key"],
        event_id=row["event_id"],
        event_kind=row["event_kind"],
        subject_type=row["subject_type"],
        subject_id=row["subject_id"],
        subject_ref=row["subject_ref"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_result=row["last_result"],
        last_status=row["last_status"],
        last_error=row["last_error"],
        suppressed_by=row["suppressed_by"],
        created_at=row["created_at"],
        delivered_at=row["delivered_at"],
    )


def attempt_view(row: RowMapping) -> AttemptView:
    return AttemptView(
        number=row["attempt"],
        trigger=Trigger(row["trigger"]),
        started_at=row["started_at"],
        duration_ms=row["duration_ms"],
        result=row["result"],
        status=row["status"],
        error=row["error"],
        snippet=row["snippet"],
        next_attempt_at=row["next_attempt_at"],
    )
