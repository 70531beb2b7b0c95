"""Case numbers: the global number (Tines' `case_id`) and the number within the project (the
N of the key `KEY-N`).

The project's number is gapless, as people reading keys expect: it is bumped in the project's
row, whose lock then queues every other creation in that project until this transaction ends,
so a rolled-back creation gives its number back. That lock is what bounds the rate of creation
in one project, so it is taken by the creation's last statements (the handler draws the numbers
after every lookup, and only the case's rows are written after it).

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

from sqlalchemy import Connection, Update, bindparam, select, text, update

from casedesk.adapters.db.schema import core as t

P = t.projects


def draw(conn: Connection, project_id: uuid.UUID) -> tuple[int, int]:
    """(the next global case number, the next number in the project)."""
    project = {"project_id": project_id}
    if conn.dialect.name == "postgresql":
        row = conn.execute(_draw_both(), project).one()
        return int(row[0]), int(row[1])
    number = _bump_counter(conn, 1)
    in_project = conn.execute(_bump_project(), project).scalar_one()
    return number, int(in_project)


# Built once (every creation runs them): a reused statement keeps its SQLAlchemy cache key.
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
