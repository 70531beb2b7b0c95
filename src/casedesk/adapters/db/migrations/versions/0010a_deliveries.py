"""the delivery ledger: deliveries, their attempts, and the threads destinations keep

Revision ID: 0010a
Revises: 0009
Create Date: 2026-12-01

One row per notice and destination (`deliveries`, unique per event and destination so a
re-planned event creates nothing twice), every attempt at it (`delivery_attempts`), and the
vendor references of each destination's thread about one subject (`delivery_threads`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010a"
down_revision = "0009"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("outbox_seq", sa.BigInteger(), nullable=False),
        sa.Column("event_kind", sa.String(64), nullable=False),
        sa.Column("subject_type", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("subject_ref", sa.String(64)),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(320), nullable=False),
        sa.Column("destination_key", sa.String(340), nullable=False),
        sa.Column("notice", JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("retry_base", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", WHEN),
        sa.Column("next_trigger", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.String(200)),
        sa.Column("claimed_until", WHEN),
        sa.Column("last_result", sa.String(16)),
        sa.Column("last_status", sa.Integer()),
        sa.Column("last_error", sa.String(200)),
        sa.Column("suppressed_by", sa.String(200)),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("delivered_at", WHEN),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint("event_id", "destination_key", name="uq_deliveries_event_destination"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["state", "next_attempt_at"])
    op.create_index("ix_deliveries_ordering", "deliveries", ["destination_key", "subject_id", "outbox_seq"])
    op.create_index("ix_deliveries_subject", "deliveries", ["subject_id", "created_at"])
    op.create_index("ix_deliveries_created", "deliveries", ["created_at"])
    op.create_table(
        "delivery_attempts",
        sa.Column("id", AUTO_ID, primary_key=True, autoincrement=True),
        sa.Column(
            "delivery_id",
            sa.String(40),
            sa.ForeignKey(
                "deliveries.id", ondelete="CASCADE", name="fk_delivery_attempts_delivery_id_deliveries"
            ),
            nullable=False,
        ),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("status", sa.Integer()),
        sa.Column("error", sa.String(200)),
        sa.Column("snippet", sa.Text(), nullable=False),
        sa.Column("next_attempt_at", WHEN),
        sa.PrimaryKeyConstraint("id", name="pk_delivery_attempts"),
    )
    op.create_index("ix_delivery_attempts_delivery", "delivery_attempts", ["delivery_id", "attempt"])
    op.create_table(
        "delivery_threads",
        sa.Column("destination_key", sa.String(340), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("refs", JSON, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("destination_key", "subject_id", name="pk_delivery_threads"),
    )


def downgrade() -> None:
    op.drop_table("delivery_threads")
    op.drop_index("ix_delivery_attempts_delivery", table_name="delivery_attempts")
    op.drop_table("delivery_attempts")
    for name in (
        "ix_deliveries_created",
        "ix_deliveries_subject",
        "ix_deliveries_ordering",
        "ix_deliveries_due",
    ):
        op.drop_index(name, table_name="deliveries")
    op.drop_table("deliveries")
