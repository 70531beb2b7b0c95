"""Helpers for integration tests: counting what a command wrote."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from casedesk.adapters.db import case_numbers
from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container

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
        counts["case_number"] = case_numbers.last_drawn(conn)
        counts["project_case_numbers"] = conn.execute(
            select(func.coalesce(func.sum(t.projects.c.last_case_number), 0))
        ).scalar_one()
    return {name: int(value) for name, value in counts.items()}


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Only what changed, so a test states exactly which rows a command wrote."""
    return {name: after[name] - before[name] for name in before if after[name] != before[name]}
