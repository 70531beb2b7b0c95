"""Maintenance windows: a time range during which notifications and automation stay quiet
for the cases a query matches (the query is checked by the services' parser on every write)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from casedesk.domain.cases.views import clean_query
from casedesk.domain.errors import ValidationFailed

NAME_MAX = 200


def clean_window_name(name: str) -> str:
    stripped = name.strip()
    if not stripped or len(stripped) > NAME_MAX:
        raise ValidationFailed("name", f"name must be 1 to {NAME_MAX} characters")
    return stripped


def check_span(start_at: datetime, end_at: datetime) -> None:
    for field, moment in (("start_at", start_at), ("end_at", end_at)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValidationFailed(field, f"{field} must carry a time zone, e.g. 2026-06-01T00:00:00Z")
    if end_at <= start_at:
        raise ValidationFailed("end_at", "end_at must be later than start_at")


@dataclass
class MaintenanceWindow:
    id: uuid.UUID
    name: str
    query: str
    start_at: datetime
    end_at: datetime
    created_at: datetime
    created_by: uuid.UUID | None = None
    updated_by: uuid.UUID | None = None
    modified_at: datetime | None = None

    @classmethod
    def create(
        cls, *, name: str, query: str, start_at: datetime, end_at: datetime, actor: uuid.UUID, now: datetime
    ) -> MaintenanceWindow:
        check_span(start_at, end_at)
        return cls(
            id=uuid.uuid4(),
            name=clean_window_name(name),
            query=clean_query(query),
            start_at=start_at.astimezone(UTC),
            end_at=end_at.astimezone(UTC),
            created_at=now,
            created_by=actor,
            updated_by=actor,
            modified_at=now,
        )

    def update(
        self,
        *,
        name: str | None,
        query: str | None,
        start_at: datetime | None,
        end_at: datetime | None,
        actor: uuid.UUID,
        now: datetime,
    ) -> None:
        """Changes the members given; the resulting span must still end after it starts."""
        start, end = start_at or self.start_at, end_at or self.end_at
        check_span(start, end)
        if name is not None:
            self.name = clean_window_name(name)
        if query is not None:
            self.query = clean_query(query)
        self.start_at, self.end_at = start.astimezone(UTC), end.astimezone(UTC)
        self.updated_by = actor
        self.modified_at = now

    def active_at(self, moment: datetime) -> bool:
        return self.start_at <= moment < self.end_at
