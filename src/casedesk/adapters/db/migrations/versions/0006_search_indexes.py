"""search indexes; joins the incidents and Tines branches

Revision ID: 0006
Revises: 0004, 0005
Create Date: 2026-11-25

Measured on 1,000,000 cases (bench/search_load.py): free text went from ~1.2 s to 8-40 ms,
`status:open priority:P1 project:X env:prod` sorted by priority from 870 ms to 39 ms,
`assignee:… status:open` from 69 ms to 14 ms, counts alike.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = ("0004", "0005")
branch_labels = None
depends_on = None

# Free text is `lower(column) LIKE '%term%'` on title, description and key: only trigram
# indexes let PostgreSQL answer it without reading every case. They need the pg_trgm
# extension (PostgreSQL contrib); where it is not installed, search still works, slower.
TRIGRAM_COLUMNS = ("title", "description", "key")


def upgrade() -> None:
    # `status:` and `priority:` filters, and counts grouped by them.
    op.create_index("ix_cases_status_priority", "cases", ["status", "priority"])
    # The priority sort (`priority_urgency, number`) without sorting a whole priority's rows.
    op.create_index("ix_cases_priority_number", "cases", ["priority_urgency", "number"])
    # "My open cases", answered and counted from the index; extends the assignee index.
    op.create_index("ix_cases_assignee_status", "cases", ["assignee_id", "status"])
    op.drop_index("ix_cases_assignee", table_name="cases")
    # `env:prod` answered from the index alone; extends the (key, value_folded) index.
    op.create_index(
        "ix_case_attributes_key_value_case", "case_attributes", ["key", "value_folded", "case_id"]
    )
    op.drop_index("ix_case_attributes_lookup", table_name="case_attributes")

    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and _trigram_available(bind):
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in TRIGRAM_COLUMNS:
            op.execute(
                f"CREATE INDEX ix_cases_{column}_trgm ON cases USING gin (lower({column}) gin_trgm_ops)"
            )


def _trigram_available(bind: sa.engine.Connection) -> bool:
    query = sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    return bind.execute(query).first() is not None


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in TRIGRAM_COLUMNS:
            op.execute(f"DROP INDEX IF EXISTS ix_cases_{column}_trgm")
    op.create_index("ix_case_attributes_lookup", "case_attributes", ["key", "value_folded"])
    op.drop_index("ix_case_attributes_key_value_case", table_name="case_attributes")
    op.create_index("ix_cases_assignee", "cases", ["assignee_id"])
    op.drop_index("ix_cases_assignee_status", table_name="cases")
    op.drop_index("ix_cases_priority_number", table_name="cases")
    op.drop_index("ix_cases_status_priority", table_name="cases")
