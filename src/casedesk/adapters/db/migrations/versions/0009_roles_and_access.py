"""roles, project access, key use, acting on behalf of others, and the audit log

Revision ID: 0009
Revises: 0008, 0008_case_number_sequence
Create Date: 2026-12-03

Users get a role. Users that exist already become admins: until now every key could do
everything its scopes named, and an upgrade must not lock an installation's people out of
what they did yesterday; an admin narrows roles afterwards. New users are standard.
Projects can be restricted to their members, and a member can be the project's admin.
Application keys remember when they were last used. A timeline event can name the user the
actor acted on behalf of. The audit log records administrative actions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = ("0008", "0008_case_number_sequence")
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("users", sa.Column("role", sa.String(16), nullable=False, server_default="standard"))
    op.execute("UPDATE users SET role = 'admin'")
    op.add_column(
        "projects", sa.Column("restricted", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column(
        "project_members", sa.Column("role", sa.String(16), nullable=False, server_default="member")
    )
    op.create_index("ix_project_members_user", "project_members", ["user_id"])
    op.add_column("app_keys", sa.Column("last_used_at", sa.DateTime(timezone=True)))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a referencing column in place (its value starts NULL); Alembic would
        # insist on rebuilding the table, the largest there is, to add the constraint.
        op.execute("ALTER TABLE timeline_events ADD COLUMN on_behalf_of_id CHAR(32) REFERENCES users (id)")
    else:
        op.add_column(
            "timeline_events",
            sa.Column("on_behalf_of_id", sa.Uuid(), sa.ForeignKey("users.id"), nullable=True),
        )
    op.create_table(
        "audit_log",
        sa.Column("seq", AUTO_ID, primary_key=True, autoincrement=True),
        sa.Column("id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), sa.ForeignKey("users.id")),
        sa.Column("actor_email", sa.String(254), nullable=False),
        sa.Column("key_id", sa.Uuid()),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target_type", sa.String(32), nullable=False),
        sa.Column("target_id", sa.String(254), nullable=False),
        sa.Column("data", JSON, nullable=False),
    )
    op.create_index("ix_audit_log_occurred", "audit_log", ["occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_occurred", table_name="audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("timeline_events") as batch:
        batch.drop_column("on_behalf_of_id")
    op.drop_column("app_keys", "last_used_at")
    op.drop_index("ix_project_members_user", table_name="project_members")
    op.drop_column("project_members", "role")
    op.drop_column("projects", "restricted")
    op.drop_column("users", "role")
