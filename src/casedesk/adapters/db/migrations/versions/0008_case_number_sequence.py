"""case numbers from a sequence on PostgreSQL

Revision ID: 0008_case_number_sequence
Revises: 0007
Create Date: 2027-01-11

The global case number (Tines' `case_id`) came from the `case_number` row of `counters`, bumped
with `UPDATE … RETURNING`: every case creation in every project queued on that one row lock
until its transaction committed. On PostgreSQL it now comes from a sequence, which hands out
values without a lock (a rolled-back creation leaves a gap; numbers stay unique and increase).
The sequence starts after the highest number given so far and the row is removed, so there is
one source of the number. SQLite, which serialises writers anyway, keeps the row.
"""

from __future__ import annotations

from alembic import op

revision = "0008_case_number_sequence"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE SEQUENCE case_number_seq AS bigint")
    # setval(…, n + 1, false): the next nextval() answers n + 1.
    op.execute(
        "SELECT setval('case_number_seq', 1 + GREATEST("
        "(SELECT coalesce(max(value), 0) FROM counters WHERE name = 'case_number'),"
        "(SELECT coalesce(max(number), 0) FROM cases)), false)"
    )
    op.execute("DELETE FROM counters WHERE name = 'case_number'")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "INSERT INTO counters (name, value) SELECT 'case_number', "
        "CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM case_number_seq"
    )
    op.execute("DROP SEQUENCE case_number_seq")
