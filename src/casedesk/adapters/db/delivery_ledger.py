"""The delivery ledger as read by people (the CLI and the HTTP API), and manual retries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, false, not_, or_, select, true, union, update
from sqlalchemy.engine import RowMapping

from casedesk.adapters.db import wakeups
from casedesk.adapters.db.access import hidden
from casedesk.adapters.db.connection_types import Connections
from casedesk.adapters.db.schema import core
from casedesk.adapters.db.schema import deliveries as t
from casedesk.domain.errors import Conflict, NotFound
from casedesk.domain.notifications.deliveries import DeliveryState, Trigger
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.deliveries import AttemptView, DeliveryDetail, DeliveryFilter, DeliveryView

d = t.deliveries
a = t.delivery_attempts


class SqlDeliveryLedger:
    """The `DeliveryLedger` port over `connections` (the pool, or one request's connection)."""

    def __init__(self, connections: Connections) -> None:
        self.connections = connections

    def deliveries(
        self, *, state: DeliveryState | None = None, case: str | None = None, limit: int = 100
    ) -> list[DeliveryView]:
        return self.page(DeliveryFilter(Visibility.everything(), state=state, case=case, limit=limit))

    def page(self, wanted: DeliveryFilter) -> list[DeliveryView]:
        query = select(d).order_by(d.c.created_at.desc(), d.c.id.desc()).limit(wanted.limit)
        with self.connections.connect() as conn:
            query = query.where(
                seen(conn, wanted.visibility, wanted.incidents),
                *conditions(wanted),
            )
            if wanted.case is not None:
                query = query.where(d.c.subject_id.in_(case_ids(conn, wanted.case, wanted.visibility)))
            return [view(r) for r in conn.execute(query).mappings()]

    def delivery(
        self, delivery_id: str, visibility: Visibility | None = None, *, incidents: bool = True
    ) -> DeliveryDetail:
        with self.connections.connect() as conn:
            condition = seen(conn, visibility or Visibility.everything(), incidents)
            row = conn.execute(select(d).where(d.c.id == delivery_id, condition)).mappings().one_or_none()
            if row is None:
                raise NotFound("delivery", delivery_id)
            attempts = conn.execute(
                select(a).where(a.c.delivery_id == delivery_id).order_by(a.c.attempt, a.c.id)
            ).mappings()
            return DeliveryDetail(view(row), dict(row["notice"]), [attempt_view(r) for r in attempts])

    def retry(self, delivery_ids: Sequence[str], now: datetime) -> list[str]:
        wanted = list(dict.fromkeys(delivery_ids))
        with self.connections.unit(write=True) as conn:
            known = {
                row.id: row
                for row in conn.execute(select(d.c.id, d.c.kind, d.c.name).where(d.c.id.in_(wanted)))
            }
            missing = [i for i in wanted if i not in known]
            if missing:
                raise NotFound("delivery", missing[0])
            unreachable = [i for i in wanted if known[i].kind == ChannelKind.UNREACHABLE.value]
            if unreachable:
                name = known[unreachable[0]].name
                raise Conflict(f"{unreachable[0]} is for {name}, which casedesk cannot reach: no retry")
            conn.execute(retried(now).where(d.c.id.in_(wanted)))
            wakeups.announce(conn)
            conn.commit()
        wakeups.committed()
        return wanted

    def retry_dead(self, since: datetime | None, now: datetime) -> list[str]:
        condition = d.c.state == DeliveryState.DEAD.value
        if since is not None:
            condition = condition & (d.c.created_at >= since)
        with self.connections.unit(write=True) as conn:
            ids = list(conn.execute(select(d.c.id).where(condition).order_by(d.c.outbox_seq)).scalars())
            if ids:
                conn.execute(retried(now).where(d.c.id.in_(ids)))
                wakeups.announce(conn)
            conn.commit()
        if ids:
            wakeups.committed()
        return ids


def seen(conn: Connection, visibility: Visibility, incidents: bool) -> ColumnElement[bool]:
    """The deliveries a reader may see: not those of cases in hidden projects, and incident
    deliveries only when `incidents`. A delivery of a deleted case stays visible (its
    notice is all that is left of it)."""
    projects = hidden(conn, visibility)
    condition: ColumnElement[bool] = true()
    if projects:
        in_hidden = select(core.cases.c.id).where(core.cases.c.project_id.in_(sorted(projects)))
        condition = not_(and_(d.c.subject_type == "case", d.c.subject_id.in_(in_hidden)))
    if not incidents:
        condition = and_(condition, d.c.subject_type != "incident")
    return condition


def conditions(wanted: DeliveryFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if wanted.state is not None:
        found.append(d.c.state == wanted.state.value)
    if wanted.destination is not None:
        kind, name = wanted.destination
        found.append(and_(d.c.kind == kind.value, d.c.name == name))
    if wanted.since is not None:
        found.append(d.c.created_at >= wanted.since)
    if wanted.incident is not None:
        found.append(and_(d.c.subject_type == "incident", incident_is(wanted.incident)))
    if wanted.after is not None:
        at, last = wanted.after
        found.append(or_(d.c.created_at < at, and_(d.c.created_at == at, d.c.id < last)))
    return found


def incident_is(ref: str) -> ColumnElement[bool]:
    """An incident's public id (as the planner recorded it) or its UUID."""
    try:
        return d.c.subject_id == uuid.UUID(ref)
    except ValueError:
        return d.c.subject_ref == ref.strip() if ref.strip().isdigit() else false()


def case_ids(conn: Connection, ref: str, visibility: Visibility) -> list[uuid.UUID]:
    """The case `ref` (a key, an old key or a UUID) names, if the reader may see it."""
    c = core.cases.c
    try:
        by: Any = select(c.id).where(c.id == uuid.UUID(ref))
    except ValueError:
        key = ref.strip().upper()
        aliased = select(core.case_key_aliases.c.case_id).where(core.case_key_aliases.c.key == key)
        by = union(select(c.id).where(c.key == key), aliased)
    candidates = list(conn.execute(by).scalars())
    projects = hidden(conn, visibility)
    if candidates and projects:
        query = select(c.id).where(c.id.in_(candidates), c.project_id.not_in(sorted(projects)))
        candidates = list(conn.execute(query).scalars())
    if not candidates:
        raise NotFound("case", ref)
    return candidates


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
