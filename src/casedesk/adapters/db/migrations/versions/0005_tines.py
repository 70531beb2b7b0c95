"""tines: integer team and user numbers, case metadata, closure conditions, several
assignees, records, buttons, comment reactions, content-addressed files

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    _numbers()
    for name, type_ in (
        ("metadata", JSON),
        ("closure_conditions", JSON),
        ("opened_at", sa.DateTime(timezone=True)),
        ("opened_by", sa.Uuid()),
        ("closed_by", sa.Uuid()),
    ):
        op.add_column("cases", sa.Column(name, type_, nullable=True))

    op.create_table(
        "case_assignees",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_assignees_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_case_assignees_user_id_users")),
        sa.PrimaryKeyConstraint("case_id", "user_id", name=op.f("pk_case_assignees")),
    )
    op.create_index("ix_case_assignees_user", "case_assignees", ["user_id"], unique=False)
    op.execute(
        "INSERT INTO case_assignees (case_id, user_id, position) "
        "SELECT id, assignee_id, 0 FROM cases WHERE assignee_id IS NOT NULL"
    )

    op.create_table(
        "records",
        sa.Column("id", AUTO_ID, autoincrement=True, nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_records_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records")),
    )
    op.create_table(
        "record_results",
        sa.Column("id", AUTO_ID, autoincrement=True, nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("value", JSON, nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_record_results_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_results")),
    )
    op.create_index("ix_record_results_record", "record_results", ["record_id", "position"], unique=False)
    op.create_table(
        "case_records",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_records_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_case_records_record_id_records")
        ),
        sa.PrimaryKeyConstraint("case_id", "record_id", name=op.f("pk_case_records")),
    )

    op.create_table(
        "case_buttons",
        sa.Column("id", AUTO_ID, autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("button_type", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("button_text", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_buttons")),
    )
    op.create_index("ix_case_buttons_case", "case_buttons", ["case_id", "id"], unique=False)

    op.create_table(
        "comment_reactions",
        sa.Column("cell_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("emoji", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cell_id"],
            ["timeline_events.id"],
            name=op.f("fk_comment_reactions_cell_id_timeline_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_comment_reactions_user_id_users")),
        sa.PrimaryKeyConstraint("cell_id", "user_id", "emoji", name=op.f("pk_comment_reactions")),
    )

    op.create_table(
        "file_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("md5", sa.String(length=32), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_file_blobs")),
    )
    op.create_table(
        "case_files",
        sa.Column("id", AUTO_ID, autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_files_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sha256"], ["file_blobs.sha256"], name=op.f("fk_case_files_sha256_file_blobs")
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_case_files_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_files")),
    )
    op.create_index("ix_case_files_case", "case_files", ["case_id", "id"], unique=False)


def _numbers() -> None:
    """Numbers existing projects and users in creation order; the counters continue from there."""
    conn = op.get_bind()
    for table in ("projects", "users"):
        op.add_column(table, sa.Column("number", sa.BigInteger(), nullable=True))
        op.create_index(f"uq_{table}_number", table, ["number"], unique=True)
        rows = sa.table(table, sa.column("id", sa.Uuid()), sa.column("created_at"), sa.column("number"))
        ids = conn.execute(sa.select(rows.c.id).order_by(rows.c.created_at, rows.c.id)).scalars().all()
        for number, row_id in enumerate(ids, start=1):
            conn.execute(sa.update(rows).where(rows.c.id == row_id).values(number=number))
        counter = "project_number" if table == "projects" else "user_number"
        conn.execute(
            sa.text("INSERT INTO counters (name, value) VALUES (:name, :value)"),
            {"name": counter, "value": len(ids)},
        )


def downgrade() -> None:
    op.drop_index("ix_case_files_case", table_name="case_files")
    op.drop_table("case_files")
    op.drop_table("file_blobs")
    op.drop_table("comment_reactions")
    op.drop_index("ix_case_buttons_case", table_name="case_buttons")
    op.drop_table("case_buttons")
    op.drop_table("case_records")
    op.drop_index("ix_record_results_record", table_name="record_results")
    op.drop_table("record_results")
    op.drop_table("records")
    op.drop_index("ix_case_assignees_user", table_name="case_assignees")
    op.drop_table("case_assignees")
    with op.batch_alter_table("cases") as batch:
        for name in ("closed_by", "opened_by", "opened_at", "closure_conditions", "metadata"):
            batch.drop_column(name)
    for table in ("users", "projects"):
        op.drop_index(f"uq_{table}_number", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("number")
    op.execute("DELETE FROM counters WHERE name IN ('project_number', 'user_number')")
