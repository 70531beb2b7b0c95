"""case assignees by user: `assignee:` matches any assignee of a case

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

The search term `assignee:x` became `cases.id IN (SELECT case_id FROM case_assignees WHERE
user_id = x)`. With case_id in the index beside user_id, PostgreSQL answers the subquery from
the index alone; the index replaces the (user_id) one it extends.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_assignees_user_case", "case_assignees", ["user_id", "case_id"])
    op.drop_index("ix_case_assignees_user", table_name="case_assignees")


def downgrade() -> None:
    op.create_index("ix_case_assignees_user", "case_assignees", ["user_id"])
    op.drop_index("ix_case_assignees_user_case", table_name="case_assignees")
