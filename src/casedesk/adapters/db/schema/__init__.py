"""The whole schema. Importing this package puts every table on `metadata`, so anything that
needs the complete schema (Alembic's environment, `create_all` in tests, the drift test) imports
`metadata` from here rather than from one table module."""

from __future__ import annotations

from casedesk.adapters.db.schema import cases, channels, core, deliveries, incidents, notifications

metadata = core.metadata

__all__ = ["cases", "channels", "core", "deliveries", "incidents", "metadata", "notifications"]
