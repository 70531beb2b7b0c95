"""The audit log's table behind the `AuditLog` port."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, RowMapping, insert, select

from casedesk.adapters.db.schema import core as t
from casedesk.domain.audit import AuditAction, AuditEntry

A = t.audit_log.c


class SqlAuditLog:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def record(self, entry: AuditEntry) -> None:
        self.conn.execute(
            insert(t.audit_log).values(
                id=entry.id,
                occurred_at=entry.occurred_at,
                actor_id=entry.actor_id,
                actor_email=entry.actor_email,
                key_id=entry.key_id,
                action=entry.action.value,
                target_type=entry.target_type,
                target_id=entry.target_id,
                data=entry.data,
            )
        )

    def entries(
        self, *, limit: int, before: uuid.UUID | None = None, action: AuditAction | None = None
    ) -> list[AuditEntry]:
        query = select(t.audit_log).order_by(A.seq.desc()).limit(limit)
        if before is not None:
            query = query.where(A.seq < select(A.seq).where(A.id == before).scalar_subquery())
        if action is not None:
            query = query.where(A.action == action.value)
        return [_entry(row) for row in self.conn.execute(query).mappings()]


def _entry(row: RowMapping) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        occurred_at=row["occurred_at"],
        actor_id=row["actor_id"],
        actor_email=row["actor_email"],
        key_id=row["key_id"],
        action=AuditAction(row["action"]),
        target_type=row["target_type"],
        target_id=row["target_id"],
        data=dict(row["data"]),
    )
