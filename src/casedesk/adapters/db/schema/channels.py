"""Configured notification channels. Secrets are Fernet tokens (`adapters/secrets.py`):
`destinations.secrets` seals a JSON object, `slack_accounts.token` and a secret variable's
`value` seal one string each."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, Uuid

from casedesk.adapters.db.schema.core import metadata
from casedesk.adapters.db.types import Json, UtcDateTime

slack_accounts = Table(
    "slack_accounts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("token", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# One row per webhook, PagerDuty service, Slack channel and Teams handle; `name` is the
# destination's name (`<account>/<channel>` for Slack, whose `account` is set).
destinations = Table(
    "destinations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(400), nullable=False),
    Column("account", String(100), ForeignKey("slack_accounts.name", ondelete="CASCADE")),
    Column("config", Json, nullable=False),
    Column("secrets", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("modified_at", UtcDateTime, nullable=False),
    UniqueConstraint("kind", "name", name="uq_destinations_kind_name"),
    Index("ix_destinations_account", "account"),
)

webhook_variables = Table(
    "webhook_variables",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", Text, nullable=False),
    Column("is_secret", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("modified_at", UtcDateTime, nullable=False),
)
