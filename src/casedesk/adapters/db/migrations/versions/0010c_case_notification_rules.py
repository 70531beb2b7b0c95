"""case notification rules

Revision ID: 0010c
Revises: 0009
Create Date: 2026-12-01

A project's case notification rules: which changes to which cases notify whom. Each rule is
one row holding its document (triggers, recipients, query, is_enabled).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010c"
down_revision = "0009"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "case_notification_rules",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("project_id", sa.Uuid(), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("created_by", sa.Uuid(), sa.ForeignKey("users.id")),
        sa.Column("modified_by", sa.Uuid(), sa.ForeignKey("users.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "ix_case_notification_rules_project", "case_notification_rules", ["project_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_case_notification_rules_project", table_name="case_notification_rules")
    op.drop_table("case_notification_rules")
