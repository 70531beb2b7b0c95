"""How one delivery attempt ended, and what that means for the next one.

Senders report an `Outcome`; the worker decides from its `result` alone whether the
delivery is done, is tried again (when, from the schedule or the receiver's Retry-After),
or is dead. The classification of HTTP answers lives here so every channel agrees on it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

SNIPPET_MAX = 4096  # bytes of a response kept in the delivery log


class Result(enum.StrEnum):
    DELIVERED = "delivered"  # the receiver confirmed it (2xx, Slack ok:true, SMTP 250 …)
    ACCEPTED = "accepted"  # taken but not confirmed seen (Teams Workflows' 202, PagerDuty's 202)
    TRANSIENT = "transient"  # try again later
    PERMANENT = "permanent"  # trying again cannot help: dead at once


@dataclass(frozen=True)
class Outcome:
    """`status` is the HTTP or SMTP code when there was one; `error` a short class such as
    `timeout`, `connect_error`, `blocked_address`, `invalid_blocks` or `http_500`; `snippet`
    at most SNIPPET_MAX bytes of the answer. `retry_after` (seconds) is the receiver's own
    wish and overrides the schedule. `refs` are vendor references to keep for later
    deliveries to the same destination about the same subject (Slack's channel and root
    `ts`, the thread's root Message-ID, PagerDuty's dedup_key)."""

    result: Result
    status: int | None = None
    error: str | None = None
    snippet: str = ""
    retry_after: float | None = None
    refs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.snippet.encode()) > SNIPPET_MAX:
            clipped = self.snippet.encode()[:SNIPPET_MAX].decode(errors="ignore")
            object.__setattr__(self, "snippet", clipped)

    @property
    def succeeded(self) -> bool:
        return self.result in (Result.DELIVERED, Result.ACCEPTED)


TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def http_result(status: int) -> Result:
    """Any 2xx is delivered; 408, 425, 429 and the 5xx gateways are worth another try;
    everything else (3xx included: redirects are never followed) is permanent."""
    if 200 <= status < 300:
        return Result.DELIVERED
    if status in TRANSIENT_STATUSES or status >= 500:
        return Result.TRANSIENT
    return Result.PERMANENT


def parse_retry_after(value: str | None, now: datetime, *, cap: float = 3600.0) -> float | None:
    """Seconds from a Retry-After header (delta-seconds, or an HTTP date seen from `now`),
    capped; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, min((when - now).total_seconds(), cap))
