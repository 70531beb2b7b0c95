"""co-assignees by user: `assignee:` matches any assignee of a case

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

`assignee:x` became `cases.assignee_id = x OR cases.id IN (the cases x is a further assignee
of)`. The first arm keeps the (assignee_id, status) index; the second reads this partial
index on the further assignees (position > 0, rare), from the index alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    further = sa.text("position > 0")
    op.create_index(
        "ix_case_assignees_further",
        "case_assignees",
        ["user_id", "case_id"],
        postgresql_where=further,
        sqlite_where=further,
    )


def downgrade() -> None:
    op.drop_index("ix_case_assignees_further", table_name="case_assignees")
