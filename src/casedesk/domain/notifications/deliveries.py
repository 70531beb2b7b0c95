"""A delivery is one notice on its way to one destination; these are its states, why each
attempt was made, and the schedule failed attempts are retried on.

The worker decides what an attempt's `Outcome` means for its delivery with `settle` alone, so
the rules (what is retried, when, and when a delivery is given up) are in one place and can be
tested without a database or a network.
"""

from __future__ import annotations

import enum
import random
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.notifications.outcomes import Outcome, Result


class DeliveryState(enum.StrEnum):
    PENDING = "pending"  # not tried yet (or retried by hand): due at next_attempt_at
    FAILED = "failed"  # tried, failed transiently: waiting for its next attempt
    DELIVERED = "delivered"  # the receiver took it (Result.DELIVERED or ACCEPTED)
    DEAD = "dead"  # given up: a permanent failure, or the schedule ran out
    # Recorded, never sent: planned during a maintenance window, or for a handle that
    # reaches nothing (`suppressed_by` says which).
    SUPPRESSED = "suppressed"


# States that still wait for an attempt: they hold their ordering key.
WAITING = (DeliveryState.PENDING, DeliveryState.FAILED)


class Trigger(enum.StrEnum):
    """Why an attempt was made (shown in the delivery log)."""

    INITIAL = "initial"  # the first attempt
    SCHEDULED = "scheduled"  # the retry schedule came due
    MANUAL = "manual"  # someone asked for it (`casedesk deliveries retry`)
    RECOVERY = "recovery"  # the destination answered again, so its waiting retries went at once


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_delivery_id(now_ms: int | None = None) -> str:
    """`msg_` and a ULID (26 characters: 48 bits of milliseconds, 80 random bits, Crockford
    base 32), so ids sort by creation and hold no `.` (Standard Webhooks signs `id.ts.body`)."""
    millis = int(time.time() * 1000) if now_ms is None else now_ms
    value = (millis << 80) | secrets.randbits(80)
    chars = [_CROCKFORD[(value >> (5 * i)) & 31] for i in range(25, -1, -1)]
    return "msg_" + "".join(chars)


# Svix's schedule, which Standard Webhooks recommends: about 27 hours in all.
DEFAULT_SCHEDULE = "5s,5m,30m,2h,5h,10h,10h"
JITTER = 0.15
_STEP = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h)?$")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


@dataclass(frozen=True)
class RetrySchedule:
    """The waits before each retry, in seconds: `delays[0]` after the first failure, and so
    on; a failure after the last one makes the delivery dead (`exhausted`)."""

    delays: tuple[float, ...]
    jitter: float = JITTER

    @classmethod
    def parse(cls, text: str, field: str = "delivery_retry_schedule") -> RetrySchedule:
        """Comma-separated durations: `5s,5m,30m,2h`, or plain seconds, or `250ms`. Empty:
        never retry."""
        delays: list[float] = []
        for part in (p.strip().lower() for p in text.split(",") if p.strip()):
            match = _STEP.match(part)
            if match is None:
                raise ValidationFailed(field, f"{part!r} is not a duration such as 5s, 5m or 2h")
            delays.append(float(match.group(1)) * _UNIT[match.group(2) or "s"])
        return cls(tuple(delays))

    def delay(self, failures: int, rng: random.Random) -> float | None:
        """The wait after the `failures`-th failure (counting from 1), jittered by ±15 % so
        that many deliveries failed together do not come back together; None when spent."""
        if failures < 1 or failures > len(self.delays):
            return None
        base = self.delays[failures - 1]
        return base * (1 + rng.uniform(-self.jitter, self.jitter))


@dataclass(frozen=True)
class Settlement:
    """What one attempt's outcome makes of its delivery."""

    state: DeliveryState
    next_attempt_at: datetime | None = None
    reason: str | None = None  # why it is dead: the outcome's error, or `exhausted`


def settle(
    outcome: Outcome, failures: int, now: datetime, schedule: RetrySchedule, rng: random.Random
) -> Settlement:
    """Delivered on success; dead at once on a permanent failure; otherwise retried after the
    schedule's wait for this many `failures` (the receiver's Retry-After, when it gave one,
    instead), or dead as `exhausted` when the schedule is spent."""
    if outcome.succeeded:
        return Settlement(DeliveryState.DELIVERED)
    if outcome.result is Result.PERMANENT:
        return Settlement(DeliveryState.DEAD, reason=outcome.error or _status_reason(outcome))
    wait = schedule.delay(failures, rng)
    if wait is None:
        return Settlement(DeliveryState.DEAD, reason="exhausted")
    if outcome.retry_after is not None:
        wait = outcome.retry_after
    return Settlement(DeliveryState.FAILED, next_attempt_at=now + timedelta(seconds=wait))


def _status_reason(outcome: Outcome) -> str:
    return f"http_{outcome.status}" if outcome.status is not None else "permanent"
