"""Visibility as SQL: the predicate a `Visibility` adds to a query over cases or projects,
and the lookup it is built from. What is visible is decided in `services/access.py`."""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Select, bindparam, exists, select, true

from casedesk.adapters.db.schema import core as t
from casedesk.services.ports.access import Visibility


def hidden(conn: Connection, visibility: Visibility) -> frozenset[uuid.UUID]:
    """The projects `visibility` hides (looked up on `conn` the first time it is asked)."""
    return visibility.hidden(lambda user_id: hidden_projects(conn, user_id))


def visible(
    conn: Connection, column: ColumnElement[uuid.UUID], visibility: Visibility
) -> ColumnElement[bool]:
    """`column` (a project id) names a project the caller may see. Nothing is hidden in the
    common case, and then the condition is TRUE, which SQLAlchemy leaves out of the query."""
    return outside(column, hidden(conn, visibility))


def outside(column: ColumnElement[uuid.UUID], hidden_ids: frozenset[uuid.UUID]) -> ColumnElement[bool]:
    """`column` names none of the projects `hidden_ids`: TRUE when there are none."""
    return column.not_in(sorted(hidden_ids)) if hidden_ids else true()


def visible_cases(conn: Connection, visibility: Visibility) -> ColumnElement[bool]:
    return visible(conn, t.cases.c.project_id, visibility)


S = TypeVar("S", bound=Select[Any])


def restricted(conn: Connection, query: S, column: ColumnElement[uuid.UUID], visibility: Visibility) -> S:
    """`query` (a statement built once) limited to the projects `visibility` lets the caller
    see: the statement itself when nothing is hidden, so that it keeps its cache key."""
    ids = hidden(conn, visibility)
    return query.where(outside(column, ids)) if ids else query


def hidden_projects(conn: Connection, user_id: uuid.UUID) -> frozenset[uuid.UUID]:
    return frozenset(conn.execute(_hidden_projects(), {"user_id": user_id}).scalars())


@cache
def _hidden_projects() -> Select[Any]:
    p, m = t.projects.c, t.project_members.c
    member = exists().where(m.project_id == p.id, m.user_id == bindparam("user_id"))
    return select(p.id).where(p.restricted, ~member)


class VisibilityLimit:
    """The visibility one unit of work applies to what its repositories load, set once the
    caller is known (`UnitOfWork.limit_to`). Loading before then is a programming error, so a
    path that forgot to say who is asking fails instead of showing everything."""

    def __init__(self) -> None:
        self._visibility: Visibility | None = None

    def set(self, visibility: Visibility) -> None:
        self._visibility = visibility

    @property
    def visibility(self) -> Visibility:
        if self._visibility is None:
            raise RuntimeError("the unit of work was not told what its caller may see (limit_to)")
        return self._visibility
