"""Which database errors mean "a concurrent transaction won; retry" (a 409), and which are bugs.

Each error is provoked for real on a throwaway database, so the classification is checked
against what the drivers actually raise. SQLite is always at hand; the PostgreSQL cases join
when the suite runs on PostgreSQL.
"""

from __future__ import annotations

import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from casedesk.adapters.db.engine import WRITE, build_engine
from casedesk.adapters.db.unit_of_work import lost_a_race
from tests.support import backend, throwaway_database

Provoke = Callable[[Engine], BaseException]


def failing(engine: Engine, *statements: str) -> BaseException:
    """Runs the statements in one transaction and returns the error the last one raised."""
    with engine.connect() as conn, conn.begin():
        for statement in statements[:-1]:
            conn.execute(text(statement))
        try:
            conn.execute(text(statements[-1]))
        except DBAPIError as exc:
            return exc
    raise AssertionError(f"{statements[-1]!r} did not fail")


def tables(engine: Engine) -> str:
    """A fresh pair of tables (parent with unique, NOT NULL and CHECK columns; child with a
    foreign key to it) holding one parent row; returns their name prefix."""
    name = "race_" + uuid.uuid4().hex[:8]
    with engine.begin() as conn:
        conn.execute(
            text(
                f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, code TEXT UNIQUE, "
                "label TEXT NOT NULL, size INTEGER CHECK (size > 0))"
            )
        )
        conn.execute(
            text(f"CREATE TABLE {name}_child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES {name}(id))")
        )
        conn.execute(text(f"INSERT INTO {name} VALUES (1, 'a', 'one', 1)"))
    return name


def unique_violation(engine: Engine) -> BaseException:
    return failing(engine, f"INSERT INTO {tables(engine)} VALUES (2, 'a', 'two', 1)")


def primary_key_violation(engine: Engine) -> BaseException:
    return failing(engine, f"INSERT INTO {tables(engine)} VALUES (1, 'b', 'two', 1)")


def foreign_key_violation(engine: Engine) -> BaseException:
    return failing(engine, f"INSERT INTO {tables(engine)}_child VALUES (1, 99)")


def not_null_violation(engine: Engine) -> BaseException:
    return failing(engine, f"INSERT INTO {tables(engine)} VALUES (2, 'b', NULL, 1)")


def check_violation(engine: Engine) -> BaseException:
    return failing(engine, f"INSERT INTO {tables(engine)} VALUES (2, 'b', 'two', 0)")


def sqlite_busy(engine: Engine) -> BaseException:
    """Another connection holds the write lock past this one's busy timeout."""
    impatient = create_engine(engine.url, connect_args={"timeout": 0.05})
    try:
        with engine.execution_options(**WRITE).connect() as holder, holder.begin():
            try:
                with impatient.connect() as conn:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
            except DBAPIError as exc:
                return exc
    finally:
        impatient.dispose()
    raise AssertionError("the second writer got the lock")


def postgres_deadlock(engine: Engine) -> BaseException:
    """Two transactions lock the same two rows in opposite orders; PostgreSQL cancels one."""
    name = tables(engine)
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO {name} VALUES (2, 'b', 'two', 1)"))
    both_hold_one = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def lock(first: int, second: int) -> None:
        try:
            with engine.connect() as conn, conn.begin():
                conn.execute(text(f"UPDATE {name} SET size = size + 1 WHERE id = {first}"))
                both_hold_one.wait()
                conn.execute(text(f"UPDATE {name} SET size = size + 1 WHERE id = {second}"))
        except DBAPIError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=lock, args=order) for order in ((1, 2), (2, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    [error] = errors
    return error


def postgres_serialization_failure(engine: Engine) -> BaseException:
    """A repeatable-read transaction updates a row a concurrent one changed after its snapshot."""
    name = tables(engine)
    with engine.connect() as reader:
        reader.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ")
        reader.execute(text(f"SELECT size FROM {name} WHERE id = 1"))
        with engine.begin() as other:
            other.execute(text(f"UPDATE {name} SET size = 5 WHERE id = 1"))
        try:
            reader.execute(text(f"UPDATE {name} SET size = 6 WHERE id = 1"))
        except DBAPIError as exc:
            return exc
        finally:
            reader.rollback()
    raise AssertionError("the stale update went through")


def postgres_statement_timeout(engine: Engine) -> BaseException:
    return failing(engine, "SET LOCAL statement_timeout = 10", "SELECT pg_sleep(5)")


def postgres_connection_refused(engine: Engine) -> BaseException:
    # Port 1 on the loopback has no server: a network failure, not a lost race.
    refused = create_engine(engine.url.set(port=1))
    try:
        with refused.connect():
            pass
    except DBAPIError as exc:
        return exc
    finally:
        refused.dispose()
    raise AssertionError("connected to port 1")


# (backend, provoke, whether it is a lost race)
CASES: list[tuple[str, Provoke, bool]] = [
    ("sqlite", unique_violation, True),
    ("sqlite", primary_key_violation, True),
    ("sqlite", sqlite_busy, True),
    ("sqlite", foreign_key_violation, False),
    ("sqlite", not_null_violation, False),
    ("sqlite", check_violation, False),
]
if backend() == "postgresql":
    CASES += [
        ("postgresql", unique_violation, True),
        ("postgresql", primary_key_violation, True),
        ("postgresql", postgres_deadlock, True),
        ("postgresql", postgres_serialization_failure, True),
        ("postgresql", foreign_key_violation, False),
        ("postgresql", not_null_violation, False),
        ("postgresql", check_violation, False),
        ("postgresql", postgres_statement_timeout, False),
        ("postgresql", postgres_connection_refused, False),
    ]


@pytest.fixture(scope="module")
def engines() -> Iterator[dict[str, Engine]]:
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="casedesk-races-"))
        found = {"sqlite": build_engine(f"sqlite:///{Path(folder) / 'races.db'}")}
        if backend() == "postgresql":
            found["postgresql"] = build_engine(stack.enter_context(throwaway_database()))
        yield found
        for engine in found.values():
            engine.dispose()


@pytest.mark.parametrize(
    ("database", "provoke", "lost"), CASES, ids=[f"{db}-{fn.__name__}" for db, fn, _ in CASES]
)
def test_only_errors_a_concurrent_transaction_caused_are_lost_races(
    engines: dict[str, Engine], database: str, provoke: Provoke, lost: bool
) -> None:
    assert lost_a_race(provoke(engines[database])) is lost


@pytest.mark.parametrize("error", [ValueError("not a database error"), None])
def test_errors_from_outside_the_database_are_not_lost_races(error: BaseException | None) -> None:
    assert lost_a_race(error) is False


def test_the_sqlite_engine_enforces_foreign_keys(engines: dict[str, Engine]) -> None:
    # Without the pragma SQLite ignores foreign keys, and such bugs would pass unseen there.
    with engines["sqlite"].connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
