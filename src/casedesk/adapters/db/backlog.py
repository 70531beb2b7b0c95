"""The `OutboxBacklog` port: one aggregate over the outbox's pending rows."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from casedesk.adapters.db.schema import core as t
from casedesk.services.ports.backlog import Backlog


class SqlOutboxBacklog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def backlog(self) -> Backlog:
        o = t.outbox
        # `state` leads the ix_outbox_pending index, so this reads the pending rows only.
        query = select(func.count(), func.min(o.c.occurred_at)).where(o.c.state == "pending")
        with self.engine.connect() as conn:
            pending, oldest = conn.execute(query).one()
        return Backlog(pending=int(pending), oldest=oldest)
