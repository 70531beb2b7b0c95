"""Timestamps as the dialects read them: ISO 8601 text (`2026-06-01T00:00:00Z`,
`…+02:00`), answered in UTC. Writing them back is each dialect's own (its `wire.iso`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload

from casedesk.domain.errors import ValidationFailed


@overload
def parse_timestamp(text: str, field: str, *, zone_required: bool = False) -> datetime: ...


@overload
def parse_timestamp(text: str | None, field: str, *, zone_required: bool = False) -> datetime | None: ...


def parse_timestamp(text: str | None, field: str, *, zone_required: bool = False) -> datetime | None:
    """None stays None. A time without a zone is UTC, unless `zone_required`: then it is
    refused, naming `field`, as where a wrong guess would move a window by hours."""
    if text is None:
        return None
    raw = text.strip()
    try:
        moment = datetime.fromisoformat(raw[:-1] + "Z" if raw.endswith("z") else raw)
    except ValueError:
        raise ValidationFailed(
            field, f"{text[:40]!r} is not an ISO 8601 time like 2026-06-01T00:00:00Z"
        ) from None
    if zone_required and moment.utcoffset() is None:
        raise ValidationFailed(field, f"{text!r} has no time zone; add one, e.g. 2026-06-01T00:00:00Z")
    try:
        return as_utc(moment)
    except OverflowError:
        # 9999-12-31T23:00:00-02:00 is a valid text whose instant no UTC date can hold.
        raise ValidationFailed(field, f"{text[:40]!r} is outside the years 1 to 9999 in UTC") from None


@overload
def as_utc(moment: datetime) -> datetime: ...


@overload
def as_utc(moment: datetime | None) -> datetime | None: ...


def as_utc(moment: datetime | None) -> datetime | None:
    """The same instant in UTC; a time without a zone is taken as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
