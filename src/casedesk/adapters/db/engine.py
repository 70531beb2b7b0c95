"""Engines for SQLite and PostgreSQL, tuned so both behave the same for the services."""

from __future__ import annotations

import json
import select
import time
from collections.abc import Callable
from typing import Any

from pydantic_core import from_json
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import InvalidatePoolError

from casedesk.domain.errors import TimedOut

# Execution option carried by write transactions; on SQLite it makes BEGIN take the write
# lock up front, so concurrent writers wait (busy timeout) instead of failing mid-way.
WRITE_OPTION = "casedesk_write"
WRITE = {WRITE_OPTION: True}
# Execution option bounding each statement on the connection, in milliseconds (HTTP requests
# carry it, connections.py): PostgreSQL's statement_timeout, a progress handler on SQLite. A
# statement stopped by it raises `TimedOut`, and its transaction is rolled back.
STATEMENT_TIMEOUT_OPTION = "casedesk_statement_timeout_ms"
# Where a PostgreSQL connection's record keeps the bound its session carries (absent: none set).
SESSION_BOUND_KEY = "casedesk_session_statement_timeout_ms"
# SQLite virtual machine instructions between two looks at the clock: about 0.1 ms of work.
SQLITE_PROGRESS_STEPS = 10_000


def normalise_url(url: str) -> str:
    """Plain `postgresql://` URLs use psycopg 3 (the driver we install)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def build_engine(url: str, *, pool_size: int = 20) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = _sqlite_engine(url, pool_size)
    else:
        engine = create_engine(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow(pool_size),
            json_deserializer=json_from_database,
        )
        event.listen(engine, "checkin", _note_return)
        event.listen(engine, "checkout", _check_before_use(engine))
        event.listen(engine, "begin", _bound_postgresql_transaction)
    event.listen(engine, "handle_error", _timed_out)
    return engine


def json_from_database(text: str | bytes) -> Any:
    """How JSON columns are decoded: with pydantic-core's parser, several times faster than
    the standard library's on the small documents the columns hold (a page of cases decodes
    over a hundred), and the standard library's for what it refuses: a lone surrogate escape,
    which PostgreSQL never stores but SQLite's text could hold."""
    try:
        return from_json(text)
    except ValueError:
        return json.loads(text)


# A pooled connection is pinged before use when it has been back in the pool this long (or
# when the server wrote to it meanwhile); see `_check_before_use`.
PING_AFTER_IDLE_S = 1.0
RETURNED_AT_KEY = "casedesk_returned_at"


def _note_return(_dbapi_connection: Any, record: Any) -> None:
    record.info[RETURNED_AT_KEY] = time.monotonic()


def _check_before_use(engine: Engine) -> Callable[[Any, Any, Any], None]:
    """A checkout check that keeps a server restart from failing the requests that would pick
    up a dead pooled connection (retrying instead would need every first statement to be
    safe to repeat), like SQLAlchemy's pre-ping, without its round trip on every checkout.

    A server that ends a connection (a restart, `pg_terminate_backend`, an idle timeout)
    tells the client, which leaves the socket readable: such a connection, and one that sat
    in the pool longer than `PING_AFTER_IDLE_S` (a server host that went away says nothing),
    is pinged, and one that fails the ping makes the pool replace every connection older
    than it, as the pre-ping does. One that came back a moment ago with nothing to read is
    used as it is: had its server gone since, the requests that used the pool meanwhile
    would have failed and replaced it. A new connection is not checked (SQLAlchemy's pre-ping
    skips it too)."""

    def check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(RETURNED_AT_KEY)
        if returned is None:
            return  # new: nothing happened to it yet
        fresh = time.monotonic() - returned <= PING_AFTER_IDLE_S
        if fresh and not _server_wrote(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            if engine.dialect.is_disconnect(exc, dbapi_connection, None):  # type: ignore[arg-type]
                raise InvalidatePoolError(str(exc)) from exc
            raise

    return check


def _server_wrote(dbapi_connection: Any) -> bool:
    """Whether the server sent anything the driver has not read (between two requests, only a
    connection's end does): a look at the socket, no round trip."""
    if not hasattr(select, "poll"):
        return True  # no cheap look: ping every time
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    return bool(poller.poll(0))


def statement_bound(conn: Any) -> int | None:
    bound = conn.get_execution_options().get(STATEMENT_TIMEOUT_OPTION)
    return int(bound) if bound else None


def _bound_postgresql_transaction(conn: Any) -> None:
    """Gives the session the bound the beginning transaction carries (none: the server's
    default). It is set on the session rather than with SET LOCAL in every transaction, so a
    request pays a round trip only when its pooled connection last served with another bound
    (or none: a worker or the CLI, which then reset it). The SET runs before the transaction
    begins, in autocommit, so that a rollback does not undo it; the value set is remembered
    in the pool's record of the connection, which forgets it when the connection is replaced."""
    bound = statement_bound(conn)
    record = conn.connection.info
    if record.get(SESSION_BOUND_KEY) == bound:
        return
    driver = conn.connection.driver_connection
    driver.autocommit = True
    try:
        value = "DEFAULT" if bound is None else str(bound)
        conn.exec_driver_sql(f"SET statement_timeout TO {value}")
    finally:
        driver.autocommit = False
    record[SESSION_BOUND_KEY] = bound


def _timed_out(context: ExceptionContext) -> None:
    """A statement stopped by its bound becomes `TimedOut` (PostgreSQL's query_canceled,
    SQLite's "interrupted"); other errors pass as they are."""
    conn = context.connection
    bound = statement_bound(conn) if conn is not None else None
    if bound is None:
        return
    original = context.original_exception
    cancelled = getattr(original, "sqlstate", None) == "57014"
    interrupted = getattr(original, "sqlite_errorname", None) == "SQLITE_INTERRUPT"
    if cancelled or interrupted:
        raise TimedOut(bound) from original


def max_overflow(pool_size: int) -> int:
    """Connections opened beyond the pool under load (closed again when they come back)."""
    return pool_size // 2


def pool_capacity(pool_size: int) -> int:
    """The most connections an engine from `build_engine(pool_size=…)` hands out at once."""
    return pool_size + max_overflow(pool_size)


def _sqlite_engine(url: str, pool_size: int) -> Engine:
    connect_args = {"timeout": 30, "check_same_thread": False}
    if ":memory:" in url:
        engine = create_engine(url, connect_args=connect_args, json_deserializer=json_from_database)
    else:
        # Sized like PostgreSQL's, so that `pool_capacity` holds for both.
        engine = create_engine(
            url,
            connect_args=connect_args,
            pool_size=pool_size,
            max_overflow=max_overflow(pool_size),
            json_deserializer=json_from_database,
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

    @event.listens_for(engine, "before_cursor_execute")
    def _bound_statement(conn: Any, _cursor: Any, *_: Any) -> None:
        # Each statement gets the whole bound from its start; a connection without the option
        # (the CLI, the worker, a request that set none) runs unbounded.
        bound = statement_bound(conn)
        dbapi_conn = conn.connection.driver_connection
        if bound is None:
            dbapi_conn.set_progress_handler(None, 0)
            return
        deadline = time.monotonic() + bound / 1000
        dbapi_conn.set_progress_handler(lambda: time.monotonic() > deadline, SQLITE_PROGRESS_STEPS)

    return engine
