"""How far behind delivery is: what the outbox still holds, read at the moment it is asked
(a /metrics scrape), never cached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Backlog:
    pending: int  # events recorded and not yet delivered (waiting, retrying or leased)
    oldest: datetime | None  # when the oldest of them happened; None when there are none


class OutboxBacklog(Protocol):
    def backlog(self) -> Backlog:
        """One read of the outbox, in a transaction of its own."""
        ...
