"""The incident schema, on the shared metadata (migration 0004 creates exactly this)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, String, Table, Text, Uuid

from casedesk.adapters.db.schema.core import metadata
from casedesk.adapters.db.types import Json, UtcDateTime

# Organisation-wide configuration documents (incident types, user-defined fields, ...).
# Soft-deleted: incidents keep pointing at the type they were declared with.
incident_settings = Table(
    "incident_settings",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("name", String(500), nullable=False),
    Column("incident_type_id", Uuid),
    Column("attributes", Json, nullable=False),
    Column("created_by", Uuid, ForeignKey("users.id")),
    Column("modified_by", Uuid, ForeignKey("users.id")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("modified_at", UtcDateTime),
    Column("deleted_at", UtcDateTime),
    Index("ix_incident_settings_kind", "kind", "created_at"),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("public_id", BigInteger, nullable=False, unique=True),
    Column("title", String(1024), nullable=False),
    Column("incident_type_id", Uuid, ForeignKey("incident_settings.id"), nullable=False),
    Column("state", String(16), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("customer_impacted", Boolean, nullable=False),
    Column("customer_impact_scope", Text),
    Column("customer_impact_start", UtcDateTime),
    Column("customer_impact_end", UtcDateTime),
    Column("declared", UtcDateTime, nullable=False),
    Column("detected", UtcDateTime),
    Column("resolved", UtcDateTime),
    Column("commander_id", Uuid, ForeignKey("users.id")),
    Column("declared_by", Uuid, ForeignKey("users.id")),
    Column("created_by", Uuid, ForeignKey("users.id"), nullable=False),
    Column("modified_by", Uuid, ForeignKey("users.id")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("modified_at", UtcDateTime),
    Column("deleted_at", UtcDateTime),
    Column("is_test", Boolean, nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("fields", Json, nullable=False),
    Column("notification_handles", Json, nullable=False),
    Column("case_id", Uuid, ForeignKey("cases.id")),
    Index("ix_incidents_created_at", "created_at"),
    Index("ix_incidents_state", "state", "created_at"),
    Index("ix_incidents_case", "case_id"),
)

# Todos, attachments, impacts, responders, integrations and timestamp overrides.
incident_items = Table(
    "incident_items",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("incident_id", Uuid, ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("attributes", Json, nullable=False),
    Column("created_by", Uuid, ForeignKey("users.id")),
    Column("modified_by", Uuid, ForeignKey("users.id")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("modified_at", UtcDateTime),
    Index("ix_incident_items_incident", "incident_id", "kind", "created_at"),
)

# One row per field value of an incident (`services: [api, db]` → two rows), so that
# `fields.services:api` is an indexed lookup; `value_folded` is what searches compare.
incident_field_values = Table(
    "incident_field_values",
    metadata,
    Column("incident_id", Uuid, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("value", String(500), primary_key=True),
    Column("value_folded", String(500), nullable=False),
    Index("ix_incident_field_values_lookup", "name", "value_folded"),
)
