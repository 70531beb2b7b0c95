"""case management surface

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("parent_entity_type", sa.String(length=32), nullable=False),
        sa.Column("parent_entity_id", sa.String(length=64), nullable=False),
        sa.Column("child_entity_type", sa.String(length=32), nullable=False),
        sa.Column("child_entity_id", sa.String(length=64), nullable=False),
        sa.Column("relationship", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_case_links_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_links")),
        sa.UniqueConstraint(
            "parent_entity_type",
            "parent_entity_id",
            "child_entity_type",
            "child_entity_id",
            "relationship",
            name="uq_case_links_edge",
        ),
    )
    with op.batch_alter_table("case_links", schema=None) as batch_op:
        batch_op.create_index("ix_case_links_child", ["child_entity_type", "child_entity_id"], unique=False)
        batch_op.create_index(
            "ix_case_links_parent", ["parent_entity_type", "parent_entity_id"], unique=False
        )

    op.create_table(
        "custom_attribute_configs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_type_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("is_multi", sa.Boolean(), nullable=False),
        sa.Column("options", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_type_id"],
            ["case_types.id"],
            name=op.f("fk_custom_attribute_configs_case_type_id_case_types"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_attribute_configs")),
        sa.UniqueConstraint("case_type_id", "key", name="uq_custom_attribute_configs_type_key"),
    )
    op.create_table(
        "maintenance_windows",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_maintenance_windows_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_maintenance_windows_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_windows")),
    )
    op.create_table(
        "case_views",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("np_rule_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("modified_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_case_views_created_by_users")),
        sa.ForeignKeyConstraint(["modified_by"], ["users.id"], name=op.f("fk_case_views_modified_by_users")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_case_views_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_views")),
    )
    with op.batch_alter_table("case_views", schema=None) as batch_op:
        batch_op.create_index("ix_case_views_project", ["project_id"], unique=False)

    op.create_table(
        "case_custom_values",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("value_folded", sa.String(length=500), nullable=False),
        sa.Column("value_number", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_custom_values_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "key", "value", name=op.f("pk_case_custom_values")),
    )
    with op.batch_alter_table("case_custom_values", schema=None) as batch_op:
        batch_op.create_index("ix_case_custom_values_lookup", ["key", "value_folded"], unique=False)

    op.create_table(
        "case_insights",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("resource_id", sa.String(length=500), nullable=False),
        sa.Column("ref", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_insights_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "type", "resource_id", name=op.f("pk_case_insights")),
    )
    with op.batch_alter_table("case_insights", schema=None) as batch_op:
        batch_op.create_index("ix_case_insights_resource", ["type", "resource_id"], unique=False)

    op.create_table(
        "case_key_aliases",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_key_aliases_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_case_key_aliases")),
    )
    op.create_table(
        "case_watchers",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_watchers_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_case_watchers_user_id_users")),
        sa.PrimaryKeyConstraint("case_id", "user_id", name=op.f("pk_case_watchers")),
    )
    with op.batch_alter_table("case_types", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_types", schema=None) as batch_op:
        batch_op.drop_column("modified_at")
        batch_op.drop_column("created_at")

    op.drop_table("case_watchers")
    op.drop_table("case_key_aliases")
    with op.batch_alter_table("case_insights", schema=None) as batch_op:
        batch_op.drop_index("ix_case_insights_resource")

    op.drop_table("case_insights")
    with op.batch_alter_table("case_custom_values", schema=None) as batch_op:
        batch_op.drop_index("ix_case_custom_values_lookup")

    op.drop_table("case_custom_values")
    with op.batch_alter_table("case_views", schema=None) as batch_op:
        batch_op.drop_index("ix_case_views_project")

    op.drop_table("case_views")
    op.drop_table("maintenance_windows")
    op.drop_table("custom_attribute_configs")
    with op.batch_alter_table("case_links", schema=None) as batch_op:
        batch_op.drop_index("ix_case_links_parent")
        batch_op.drop_index("ix_case_links_child")

    op.drop_table("case_links")
