"""Lookups the read side and the write side share: users by id, and the id of the case a
reference names (by UUID, key, old key or number)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import Connection, RowMapping, Select, bindparam, select

from casedesk.adapters.db.access import visible_cases
from casedesk.adapters.db.repositories import case_ref_clause
from casedesk.adapters.db.rows import user_from_row
from casedesk.adapters.db.schema import core as t
from casedesk.domain.errors import NotFound
from casedesk.domain.ids import CaseRef
from casedesk.domain.users import User
from casedesk.services.ports.access import Visibility


def load_users(conn: Connection, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, User]:
    """The users with these ids, by id (None and unknown ids are skipped)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = conn.execute(_users_by_id(), {"ids": list(wanted)}).mappings()
    return {r["id"]: user_from_row(r) for r in rows}


@cache
def _users_by_id() -> Select[Any]:
    # Built once, like every statement on the request path: a reused statement keeps its
    # cache key, which SQLAlchemy otherwise works out again at every execution.
    return select(t.users).where(t.users.c.id.in_(bindparam("ids", expanding=True)))


def case_id_of(conn: Connection, ref: CaseRef, visibility: Visibility) -> uuid.UUID:
    """Raises NotFound for a reference that names no case the caller may see."""
    query = select(t.cases.c.id).where(case_ref_clause(ref), visible_cases(conn, visibility))
    found: uuid.UUID | None = conn.execute(query).scalar_one_or_none()
    if found is None:
        raise NotFound("case", ref)
    return found


def author_and_submitter(row: RowMapping) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """A timeline row's author as shown (whom it was made for, or who made it) and, when the
    actor acted on someone's behalf, the actor."""
    on_behalf_of, actor = row["on_behalf_of_id"], row["actor_id"]
    if on_behalf_of is not None:
        return on_behalf_of, actor
    return actor, None
