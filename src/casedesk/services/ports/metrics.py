"""What the worker reports about deliveries, for /metrics (Prometheus)."""

from __future__ import annotations

from typing import Protocol

from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.outcomes import Result


class DeliveryMetrics(Protocol):
    def attempted(self, kind: ChannelKind, result: Result, seconds: float) -> None:
        """One attempt to a destination of `kind` ended with `result` after `seconds`."""
        ...


class NoMetrics:
    """Reports nothing: for workers run where no /metrics is served (tests, one-off runs)."""

    def attempted(self, kind: ChannelKind, result: Result, seconds: float) -> None:
        return None
