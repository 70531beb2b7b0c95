"""Case numbers: the global number (Tines' `case_id`) and the number within the project (the
N of the key `KEY-N`).

The project's number is gapless, as people reading keys expect: it is bumped in the project's
row, whose lock then queues every other creation in that project until this transaction ends,
so a rolled-back creation gives its number back. That lock is what bounds the rate of creation
in one project, so it is taken as late as possible: `insert_case` draws the numbers in the
statement that inserts the case, on commit, after every lookup and all of the handler's work;
only the case's side rows (if any), its events and the COMMIT follow it.

The global number needs to be unique and to grow, not to be gapless. On PostgreSQL it comes
from a sequence, which takes no lock that lasts until the commit, so creations in different
projects never queue on each other; it is drawn in the same statement as the project's number,
under the project's lock, so within a project numbers grow in the order of the keys. A
creation that rolls back after drawing leaves a gap in the global numbers. SQLite, which
serialises writers anyway, bumps a row of `counters` (one writer at a time, and no gaps).
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Insert,
    String,
    Update,
    bindparam,
    cast,
    insert,
    select,
    text,
    update,
)

from casedesk.adapters.db.schema import core as t

P = t.projects
C = t.cases
# The case's key, as `Project.case_key` makes it, from the project's row as it is bumped.
DRAWN_KEY: ColumnElement[str] = P.c.key + "-" + cast(P.c.last_case_number, String)
# The columns of a case that `insert_case` takes from the project's bumped row.
DRAWN = frozenset({"number", "key", "project_id"})


def draw(conn: Connection, project_id: uuid.UUID) -> tuple[int, int]:
    """(the next global case number, the next number in the project)."""
    project = {"project_id": project_id}
    if conn.dialect.name == "postgresql":
        row = conn.execute(_draw_both(), project).one()
        return int(row[0]), int(row[1])
    number = _bump_counter(conn, 1)
    in_project = conn.execute(_bump_project(), project).scalar_one()
    return number, int(in_project)


def drawn_row_params(row: dict[str, Any]) -> dict[str, Any]:
    """`insert_drawn()`'s parameters for the case `row` (`rows.case_to_row`)."""
    # Bound as `c_<column>`: parameters named as the table's columns would be taken for
    # the insert's own VALUES.
    params = {f"c_{name}": value for name, value in row.items() if name not in DRAWN}
    return {**params, "drawn_project_id": row["project_id"]}


def insert_case(conn: Connection, row: dict[str, Any]) -> tuple[int, str]:
    """Inserts the case `row` (`rows.case_to_row`) with its numbers drawn now, and answers
    (its global number, its key); the row's own `number` and `key` are ignored. On PostgreSQL
    one statement draws both numbers and inserts the case (the project's bump as a CTE of
    the insert), so the lock is taken by the statement that writes the case."""
    if conn.dialect.name == "postgresql":
        drawn = conn.execute(insert_drawn(), drawn_row_params(row)).one()
        return int(drawn.number), str(drawn.key)
    number = _bump_counter(conn, 1)
    key = conn.execute(_bump_project_key(), {"project_id": row["project_id"]}).scalar_one()
    conn.execute(insert(C), {**row, "number": number, "key": key})
    return number, str(key)


# Built once (every creation runs them): a reused statement keeps its SQLAlchemy cache key.
@cache
def insert_drawn(*, whole_row: bool = False) -> Insert:
    """`WITH drawn AS (UPDATE projects … RETURNING id, nextval(…), key) INSERT INTO cases …
    SELECT … FROM drawn RETURNING number, key` (every column with `whole_row`), each other
    column bound as `c_<column>`."""
    drawn = (
        update(P)
        .where(P.c.id == bindparam("drawn_project_id"))
        .values(last_case_number=P.c.last_case_number + 1)
        .returning(
            P.c.id.label("project_id"),
            t.case_number_seq.next_value().label("number"),
            DRAWN_KEY.label("key"),
        )
        .cte("drawn")
    )
    values = [
        drawn.c[column.name] if column.name in DRAWN else bindparam(f"c_{column.name}", type_=column.type)
        for column in C.c
    ]
    rows = select(*values).select_from(drawn)
    returned = tuple(C.c) if whole_row else (C.c.number, C.c.key)
    return insert(C).from_select([column.name for column in C.c], rows).returning(*returned)


@cache
def _bump_project_key() -> Update:
    bump = update(P).where(P.c.id == bindparam("project_id"))
    return bump.values(last_case_number=P.c.last_case_number + 1).returning(DRAWN_KEY)


@cache
def _bump_project() -> Update:
    bump = update(P).where(P.c.id == bindparam("project_id"))
    return bump.values(last_case_number=P.c.last_case_number + 1).returning(P.c.last_case_number)


@cache
def _draw_both() -> Update:
    bump = update(P).where(P.c.id == bindparam("project_id"))
    bump = bump.values(last_case_number=P.c.last_case_number + 1)
    return bump.returning(t.case_number_seq.next_value(), P.c.last_case_number)


def reserve(conn: Connection, count: int) -> int:
    """Takes `count` consecutive global numbers and answers the first, for loading cases in
    bulk (bench/). On PostgreSQL the block is consecutive only if no case is created
    meanwhile."""
    if conn.dialect.name == "postgresql":
        last = conn.execute(
            text("SELECT setval('case_number_seq', nextval('case_number_seq') + :more)"), {"more": count - 1}
        ).scalar_one()
        return int(last) - count + 1
    return _bump_counter(conn, count) - count + 1


def last_drawn(conn: Connection) -> int:
    """The highest global number handed out so far (0 before the first)."""
    if conn.dialect.name == "postgresql":
        row = conn.execute(text("SELECT last_value, is_called FROM case_number_seq")).one()
        return int(row.last_value) if row.is_called else int(row.last_value) - 1
    value = conn.execute(select(t.counters.c.value).where(t.counters.c.name == "case_number")).scalar_one()
    return int(value)


def _bump_counter(conn: Connection, by: int) -> int:
    value = conn.execute(
        update(t.counters)
        .where(t.counters.c.name == "case_number")
        .values(value=t.counters.c.value + by)
        .returning(t.counters.c.value)
    ).scalar_one_or_none()
    if value is None:
        raise RuntimeError("counter 'case_number' is missing; run `casedesk migrate`")
    return int(value)
