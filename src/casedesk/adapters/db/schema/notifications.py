"""Tables of what notifies whom: a project's case notification rules. Migration 0010c creates
exactly these."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Table, Uuid

from casedesk.adapters.db.schema.core import metadata
from casedesk.adapters.db.types import Json, UtcDateTime

# One row per rule; `document` is the rule's own document (triggers, recipients, query,
# is_enabled) as the domain's codec writes it, so a rule reads back exactly as written.
case_notification_rules = Table(
    "case_notification_rules",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("project_id", Uuid, ForeignKey("projects.id"), nullable=False),
    Column("document", Json, nullable=False),
    Column("created_by", Uuid, ForeignKey("users.id")),
    Column("modified_by", Uuid, ForeignKey("users.id")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("modified_at", UtcDateTime),
    Index("ix_case_notification_rules_project", "project_id", "created_at"),
)
