"""Telling idle workers that there is work: PostgreSQL's LISTEN/NOTIFY across processes, and a
callback list within one process (the only way on SQLite, and a shortcut on PostgreSQL).

A NOTIFY sent inside a transaction is delivered when it commits and dropped when it rolls
back, so a worker never wakes for rows it cannot see yet. Wake-ups are hints: workers also
poll, so a lost one costs a polling interval, never a delivery.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, func, text

CHANNEL = "casedesk_work"
log = logging.getLogger(__name__)

_listeners: list[Callable[[], None]] = []
_lock = threading.Lock()


def announce(conn: Connection) -> None:
    """Queues a NOTIFY with `conn`'s transaction (PostgreSQL; nothing elsewhere)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


def notify_expression() -> ColumnElement[Any]:
    """What `announce` sends, as an expression to put in a statement the transaction sends
    anyway (PostgreSQL): a NOTIFY sent many times in one transaction is delivered once."""
    return func.pg_notify(CHANNEL, "")


def committed() -> None:
    """Called after a commit that wrote work: wakes this process's workers."""
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener()


def subscribe(listener: Callable[[], None]) -> Callable[[], None]:
    """Calls `listener` (from any thread) after each commit that wrote work in this process;
    returns the function that stops it."""
    with _lock:
        _listeners.append(listener)

    def unsubscribe() -> None:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return unsubscribe


class PgListener:
    """LISTENs on its own connection in a thread of its own and calls `listener` on each
    notification; reconnects after a lost connection (a restarted server)."""

    def __init__(self, engine: Engine, listener: Callable[[], None]) -> None:
        self.url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.listener = listener
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="casedesk-listen", daemon=True)

    def start(self) -> PgListener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listener()  # anything written while not listening
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.5, stop_after=1):
                            self.listener()
            except psycopg.Error as exc:
                log.warning("LISTEN %s lost its connection (%s); reconnecting", CHANNEL, exc)
                self._stop.wait(1.0)
