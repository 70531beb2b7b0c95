"""the outbox's pending rows indexed in the order they are claimed

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

A claim takes the oldest pending rows by `seq`. The index on (state, available_at, seq)
cannot give them in that order, so PostgreSQL walked the primary key instead and filtered
out every row already processed: with 90,000 processed rows ahead of the pending ones a
claim took about 100 ms, growing with the outbox's history. A partial index over the
pending rows' `seq` keeps a claim proportional to what it takes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PENDING = sa.text("state = 'pending'")


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_index("ix_outbox_pending")
        batch_op.create_index(
            "ix_outbox_pending", ["seq"], unique=False, postgresql_where=PENDING, sqlite_where=PENDING
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_index("ix_outbox_pending")
        batch_op.create_index("ix_outbox_pending", ["state", "available_at", "seq"], unique=False)
