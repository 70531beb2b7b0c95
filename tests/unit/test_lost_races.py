"""Which database errors mean "a concurrent transaction won; retry" (a 409, not a 500)."""

from __future__ import annotations

import sqlite3

import psycopg.errors
import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from casedesk.adapters.db.unit_of_work import lost_a_race


@pytest.mark.parametrize(
    ("error", "lost"),
    [
        (IntegrityError("INSERT", {}, psycopg.errors.UniqueViolation("duplicate key")), True),
        (OperationalError("UPDATE", {}, psycopg.errors.DeadlockDetected("deadlock detected")), True),
        (OperationalError("UPDATE", {}, psycopg.errors.SerializationFailure("could not serialize")), True),
        (OperationalError("BEGIN", {}, sqlite3.OperationalError("database is locked")), True),
        (OperationalError("SELECT", {}, psycopg.errors.QueryCanceled("statement timeout")), False),
        (OperationalError("CONNECT", {}, psycopg.OperationalError("connection refused")), False),
        (ValueError("not a database error"), False),
        (None, False),
    ],
)
def test_lost_races_are_recognised(error: BaseException | None, lost: bool) -> None:
    assert lost_a_race(error) is lost
