"""How far behind delivery is: what the outbox and the deliveries still hold, read at the
moment it is asked (a /metrics scrape), never cached."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Backlog:
    pending: int  # events recorded and not yet delivered (waiting, retrying or leased)
    oldest: datetime | None  # when the oldest of them happened; None when there are none
    # Deliveries by channel kind ("webhook", "slack", …): waiting (pending or failed, so
    # due now or later) and dead (given up, waiting for a manual retry).
    waiting: Mapping[str, int] = field(default_factory=dict)
    dead: Mapping[str, int] = field(default_factory=dict)
    oldest_waiting: datetime | None = None  # when the oldest waiting delivery was created


class OutboxBacklog(Protocol):
    def backlog(self) -> Backlog:
        """One read of the outbox and the deliveries, in a transaction of its own."""
        ...
