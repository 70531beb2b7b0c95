"""Helpers for integration tests: counting what a command wrote, and reading it back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, Table, event, func, select

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope

COUNTED = (
    t.users,
    t.api_keys,
    t.app_keys,
    t.projects,
    t.project_members,
    t.project_favorites,
    t.cases,
    t.case_attributes,
    t.timeline_events,
    t.outbox,
)


def new_key() -> str:
    return "K" + uuid.uuid4().hex[:8].upper()


def snapshot(db: Container) -> dict[str, int]:
    """Row counts of every table a command may write, plus the numbering counters."""
    with db.engine.connect() as conn:
        counts = {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in COUNTED
        }
        counts["case_number"] = conn.execute(
            select(t.counters.c.value).where(t.counters.c.name == "case_number")
        ).scalar_one()
        counts["project_case_numbers"] = conn.execute(
            select(func.coalesce(func.sum(t.projects.c.last_case_number), 0))
        ).scalar_one()
    return {name: int(value) for name, value in counts.items()}


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Only what changed, so a test states exactly which rows a command wrote."""
    return {name: after[name] - before[name] for name in before if after[name] != before[name]}


def events(db: Container, table: Table, subject_id: uuid.UUID | None = None) -> list[RowMapping]:
    """The rows of `t.timeline_events` or `t.outbox`, in the order they were written; of one
    subject when `subject_id` is given."""
    query = select(table).order_by(table.c.seq)
    if subject_id is not None:
        query = query.where(table.c.subject_id == subject_id)
    with db.engine.connect() as conn:
        return list(conn.execute(query).mappings())


def kinds(rows: list[RowMapping]) -> list[str]:
    return [str(row["kind"]) for row in rows]


def rows(db: Container, table: Table, *columns: str) -> list[tuple[Any, ...]]:
    """`columns` of every row of `table`, sorted, for comparing a table with what it should hold."""
    with db.engine.connect() as conn:
        found = conn.execute(select(*(table.c[name] for name in columns)))
        return sorted(tuple(row) for row in found)


class Transactions:
    """Counts the transactions the engine begins and commits while it is entered (the engine's
    own events), so that a test can say a command committed once, or never reached the database."""

    def __init__(self, db: Container) -> None:
        self.engine = db.engine
        self.begun = 0
        self.committed = 0

    def _begin(self, _conn: Connection) -> None:
        self.begun += 1

    def _commit(self, _conn: Connection) -> None:
        self.committed += 1

    def __enter__(self) -> Transactions:
        event.listen(self.engine, "begin", self._begin)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "begin", self._begin)
        event.remove(self.engine, "commit", self._commit)


# The clock of the services tier's bus (tests/integration/services/conftest.py), so that tests
# can state the times a command stamps.
NOW = datetime(2030, 6, 1, 9, 30, tzinfo=UTC)


def principal(user_id: uuid.UUID, *scopes: Scope, email: str = "someone@example.com") -> Principal:
    return Principal(user_id=user_id, email=email, scopes=frozenset(scopes))
