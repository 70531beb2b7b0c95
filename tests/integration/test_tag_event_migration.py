"""Migration 0008: tag changes that older code stored inside `case.attributes_changed` are
rewritten into the tag events every dialect records today, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from alembic import command
from sqlalchemy import insert, select

from casedesk.adapters.db.engine import build_engine
from casedesk.adapters.db.migrate import alembic_config, upgrade_to_head
from casedesk.adapters.db.schema import core as t
from tests.support import throwaway_database

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def old_row(subject: uuid.UUID, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": uuid.uuid4(), "subject_type": "case", "subject_id": subject, "kind": kind,
            "actor_id": None, "created_at": AT, "data": data}  # fmt: skip


def test_tag_changes_inside_attribute_changes_become_tag_events() -> None:
    case = uuid.uuid4()
    stored = [
        old_row(case, "case.attributes_changed", {"old": {}, "new": {"env": ["prod"]}}),
        old_row(case, "case.attributes_changed",
                {"old": {"env": ["prod"]}, "new": {"env": ["prod"], "tags": ["a"]}}),
        old_row(case, "case.commented", {"message": "hi"}),
        old_row(case, "case.attributes_changed",
                {"old": {"env": ["prod"], "tags": ["a"]}, "new": {"env": ["dev"], "tags": ["b"]}}),
    ]  # fmt: skip
    with throwaway_database() as url:
        engine = build_engine(url)
        try:
            command.upgrade(alembic_config(engine), "0006")
            tl = t.timeline_events
            with engine.begin() as conn:
                conn.execute(insert(tl), stored)
                before = conn.execute(select(tl.c.id, tl.c.seq).where(tl.c.subject_id == case)).all()
            upgrade_to_head(engine)
            with engine.connect() as conn:
                rows = conn.execute(
                    select(tl.c.id, tl.c.seq, tl.c.kind, tl.c.data)
                    .where(tl.c.subject_id == case)
                    .order_by(tl.c.seq)
                ).all()
        finally:
            engine.dispose()
    assert [(kind, data) for _, _, kind, data in rows] == [
        ("case.attributes_changed", {"old": {}, "new": {"env": ["prod"]}}),
        ("case.tags_added", {"tags": ["a"]}),
        ("case.commented", {"message": "hi"}),
        ("case.tags_removed", {"tags": ["a"]}),
        # The rest of the one old change, added after the rows that were there.
        ("case.tags_added", {"tags": ["b"]}),
        ("case.attributes_changed", {"old": {"env": ["prod"]}, "new": {"env": ["dev"]}}),
    ]
    # Rewritten rows keep their id and place: their sequence numbers are Tines activity ids.
    assert [(row_id, seq) for row_id, seq, _, _ in rows[:4]] == sorted(before, key=lambda r: r[1])
