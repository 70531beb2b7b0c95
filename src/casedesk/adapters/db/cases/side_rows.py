"""Rows for the parts of a case beyond Datadog's model: its extra columns, and the side
tables of its assignees and records (see `domain.case_extras`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, insert, select

from casedesk.adapters.db.schema import cases as x
from casedesk.domain.cases.case import Case
from casedesk.domain.cases.mixin import ClosureCondition

NO_PARTS: tuple[tuple[uuid.UUID, ...], tuple[int, ...]] = ((), ())


def case_extras_from_row(row: RowMapping) -> dict[str, Any]:
    return {
        "metadata": dict(row["metadata"] or {}),
        "closure_conditions": [
            ClosureCondition(c["name"], c["formula"]) for c in row["closure_conditions"] or []
        ],
        "opened_at": row["opened_at"],
        "opened_by": row["opened_by"],
        "closed_by": row["closed_by"],
    }


def case_extras_to_row(case: Case) -> dict[str, Any]:
    return {
        "metadata": case.metadata,
        "closure_conditions": [c.as_data() for c in case.closure_conditions],
        "opened_at": case.opened_at,
        "opened_by": case.opened_by,
        "closed_by": case.closed_by,
    }


def parts_snapshot(case: Case) -> tuple[tuple[uuid.UUID, ...], tuple[int, ...]]:
    return tuple(case.assignee_ids), tuple(case.record_ids)


def load_case_parts(conn: Connection, cases: Iterable[Case]) -> None:
    """Fills in the co-assignees and record ids of `cases`."""
    by_id = {case.id: case for case in cases}
    if not by_id:
        return
    ca, cr = x.case_assignees, x.case_records
    assignees: dict[uuid.UUID, list[uuid.UUID]] = {}
    rows = conn.execute(
        select(ca.c.case_id, ca.c.user_id)
        .where(ca.c.case_id.in_(by_id))
        .order_by(ca.c.case_id, ca.c.position)
    )
    for case_id, user_id in rows:
        assignees.setdefault(case_id, []).append(user_id)
    records: dict[uuid.UUID, list[int]] = {}
    rows = conn.execute(
        select(cr.c.case_id, cr.c.record_id)
        .where(cr.c.case_id.in_(by_id))
        .order_by(cr.c.case_id, cr.c.position)
    )
    for case_id, record_id in rows:
        records.setdefault(case_id, []).append(int(record_id))
    for case_id, case in by_id.items():
        case.co_assignee_ids = [u for u in assignees.get(case_id, []) if u != case.assignee_id]
        case.record_ids = records.get(case_id, [])


def write_case_parts(conn: Connection, case: Case) -> None:
    ca, cr = x.case_assignees, x.case_records
    conn.execute(delete(ca).where(ca.c.case_id == case.id))
    conn.execute(delete(cr).where(cr.c.case_id == case.id))
    assignees = [{"case_id": case.id, "user_id": u, "position": i} for i, u in enumerate(case.assignee_ids)]
    if assignees:
        conn.execute(insert(ca), assignees)
    records = [{"case_id": case.id, "record_id": r, "position": i} for i, r in enumerate(case.record_ids)]
    if records:
        conn.execute(insert(cr), records)
