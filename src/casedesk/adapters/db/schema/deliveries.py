"""The delivery ledger's tables, on the shared metadata (migration 0010a creates exactly
these): one row per notice and destination, every attempt at it, and the vendor references a
destination's thread about one subject keeps (Slack's root message, a mail thread's root)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from casedesk.adapters.db.schema.core import metadata
from casedesk.adapters.db.types import Json, UtcDateTime

AutoId = BigInteger().with_variant(Integer, "sqlite")

# One notice for one destination. `id` (msg_…) is the webhook-id, stable across retries and
# manual replays. Only the oldest waiting delivery of an ordering key (destination_key,
# subject_id), by outbox_seq, is claimable; `retry_base` is `attempts` when the retry schedule
# last started (a manual retry starts it again).
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("event_id", Uuid, nullable=False),
    Column("outbox_seq", BigInteger, nullable=False),
    Column("event_kind", String(64), nullable=False),
    Column("subject_type", String(16), nullable=False),
    Column("subject_id", Uuid, nullable=False),
    Column("subject_ref", String(64)),
    Column("kind", String(16), nullable=False),
    Column("name", String(320), nullable=False),
    Column("destination_key", String(340), nullable=False),
    Column("notice", Json, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("retry_base", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Column("next_trigger", String(16), nullable=False),
    Column("claimed_by", String(200)),
    Column("claimed_until", UtcDateTime),
    Column("last_result", String(16)),
    Column("last_status", Integer),
    Column("last_error", String(200)),
    Column("suppressed_by", String(200)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime),
    UniqueConstraint("event_id", "destination_key", name="uq_deliveries_event_destination"),
    Index("ix_deliveries_due", "state", "next_attempt_at"),
    Index("ix_deliveries_ordering", "destination_key", "subject_id", "outbox_seq"),
    Index("ix_deliveries_subject", "subject_id", "created_at"),
    Index("ix_deliveries_created", "created_at"),
)

# Every attempt at a delivery: the delivery log.
delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("delivery_id", String(40), ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("trigger", String(16), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("result", String(16), nullable=False),
    Column("status", Integer),
    Column("error", String(200)),
    Column("snippet", Text, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Index("ix_delivery_attempts_delivery", "delivery_id", "attempt"),
)

# Vendor references (Outcome.refs) of the successes to one destination about one subject,
# merged on each success and handed to the next Job as its `thread`.
delivery_threads = Table(
    "delivery_threads",
    metadata,
    Column("destination_key", String(340), primary_key=True),
    Column("subject_id", Uuid, primary_key=True),
    Column("refs", Json, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
