"""The schema, as SQLAlchemy Core tables (the migrations create exactly this)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Sequence,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    text,
)

from casedesk.adapters.db.types import Json, UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Named monotonically increasing counters (incident public ids, projects' and users' numbers;
# the global case number on SQLite).
counters = Table(
    "counters",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

# The global case number on PostgreSQL (migration 0008, adapters/db/case_numbers.py).
case_number_seq = Sequence("case_number_seq", metadata=metadata)

users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("title", String(200)),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("number", BigInteger),  # Tines' integer user id
    Column("role", String(16), nullable=False, server_default="standard"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("modified_at", UtcDateTime),
    # A unique index, not a constraint: migration 0005 added the column to existing tables,
    # and SQLite can add a unique index without rebuilding the table.
    Index("uq_users_number", "number", unique=True),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("last4", String(4), nullable=False),
    Column("name", String(200), nullable=False),
    Column("created_by", Uuid, ForeignKey("users.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
)

app_keys = Table(
    "app_keys",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("last4", String(4), nullable=False),
    Column("name", String(200), nullable=False),
    Column("user_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("scopes", Json, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    Column("last_used_at", UtcDateTime),
)

projects = Table(
    "projects",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("key", String(10), nullable=False, unique=True),
    Column("handle", String(63), nullable=False, unique=True),
    Column("settings", Json, nullable=False),
    Column("enabled_custom_case_types", Json, nullable=False),
    Column("last_case_number", BigInteger, nullable=False, default=0),
    Column("number", BigInteger),  # Tines' integer team id
    Column("created_by", Uuid, ForeignKey("users.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("modified_at", UtcDateTime),
    Column("deleted_at", UtcDateTime),
    # Restricted: only its members (and admins) see it; open: every standard user does.
    Column("restricted", Boolean, nullable=False, server_default=false()),
    Index("uq_projects_number", "number", unique=True),  # as for users.number
)

project_members = Table(
    "project_members",
    metadata,
    Column("project_id", Uuid, ForeignKey("projects.id"), primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id"), primary_key=True),
    # "member" or "admin": a project admin may delete the project's cases and the project.
    Column("role", String(16), nullable=False, server_default="member"),
    Index("ix_project_members_user", "user_id"),
)

project_favorites = Table(
    "project_favorites",
    metadata,
    Column("project_id", Uuid, ForeignKey("projects.id"), primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id"), primary_key=True),
)

case_types = Table(
    "case_types",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("emoji", String(16), nullable=False, default=""),
    Column("deleted_at", UtcDateTime),
    Column("created_at", UtcDateTime),
    Column("modified_at", UtcDateTime),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("number", BigInteger, nullable=False, unique=True),
    Column("project_id", Uuid, ForeignKey("projects.id"), nullable=False),
    Column("key", String(32), nullable=False, unique=True),
    Column("type_id", Uuid, ForeignKey("case_types.id"), nullable=False),
    Column("title", String(500), nullable=False),
    Column("description", Text, nullable=False),
    Column("priority", String(16), nullable=False),
    # Stored beside the priority so "most urgent first" is an index scan.
    Column("priority_urgency", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("status_rank", Integer, nullable=False),
    Column("assignee_id", Uuid, ForeignKey("users.id")),
    Column("created_by", Uuid, ForeignKey("users.id"), nullable=False),
    Column("modified_by", Uuid, ForeignKey("users.id")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("modified_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Column("archived_at", UtcDateTime),
    Column("due_date", Date),
    Column("resolved_reason", String(32)),
    Column("attributes", Json, nullable=False),
    Column("custom_attributes", Json, nullable=False),
    # Added by migration 0005, with the tables of schema/cases.py.
    Column("metadata", Json),
    Column("closure_conditions", Json),
    Column("opened_at", UtcDateTime),
    Column("opened_by", Uuid),
    Column("closed_by", Uuid),
    Index("ix_cases_created_at", "created_at"),
    Index("ix_cases_project_created", "project_id", "created_at"),
    Index("ix_cases_priority_created", "priority_urgency", "created_at"),
    Index("ix_cases_status_created", "status_rank", "created_at"),
    Index("ix_cases_status_priority", "status", "priority"),
    Index("ix_cases_priority_number", "priority_urgency", "number"),
    Index("ix_cases_assignee_status", "assignee_id", "status"),
    # On PostgreSQL, migration 0006 also adds trigram GIN indexes on lower(title),
    # lower(description) and lower(key) for free text; they are not declared here because
    # they exist only where the pg_trgm extension does.
)

# One row per attribute value of a case (`env: [prod, eu]` → two rows), so `env:prod` is an
# indexed lookup on both databases. `value_folded` is the lower-cased value searches compare.
case_attributes = Table(
    "case_attributes",
    metadata,
    Column("case_id", Uuid, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(100), primary_key=True),
    Column("value", String(200), primary_key=True),
    Column("value_folded", String(200), nullable=False),
    Index("ix_case_attributes_key_value_case", "key", "value_folded", "case_id"),
)

# Custom attributes a case type defines (`URL`, `TEXT`, `NUMBER`, `SELECT`; single or multi).
custom_attribute_configs = Table(
    "custom_attribute_configs",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_type_id", Uuid, ForeignKey("case_types.id"), nullable=False),
    Column("key", String(100), nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("type", String(16), nullable=False),
    Column("is_multi", Boolean, nullable=False),
    Column("options", Json, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("modified_at", UtcDateTime),
    UniqueConstraint("case_type_id", "key", name="uq_custom_attribute_configs_type_key"),
)

# Custom attribute values of a case, one row per value, for search (the case row keeps the
# whole map for reading). Numbers also land in `value_number` so ranges compare numerically.
case_custom_values = Table(
    "case_custom_values",
    metadata,
    Column("case_id", Uuid, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(100), primary_key=True),
    Column("value", String(500), primary_key=True),
    Column("value_folded", String(500), nullable=False),
    Column("value_number", Float),
    Index("ix_case_custom_values_lookup", "key", "value_folded"),
)

# Insights: references to the resources a case is about (a monitor, a signal, ...).
case_insights = Table(
    "case_insights",
    metadata,
    Column("case_id", Uuid, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("type", String(64), primary_key=True),
    Column("resource_id", String(500), primary_key=True),
    Column("ref", String(2000), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_case_insights_resource", "type", "resource_id"),
)

# Links between a case and another entity (a case, an incident, ...), with a relationship.
case_links = Table(
    "case_links",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("parent_entity_type", String(32), nullable=False),
    Column("parent_entity_id", String(64), nullable=False),
    Column("child_entity_type", String(32), nullable=False),
    Column("child_entity_id", String(64), nullable=False),
    Column("relationship", String(32), nullable=False),
    Column("created_by", Uuid, ForeignKey("users.id")),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint(
        "parent_entity_type",
        "parent_entity_id",
        "child_entity_type",
        "child_entity_id",
        "relationship",
        name="uq_case_links_edge",
    ),
    Index("ix_case_links_parent", "parent_entity_type", "parent_entity_id"),
    Index("ix_case_links_child", "child_entity_type", "child_entity_id"),
)

case_watchers = Table(
    "case_watchers",
    metadata,
    Column("case_id", Uuid, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id"), primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
)

# Keys a case had before it moved to another project; they keep resolving to the case.
case_key_aliases = Table(
    "case_key_aliases",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("case_id", Uuid, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
)

# Saved searches in a project.
case_views = Table(
    "case_views",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("project_id", Uuid, ForeignKey("projects.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("query", Text, nullable=False),
    Column("np_rule_id", String(64)),
    Column("created_by", Uuid, ForeignKey("users.id")),
    Column("modified_by", Uuid, ForeignKey("users.id")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("modified_at", UtcDateTime),
    Index("ix_case_views_project", "project_id"),
)

maintenance_windows = Table(
    "maintenance_windows",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("query", Text, nullable=False),
    Column("start_at", UtcDateTime, nullable=False),
    Column("end_at", UtcDateTime, nullable=False),
    Column("created_by", Uuid, ForeignKey("users.id")),
    Column("updated_by", Uuid, ForeignKey("users.id")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("modified_at", UtcDateTime),
)

# Every change and comment, in order. `seq` orders; `id` is the public cell id.
timeline_events = Table(
    "timeline_events",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("id", Uuid, nullable=False, unique=True),
    Column("subject_type", String(16), nullable=False),
    Column("subject_id", Uuid, nullable=False),
    Column("kind", String(64), nullable=False),
    Column("actor_id", Uuid, ForeignKey("users.id")),
    # The user the actor named as the author (Tines' `author_email`), when it was someone else.
    Column("on_behalf_of_id", Uuid, ForeignKey("users.id")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("modified_at", UtcDateTime),
    Column("deleted_at", UtcDateTime),
    Column("data", Json, nullable=False),
    Index("ix_timeline_subject", "subject_type", "subject_id", "seq"),
)

# Administrative actions (users, roles, keys, project access, settings), newest last.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("id", Uuid, nullable=False, unique=True),
    Column("occurred_at", UtcDateTime, nullable=False),
    # None for the operator at the command line, who is no user.
    Column("actor_id", Uuid, ForeignKey("users.id")),
    Column("actor_email", String(254), nullable=False),
    Column("key_id", Uuid),
    Column("action", String(64), nullable=False),
    Column("target_type", String(32), nullable=False),
    Column("target_id", String(254), nullable=False),
    Column("data", Json, nullable=False),
    Index("ix_audit_log_occurred", "occurred_at"),
)

# Transactional outbox: written with the change, consumed by the worker. A query meant to use
# the partial index below names `state = 'pending'` as a literal (`PENDING`): a bound value
# would not match the index's condition in a prepared (generic) plan.
PENDING = text("state = 'pending'")

outbox = Table(
    "outbox",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("kind", String(64), nullable=False),
    Column("subject_type", String(16), nullable=False),
    Column("subject_id", Uuid, nullable=False),
    Column("actor_id", Uuid),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("payload", Json, nullable=False),
    Column("state", String(16), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("available_at", UtcDateTime, nullable=False),
    Column("claimed_by", String(128)),
    Column("claimed_until", UtcDateTime),
    Column("processed_at", UtcDateTime),
    Column("last_error", Text),
    # Claims take pending rows oldest first: the pending rows' seq, whatever the history.
    Index("ix_outbox_pending", "seq", postgresql_where=PENDING, sqlite_where=PENDING),
)

__all__ = ["UniqueConstraint", "metadata"]
