"""The outbox as a worker sees it: claim due messages under a lease, deliver, settle each one.

Rows are written by the unit of work in the same transaction as the change they record; this
port is the other end. Each call is a transaction of its own, so a claim is committed before
anything is delivered and a slow receiver holds no database lock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


@dataclass(frozen=True)
class OutboxMessage:
    seq: int
    event_id: uuid.UUID
    kind: str
    subject_type: str
    subject_id: uuid.UUID
    actor_id: uuid.UUID | None
    occurred_at: datetime
    payload: dict[str, Any]
    attempts: int
    worker: str  # who holds the lease this message was claimed under


class Settled(StrEnum):
    """What settling one delivery attempt recorded."""

    DONE = "done"  # delivered; never claimed again
    RETRY = "retry"  # failed; due again after the backoff
    DEAD = "dead"  # failed for the last allowed time; kept for inspection, never retried
    LEASE_LOST = "lease_lost"  # the lease ran out and another worker re-claimed it: nothing recorded


class Outbox(Protocol):
    def claim(self, worker: str, now: datetime, limit: int = 50) -> list[OutboxMessage]:
        """Leases up to `limit` due messages to `worker`, oldest first. Concurrent claims get
        disjoint messages; a lease that runs out makes its messages due again."""

    def settle(self, message: OutboxMessage, now: datetime, error: str | None = None) -> Settled:
        """Records the attempt on `message`: delivered when `error` is None, otherwise failed
        (retried with exponential backoff, dead after a bounded number of attempts). Only the
        worker that still holds the lease can settle; for any other the answer is LEASE_LOST."""
