"""Engines for SQLite and PostgreSQL, tuned so both behave the same for the services."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

# Execution option carried by write transactions; on SQLite it makes BEGIN take the write
# lock up front, so concurrent writers wait (busy timeout) instead of failing mid-way.
WRITE_OPTION = "casedesk_write"
WRITE = {WRITE_OPTION: True}


def normalise_url(url: str) -> str:
    """Plain `postgresql://` URLs use psycopg 3 (the driver we install)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def build_engine(url: str, *, pool_size: int = 20) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, pool_size)
    # The pre-ping (one round trip, about 30 µs on loopback) is paid once per HTTP request, since a
    # request holds one connection throughout (connections.py). It keeps a server restart from
    # failing the requests that would pick up a dead pooled connection; retrying instead would
    # need every first statement to be safe to repeat.
    return create_engine(url, pool_size=pool_size, max_overflow=max_overflow(pool_size), pool_pre_ping=True)


def max_overflow(pool_size: int) -> int:
    """Connections opened beyond the pool under load (closed again when they come back)."""
    return pool_size // 2


def pool_capacity(pool_size: int) -> int:
    """The most connections an engine from `build_engine(pool_size=…)` hands out at once."""
    return pool_size + max_overflow(pool_size)


def _sqlite_engine(url: str, pool_size: int) -> Engine:
    connect_args = {"timeout": 30, "check_same_thread": False}
    if ":memory:" in url:
        engine = create_engine(url, connect_args=connect_args)
    else:
        # Sized like PostgreSQL's, so that `pool_capacity` holds for both.
        engine = create_engine(
            url, connect_args=connect_args, pool_size=pool_size, max_overflow=max_overflow(pool_size)
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if ":memory:" not in url:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
