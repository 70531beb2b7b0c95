"""Users, application keys and the audit log, read for listing."""

from __future__ import annotations

import uuid

from sqlalchemy import RowMapping, Select, select

from casedesk.adapters.db.audit import SqlAuditLog
from casedesk.adapters.db.connection_types import ReadConnections
from casedesk.adapters.db.rows import known_scopes, user_from_row
from casedesk.adapters.db.schema import core as t
from casedesk.domain.audit import AuditAction, AuditEntry
from casedesk.domain.errors import NotFound
from casedesk.domain.users import User, clean_email
from casedesk.services.ports.identity import AppKeyView

APP, USERS = t.app_keys.c, t.users.c


class SqlIdentityReads:
    def __init__(self, connections: ReadConnections) -> None:
        self.connections = connections

    def users(self) -> list[User]:
        with self.connections.connect() as conn:
            rows = conn.execute(select(t.users).order_by(USERS.number)).mappings().all()
        return [user_from_row(row) for row in rows]

    def user_by_email(self, email: str) -> User:
        with self.connections.connect() as conn:
            row = conn.execute(select(t.users).where(USERS.email == clean_email(email))).mappings().first()
        if row is None:
            raise NotFound("user", email)
        return user_from_row(row)

    def app_keys(self, user_id: uuid.UUID | None = None) -> list[AppKeyView]:
        query = _keys().order_by(APP.created_at, APP.id)
        if user_id is not None:
            query = query.where(APP.user_id == user_id)
        with self.connections.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [_key(row) for row in rows]

    def app_key(self, key_id: uuid.UUID, user_id: uuid.UUID | None = None) -> AppKeyView:
        query = _keys().where(APP.id == key_id)
        if user_id is not None:
            query = query.where(APP.user_id == user_id)
        with self.connections.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            raise NotFound("application key", key_id)
        return _key(row)

    def audit_entries(
        self, *, limit: int, before: uuid.UUID | None = None, action: AuditAction | None = None
    ) -> list[AuditEntry]:
        with self.connections.connect() as conn:
            return SqlAuditLog(conn).entries(limit=limit, before=before, action=action)


def _keys() -> Select[tuple[object, ...]]:
    return select(
        APP.id,
        APP.user_id,
        USERS.email,
        APP.name,
        APP.last4,
        APP.scopes,
        APP.created_at,
        APP.last_used_at,
        APP.revoked_at,
    ).select_from(t.app_keys.join(t.users, USERS.id == APP.user_id))


def _key(row: RowMapping) -> AppKeyView:
    return AppKeyView(
        id=row["id"],
        user_id=row["user_id"],
        user_email=row["email"],
        name=row["name"],
        last4=row["last4"],
        scopes=known_scopes(row["scopes"]),
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
        revoked_at=row["revoked_at"],
    )
