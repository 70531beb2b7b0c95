"""The `OutboxBacklog` port: one aggregate over the outbox's pending rows, one over the
deliveries still waiting or dead."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from casedesk.adapters.db.schema import core as t
from casedesk.adapters.db.schema import deliveries as dt
from casedesk.domain.notifications.deliveries import DeliveryState
from casedesk.services.ports.backlog import Backlog

WAITING = (DeliveryState.PENDING.value, DeliveryState.FAILED.value)
COUNTED = (*WAITING, DeliveryState.DEAD.value)


class SqlOutboxBacklog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def backlog(self) -> Backlog:
        o, d = t.outbox, dt.deliveries
        # The pending rows only, through the partial ix_outbox_pending index.
        outbox = select(func.count(), func.min(o.c.occurred_at)).where(t.PENDING)
        # And leads ix_deliveries_due: delivered and suppressed rows, the bulk, are not read.
        deliveries = (
            select(d.c.kind, d.c.state, func.count(), func.min(d.c.created_at))
            .where(d.c.state.in_(COUNTED))
            .group_by(d.c.kind, d.c.state)
        )
        waiting: dict[str, int] = {}
        dead: dict[str, int] = {}
        oldest_waiting = None
        with self.engine.connect() as conn:
            pending, oldest = conn.execute(outbox).one()
            for kind, state, count, first in conn.execute(deliveries):
                if state == DeliveryState.DEAD.value:
                    dead[kind] = dead.get(kind, 0) + int(count)
                    continue
                waiting[kind] = waiting.get(kind, 0) + int(count)
                if first is not None and (oldest_waiting is None or first < oldest_waiting):
                    oldest_waiting = first
        return Backlog(
            pending=int(pending), oldest=oldest, waiting=waiting, dead=dead, oldest_waiting=oldest_waiting
        )
