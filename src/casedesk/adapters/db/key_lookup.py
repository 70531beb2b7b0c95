"""Authentication's lookup: the application key joined to its user, and whether the API key
sent with it is live, in one query. Nothing is cached: a revoked key or a disabled user is
refused from the next request on."""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Exists,
    Select,
    bindparam,
    exists,
    select,
    update,
)
from sqlalchemy.exc import OperationalError

from casedesk.adapters.db.connection_types import Connections
from casedesk.adapters.db.rows import known_scopes
from casedesk.adapters.db.schema import core as t
from casedesk.domain.errors import Conflict
from casedesk.domain.users import Role
from casedesk.services.ports.key_lookup import KeyCheck, KeyHolder

APP, API, USERS = t.app_keys.c, t.api_keys.c, t.users.c


class SqlKeyLookup:
    def __init__(self, connections: Connections) -> None:
        self.connections = connections

    def check(self, api_key_hash: str | None, app_key_hash: str) -> KeyCheck:
        hashes = {"app_key_hash": app_key_hash, "api_key_hash": api_key_hash}
        with self.connections.connect() as conn:
            row = conn.execute(_key_query(with_api_key=api_key_hash is not None), hashes).mappings().first()
            if row is None:
                # Only an unknown application key costs a second query: which key to name.
                live = api_key_hash is None or _api_key_is_live(conn, api_key_hash)
                return KeyCheck(api_key_live=live, app_key=None)
        holder = KeyHolder(
            key_id=row["key_id"],
            user_id=row["id"],
            email=row["email"],
            role=Role(row["role"]),
            user_disabled=row["disabled"],
            scopes=known_scopes(row["scopes"]),
            revoked=row["revoked_at"] is not None,
            last_used_at=row["last_used_at"],
        )
        return KeyCheck(api_key_live=api_key_hash is None or bool(row["api_key_live"]), app_key=holder)

    def record_use(self, key_id: uuid.UUID, now: datetime) -> None:
        stamp = update(t.app_keys).where(APP.id == key_id).values(last_used_at=now)
        try:
            with self.connections.unit(write=True) as conn:
                conn.execute(stamp)
                conn.commit()
        except (Conflict, OperationalError):
            pass  # the database is busy with writers: the next use stamps it


@cache
def _key_query(*, with_api_key: bool) -> Select[Any]:
    """Built once: every request runs it, and a statement reused keeps SQLAlchemy's cache key
    (the hashes are bound at execution)."""
    columns: list[ColumnElement[Any]] = [
        APP.id.label("key_id"),
        APP.revoked_at,
        APP.scopes,
        APP.last_used_at,
        USERS.id,
        USERS.email,
        USERS.role,
        USERS.disabled,
    ]
    if with_api_key:
        columns.append(_api_key_live(bindparam("api_key_hash")).label("api_key_live"))
    return (
        select(*columns)
        .select_from(t.app_keys.join(t.users, USERS.id == APP.user_id))
        .where(APP.key_hash == bindparam("app_key_hash"))
    )


def _api_key_live(api_key_hash: str | BindParameter[Any]) -> Exists:
    return exists().where(API.key_hash == api_key_hash, API.revoked_at.is_(None))


def _api_key_is_live(conn: Connection, api_key_hash: str) -> bool:
    return bool(conn.execute(select(_api_key_live(api_key_hash))).scalar_one())
