"""notification channels: destinations, Slack accounts, webhook custom variables

Revision ID: 0010b
Revises: 0009
Create Date: 2026-12-01

Webhooks, PagerDuty services, Slack channels and Teams Workflows handles are destinations
(kind, name, non-secret config, sealed secrets); Slack accounts hold their bot token sealed;
webhook custom variables hold their value sealed when secret.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010b"
down_revision = "0009"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "slack_accounts",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "destinations",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("account", sa.String(100), sa.ForeignKey("slack_accounts.name", ondelete="CASCADE")),
        sa.Column("config", JSON, nullable=False),
        sa.Column("secrets", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "name", name="uq_destinations_kind_name"),
    )
    op.create_index("ix_destinations_account", "destinations", ["account"])
    op.create_table(
        "webhook_variables",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("is_secret", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("webhook_variables")
    op.drop_index("ix_destinations_account", table_name="destinations")
    op.drop_table("destinations")
    op.drop_table("slack_accounts")
