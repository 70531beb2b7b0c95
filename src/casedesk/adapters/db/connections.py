"""Where the read models, the unit of work and authentication get their connection.

Outside HTTP (CLI, worker, tests) each use takes its own connection from the pool
(`PooledConnections`). An HTTP request instead takes one connection and keeps it until the
request ends (`RequestConnection`): authentication, the command's unit of work and the
read-back all run on it, so a request costs one pool checkout (and its check, engine.py)
instead of one per step.

Transactions stay short and never span two requests:

- every use ends its transaction when it leaves its block (reads roll back; the unit of work
  commits before that), so nothing is left open while the route renders or the answer is sent;
- the one exception is the request's first use, authentication: its transaction is left open
  for the next use, so checking the caller and doing the work share one transaction. A request
  that will run a command begins that transaction as a write (`BEGIN IMMEDIATE` on SQLite), so
  the command never has to upgrade a read transaction, which SQLite can refuse mid-way;
- a write that finds a read transaction open (a request that was expected only to read) ends
  it and begins a write transaction of its own.

Every statement a request makes is bounded (`statement_timeout_ms`, engine.py): one that runs
longer is stopped, its transaction rolled back, and `TimedOut` raised.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from casedesk.adapters.db.engine import STATEMENT_TIMEOUT_OPTION, WRITE_OPTION
from casedesk.adapters.db.unit_of_work import lost_a_race
from casedesk.domain.errors import Conflict


class PooledConnections:
    """A connection from the pool for each use, returned when the use ends."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def connect(self) -> Connection:
        return self.engine.connect()

    @contextmanager
    def unit(self, *, write: bool) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            begin(conn, write=write)
            try:
                yield conn
            finally:
                if conn.in_transaction():
                    conn.rollback()


class RequestConnection:
    """One connection for one HTTP request, taken from the pool on first use and returned by
    `close()`. `write` says whether the request is expected to run a command; it decides
    what kind of transaction the first use (authentication) begins and hands on.
    `statement_timeout_ms` bounds each of its statements (0 or None: unbounded)."""

    def __init__(self, engine: Engine, *, write: bool, statement_timeout_ms: int | None = None) -> None:
        self.engine = engine
        self.write = write
        self.statement_timeout_ms = statement_timeout_ms or None
        self._conn: Connection | None = None
        self._writing = False  # the kind of the open transaction, if one is open
        self._depth = 0  # uses in progress: a read model may nest one use in another
        self._first = True  # the first use hands its transaction on to the next

    def connect(self) -> AbstractContextManager[Connection]:
        return self.unit(write=False)

    @contextmanager
    def unit(self, *, write: bool) -> Iterator[Connection]:
        conn = self._enter(write)
        self._depth += 1
        failed = False
        try:
            yield conn
        except BaseException:
            failed = True
            raise
        finally:
            self._depth -= 1
            if self._depth == 0:
                hand_on, self._first = self._first and not failed, False
                if conn.in_transaction() and not hand_on:
                    conn.rollback()

    def _enter(self, write: bool) -> Connection:
        if self._conn is None:
            self._conn = self.engine.connect()
            if self.statement_timeout_ms is not None:
                self._conn.execution_options(**{STATEMENT_TIMEOUT_OPTION: self.statement_timeout_ms})
        conn = self._conn
        if self._depth > 0:
            if write and not self._writing:
                raise RuntimeError("a write cannot begin inside a read on the same connection")
            return conn
        if conn.in_transaction() and write and not self._writing:
            # Only read so far: end it rather than upgrade it (SQLite may refuse an upgrade).
            conn.rollback()
        if not conn.in_transaction():
            self._writing = write or (self._first and self.write)
            try:
                begin(conn, write=self._writing)
            except BaseException:
                self.close()
                raise
        return conn

    @property
    def idle(self) -> bool:
        """No transaction is open, so `close()` makes no round trip to the database."""
        return self._conn is None or not self._conn.in_transaction()

    def close(self) -> None:
        """Rolls back what is still open and returns the connection to the pool."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


def begin(conn: Connection, *, write: bool) -> None:
    """Begins a transaction; a write one takes SQLite's write lock up front (engine.py), and
    waiting for that lock past the busy timeout is a lost race like any other."""
    conn.execution_options(**{WRITE_OPTION: write})
    try:
        conn.begin()
    except OperationalError as exc:
        if lost_a_race(exc):
            raise Conflict("the change conflicts with a concurrent one; retry it") from exc
        raise
