"""Lookups the read side and the write side share: users by id, and the id of the case a
reference names (by UUID, key, old key or number)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import Connection, select

from casedesk.adapters.db.repositories import case_ref_clause
from casedesk.adapters.db.rows import user_from_row
from casedesk.adapters.db.schema import core as t
from casedesk.domain.errors import NotFound
from casedesk.domain.ids import CaseRef
from casedesk.domain.users import User


def load_users(conn: Connection, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, User]:
    """The users with these ids, by id (None and unknown ids are skipped)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = conn.execute(select(t.users).where(t.users.c.id.in_(wanted))).mappings()
    return {r["id"]: user_from_row(r) for r in rows}


def case_id_of(conn: Connection, ref: CaseRef) -> uuid.UUID:
    """Raises NotFound for a reference that names no case."""
    query = select(t.cases.c.id).where(case_ref_clause(ref))
    found: uuid.UUID | None = conn.execute(query).scalar_one_or_none()
    if found is None:
        raise NotFound("case", ref)
    return found
