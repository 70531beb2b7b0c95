"""A pooled connection the server ended is replaced before anyone uses it, as with a restarted
server: the next use gets a live connection, not an error (PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from casedesk.adapters.db.engine import build_engine
from tests.support import throwaway_database

pytestmark = pytest.mark.postgresql  # SQLite has no server to lose


@pytest.fixture
def engines() -> Iterator[tuple[Engine, Engine]]:
    """casedesk's engine, and one outside its pool to end its connections from."""
    with throwaway_database() as url:
        built, outside = build_engine(url, pool_size=2), create_engine(url, poolclass=NullPool)
        try:
            yield built, outside
        finally:
            built.dispose()
            outside.dispose()


def backend_pids(engine: Engine, count: int) -> list[int]:
    """Opens `count` pooled connections at once and gives them back: their server pids."""
    conns = [engine.connect() for _ in range(count)]
    try:
        return [int(c.execute(text("SELECT pg_backend_pid()")).scalar_one()) for c in conns]
    finally:
        for conn in conns:
            conn.close()


def end_backends(outside: Engine, pids: list[int]) -> None:
    """Ends those server processes, and waits until they are gone."""
    with outside.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid"), {"pids": pids})
        admin.commit()
    deadline = time.monotonic() + 10
    with outside.connect() as admin:
        while time.monotonic() < deadline:
            alive = admin.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"), {"pids": pids}
            ).scalar_one()
            admin.rollback()
            if alive == 0:
                return
            time.sleep(0.02)
    raise AssertionError("the backends did not end")


def test_connections_the_server_ended_are_replaced_before_use(engines: tuple[Engine, Engine]) -> None:
    engine, outside = engines
    pids = backend_pids(engine, 2)
    end_backends(outside, pids)
    for _ in range(2):
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() not in pids
