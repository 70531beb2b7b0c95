"""The rows a case keeps beside its own: attribute values, custom values, insights, and its
ordered assignees and records.

Attribute and custom values are copies made for search (the case row holds the maps that
are read); insights, the assignees after the primary and the records live only here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, delete, insert, select

from casedesk.adapters.db.rows import insight_from_row
from casedesk.adapters.db.schema import cases as x
from casedesk.adapters.db.schema import core as t
from casedesk.domain.cases.case import Case
from casedesk.domain.cases.values import Insight


def write_attributes(conn: Connection, case: Case) -> None:
    conn.execute(delete(t.case_attributes).where(t.case_attributes.c.case_id == case.id))
    rows = [
        {"case_id": case.id, "key": key, "value": value, "value_folded": value.lower()}
        for key, values in case.attributes.items()
        for value in values
    ]
    if rows:
        conn.execute(insert(t.case_attributes), rows)


def custom_value_rows(case_id: uuid.UUID, custom_attributes: dict[str, Any]) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for key, stored in custom_attributes.items():
        value = stored.get("value") if isinstance(stored, dict) else None
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            number = float(item) if isinstance(item, int | float) and not isinstance(item, bool) else None
            text = _number_text(number) if number is not None else str(item)
            rows[(key, text)] = {
                "case_id": case_id,
                "key": key,
                "value": text,
                "value_folded": text.lower(),
                "value_number": number,
            }
    return list(rows.values())


def _number_text(number: float) -> str:
    """`3.0` searches as `3`: numbers are matched by the text a person would type."""
    return str(int(number)) if number.is_integer() else repr(number)


def write_custom_values(conn: Connection, case: Case) -> None:
    conn.execute(delete(t.case_custom_values).where(t.case_custom_values.c.case_id == case.id))
    rows = custom_value_rows(case.id, case.custom_attributes)
    if rows:
        conn.execute(insert(t.case_custom_values), rows)


def write_insights(conn: Connection, case: Case, fallback_time: datetime) -> None:
    conn.execute(delete(t.case_insights).where(t.case_insights.c.case_id == case.id))
    rows = [
        {
            "case_id": case.id,
            "type": i.type.value,
            "resource_id": i.resource_id,
            "ref": i.ref,
            "created_at": i.added_at or fallback_time,
        }
        for i in case.insights
    ]
    if rows:
        conn.execute(insert(t.case_insights), rows)


def load_insights(conn: Connection, case_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Insight]]:
    wanted = list(set(case_ids))
    found: dict[uuid.UUID, list[Insight]] = {}
    if not wanted:
        return found
    rows = conn.execute(_insights_of(), {"case_ids": wanted}).mappings()
    for row in rows:
        found.setdefault(row["case_id"], []).append(insight_from_row(row))
    return found


@cache
def _insights_of() -> Select[Any]:
    ci = t.case_insights
    return (
        select(ci)
        .where(ci.c.case_id.in_(bindparam("case_ids", expanding=True)))
        .order_by(ci.c.created_at, ci.c.type, ci.c.resource_id)
    )


AssigneesAndRecords = tuple[tuple[uuid.UUID, ...], tuple[int, ...]]
NO_ASSIGNEES_OR_RECORDS: AssigneesAndRecords = ((), ())


def assignees_and_records(case: Case) -> AssigneesAndRecords:
    return tuple(case.assignee_ids), tuple(case.record_ids)


def load_assignees_and_records(conn: Connection, cases: Iterable[Case]) -> None:
    """Fills in the assignees (after the primary, which the case row holds) and record ids."""
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
        primary = case.assignee_ids[:1]
        case.assignee_ids = primary + [u for u in assignees.get(case_id, []) if u not in primary]
        case.record_ids = records.get(case_id, [])


def write_assignees_and_records(conn: Connection, case: Case) -> None:
    ca, cr = x.case_assignees, x.case_records
    conn.execute(delete(ca).where(ca.c.case_id == case.id))
    conn.execute(delete(cr).where(cr.c.case_id == case.id))
    assignees = [{"case_id": case.id, "user_id": u, "position": i} for i, u in enumerate(case.assignee_ids)]
    if assignees:
        conn.execute(insert(ca), assignees)
    records = [{"case_id": case.id, "record_id": r, "position": i} for i, r in enumerate(case.record_ids)]
    if records:
        conn.execute(insert(cr), records)
