"""The users a case's own fields name (its author, last modifier, opener, closer and
assignees), read with the case's row as one JSON column, so that a page of cases, or the
read-back of a change, needs no query of its users."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, ColumnElement, Label, func, literal_column, or_, select, type_coerce

from casedesk.adapters.db.cases.filter import any_of
from casedesk.adapters.db.rows import user_from_row
from casedesk.adapters.db.schema import cases as x
from casedesk.adapters.db.schema import core as t
from casedesk.domain.users import User

C = t.cases.c
NAMED_USERS_LABEL = "named_users"
_TIMES = frozenset({"created_at", "modified_at"})


@cache
def named_users(dialect: str) -> Label[Any]:
    """The column, for a query over `cases` on `dialect` (a JSON array of user objects)."""
    named = t.users.alias("named")
    ca = x.case_assignees.c
    fields = (C.created_by, C.modified_by, C.opened_by, C.closed_by)
    # Correlated two levels down, to the query over `cases` this column is part of.
    assigned = select(ca.user_id).where(ca.case_id == C.id).correlate(t.cases)
    pairs: list[ColumnElement[Any]] = []
    for column in named.c:
        pairs += [literal_column(f"'{column.name}'"), column]
    if dialect == "postgresql":
        users = func.json_agg(func.json_build_object(*pairs))
    else:
        users = func.json_group_array(func.json_object(*pairs))
    # Two index lookups on the users' key (`any_of`: `= ANY (ARRAY(…))` on PostgreSQL), not an
    # IN subquery, which inside an OR would be checked against every user.
    found = select(users).where(or_(named.c.id.in_(fields), any_of(named.c.id, assigned)))
    return type_coerce(found.scalar_subquery(), JSON).label(NAMED_USERS_LABEL)


def users_named(rows: Iterable[Mapping[Any, Any]]) -> dict[uuid.UUID, User]:
    """The users that rows read with `named_users` name, by id (none for rows without it)."""
    found: dict[uuid.UUID, User] = {}
    for row in rows:
        for named in row.get(NAMED_USERS_LABEL) or ():
            user_id = uuid.UUID(str(named["id"]))
            if user_id not in found:
                found[user_id] = user_from_row(_as_row(named, user_id))
    return found


def _as_row(named: Mapping[str, Any], user_id: uuid.UUID) -> dict[str, Any]:
    row = dict(named, id=user_id, disabled=bool(named["disabled"]))
    for name in _TIMES:
        row[name] = _time(named[name])
    return row


def _time(text: str | None) -> datetime | None:
    """JSON carries times as text: ISO 8601 with an offset from PostgreSQL, UTC without one
    from SQLite (as `types.UtcDateTime` stores them)."""
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
