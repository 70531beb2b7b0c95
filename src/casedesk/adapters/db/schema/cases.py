"""Tables of a case's ordered assignees and records, its attachments (buttons, files and their
contents, records and their results, reactions to comments), on the shared metadata.
Migration 0005 creates exactly these, and the columns it adds to `cases`, `projects` and
`users`."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Uuid,
    text,
)

from casedesk.adapters.db.schema.core import metadata
from casedesk.adapters.db.types import Json, UtcDateTime

AutoId = BigInteger().with_variant(Integer, "sqlite")

# Every assignee of a case in order, the first (position 0) being `cases.assignee_id`.
# Search's `assignee:` reads the further ones (position > 0) through the partial index.
case_assignees = Table(
    "case_assignees",
    metadata,
    Column("case_id", Uuid, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id"), primary_key=True),
    Column("position", Integer, nullable=False),
    Index("ix_case_assignees_user", "user_id"),
    Index(
        "ix_case_assignees_further",
        "user_id",
        "case_id",
        postgresql_where=text("position > 0"),
        sqlite_where=text("position > 0"),
    ),
)

# Records: structured result sets (name/value pairs) that cases can refer to.
records = Table(
    "records",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("created_by", Uuid, ForeignKey("users.id")),
    Column("created_at", UtcDateTime, nullable=False),
)

record_results = Table(
    "record_results",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("record_id", BigInteger, ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("value", Json),
    Index("ix_record_results_record", "record_id", "position"),
)

case_records = Table(
    "case_records",
    metadata,
    Column("case_id", Uuid, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("record_id", BigInteger, ForeignKey("records.id"), primary_key=True),
    Column("position", Integer, nullable=False),
)

# Buttons are written in the transaction that creates their case, before the case row is
# flushed, so `case_id` carries no foreign key; deleting a case deletes its buttons.
case_buttons = Table(
    "case_buttons",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("case_id", Uuid, nullable=False),
    Column("button_type", String(16), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("label", String(200), nullable=False),
    Column("button_text", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_case_buttons_case", "case_id", "id"),
)

comment_reactions = Table(
    "comment_reactions",
    metadata,
    Column("cell_id", Uuid, ForeignKey("timeline_events.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id"), primary_key=True),
    Column("emoji", String(32), primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
)

# File contents, stored once per SHA-256 whatever how many cases attach them.
file_blobs = Table(
    "file_blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("md5", String(32), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

case_files = Table(
    "case_files",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("case_id", Uuid, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("sha256", String(64), ForeignKey("file_blobs.sha256"), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(200), nullable=False),
    Column("comment", Text, nullable=False),
    Column("created_by", Uuid, ForeignKey("users.id")),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_case_files_case", "case_id", "id"),
)
