"""timeline: tag changes stored inside `case.attributes_changed` become tag events

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Datadog's UpdateAttributes used to record a change of the `tags` attribute inside
`case.attributes_changed`, while Tines recorded `case.tags_added` / `case.tags_removed`. Tags
now change only through `Case.set_tags`, whichever dialect sends them, and
`case.attributes_changed` describes the other attributes. This rewrites the old rows into the
events the aggregate records today, so every reader has one vocabulary. A rewritten row keeps
its place (its `seq` is also a Tines activity id); when one old change becomes two or three
events, the others are added at the same time, after the existing rows. Outbox rows stay as
they were: they are deliveries already made or queued, not history.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TAGS = "tags"

timeline = sa.table(
    "timeline_events",
    sa.column("seq", AUTO_ID),
    sa.column("id", sa.Uuid()),
    sa.column("subject_type", sa.String()),
    sa.column("subject_id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("actor_id", sa.Uuid()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("data", JSON),
)


def split(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]] | None:
    """The events an old `case.attributes_changed` stands for today, in the order the
    aggregate records them; None when it holds no tags and stays as it is."""
    old, new = dict(data.get("old") or {}), dict(data.get("new") or {})
    if TAGS not in old and TAGS not in new:
        return None
    old_tags, new_tags = old.pop(TAGS, []), new.pop(TAGS, [])
    events: list[tuple[str, dict[str, Any]]] = []
    removed = [t for t in old_tags if t not in new_tags]
    added = [t for t in new_tags if t not in old_tags]
    if removed:
        events.append(("case.tags_removed", {"tags": removed}))
    if added:
        events.append(("case.tags_added", {"tags": added}))
    if old != new or not events:
        events.append(("case.attributes_changed", {"old": old, "new": new}))
    return events


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(timeline).where(timeline.c.kind == "case.attributes_changed").order_by(timeline.c.seq)
    ).mappings()
    for row in list(rows):
        events = split(row["data"] or {})
        if events is None:
            continue
        (kind, data), *more = events
        conn.execute(timeline.update().where(timeline.c.seq == row["seq"]).values(kind=kind, data=data))
        for kind, data in more:
            conn.execute(
                timeline.insert().values(
                    id=uuid.uuid4(),
                    subject_type=row["subject_type"],
                    subject_id=row["subject_id"],
                    kind=kind,
                    actor_id=row["actor_id"],
                    created_at=row["created_at"],
                    data=data,
                )
            )


def downgrade() -> None:
    # The tag events are valid events for the older code too (Tines' feed read them); the
    # split is kept.
    pass
