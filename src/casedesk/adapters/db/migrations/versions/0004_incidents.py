"""incidents

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
DEFAULT_INCIDENT_TYPE_ID = "00000000-0000-0000-0000-00000000000a"


def upgrade() -> None:
    op.create_table(
        "incident_settings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("incident_type_id", sa.Uuid(), nullable=True),
        sa.Column("attributes", JSON, nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("modified_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_incident_settings_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["modified_by"], ["users.id"], name=op.f("fk_incident_settings_modified_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_settings")),
    )
    with op.batch_alter_table("incident_settings", schema=None) as batch_op:
        batch_op.create_index("ix_incident_settings_kind", ["kind", "created_at"], unique=False)

    op.create_table(
        "incidents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("public_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=1024), nullable=False),
        sa.Column("incident_type_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("customer_impacted", sa.Boolean(), nullable=False),
        sa.Column("customer_impact_scope", sa.Text(), nullable=True),
        sa.Column("customer_impact_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("customer_impact_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("declared", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detected", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved", sa.DateTime(timezone=True), nullable=True),
        sa.Column("commander_id", sa.Uuid(), nullable=True),
        sa.Column("declared_by", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("modified_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("notification_handles", JSON, nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_incidents_case_id_cases")),
        sa.ForeignKeyConstraint(["commander_id"], ["users.id"], name=op.f("fk_incidents_commander_id_users")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_incidents_created_by_users")),
        sa.ForeignKeyConstraint(["declared_by"], ["users.id"], name=op.f("fk_incidents_declared_by_users")),
        sa.ForeignKeyConstraint(
            ["incident_type_id"],
            ["incident_settings.id"],
            name=op.f("fk_incidents_incident_type_id_incident_settings"),
        ),
        sa.ForeignKeyConstraint(["modified_by"], ["users.id"], name=op.f("fk_incidents_modified_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("public_id", name=op.f("uq_incidents_public_id")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_case", ["case_id"], unique=False)
        batch_op.create_index("ix_incidents_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_incidents_state", ["state", "created_at"], unique=False)

    op.create_table(
        "incident_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("attributes", JSON, nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("modified_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_incident_items_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_items_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["modified_by"], ["users.id"], name=op.f("fk_incident_items_modified_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_items")),
    )
    with op.batch_alter_table("incident_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incident_items_incident", ["incident_id", "kind", "created_at"], unique=False
        )

    op.create_table(
        "incident_field_values",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("value_folded", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_field_values_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "name", "value", name=op.f("pk_incident_field_values")),
    )
    with op.batch_alter_table("incident_field_values", schema=None) as batch_op:
        batch_op.create_index("ix_incident_field_values_lookup", ["name", "value_folded"], unique=False)

    # Every installation starts with one incident type, the default for new incidents.
    settings = sa.table(
        "incident_settings",
        sa.column("id", sa.Uuid),
        sa.column("kind", sa.String),
        sa.column("name", sa.String),
        sa.column("attributes", JSON),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # how the application stores UTC on SQLite
    op.bulk_insert(
        settings,
        [
            {
                "id": uuid.UUID(DEFAULT_INCIDENT_TYPE_ID),
                "kind": "incident_type",
                "name": "Incident",
                "attributes": {
                    "name": "Incident",
                    "description": "The default incident type",
                    "is_default": True,
                    "prefix": "IR",
                },
                "created_at": now,
            }
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("incident_field_values", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_field_values_lookup")
    op.drop_table("incident_field_values")
    with op.batch_alter_table("incident_items", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_items_incident")
    op.drop_table("incident_items")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_state")
        batch_op.drop_index("ix_incidents_created_at")
        batch_op.drop_index("ix_incidents_case")
    op.drop_table("incidents")
    with op.batch_alter_table("incident_settings", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_settings_kind")
    op.drop_table("incident_settings")
