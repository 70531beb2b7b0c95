"""case attribute values

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_attributes",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("value_folded", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_attributes_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "key", "value", name=op.f("pk_case_attributes")),
    )
    op.create_index("ix_case_attributes_lookup", "case_attributes", ["key", "value_folded"])

    # Existing cases keep their attributes in cases.attributes; copy them into the lookup table.
    cases = sa.table("cases", sa.column("id", sa.Uuid), sa.column("attributes", sa.JSON))
    values = sa.table(
        "case_attributes",
        sa.column("case_id", sa.Uuid),
        sa.column("key", sa.String),
        sa.column("value", sa.String),
        sa.column("value_folded", sa.String),
    )
    connection = op.get_bind()
    rows = [
        {"case_id": case_id, "key": key, "value": value, "value_folded": value.lower()}
        for case_id, attributes in connection.execute(sa.select(cases.c.id, cases.c.attributes))
        for key, listed in (attributes or {}).items()
        for value in dict.fromkeys(listed)
    ]
    if rows:
        op.bulk_insert(values, rows)


def downgrade() -> None:
    op.drop_index("ix_case_attributes_lookup", table_name="case_attributes")
    op.drop_table("case_attributes")
