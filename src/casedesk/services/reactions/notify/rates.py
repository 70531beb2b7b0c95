"""Per-destination rate limits that queue, never drop.

Each destination key has its own schedule of send slots (a token bucket holding one token,
kept as the time the next slot opens): a send takes the next free slot and waits for it. The
defaults follow the vendors' documented limits: Slack about one message a second per
channel, Teams Workflows four a second per webhook, PagerDuty Events 120 a minute per
routing key; email and webhooks are unlimited unless configured.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.notifications.destinations import ChannelKind

DEFAULT_RATES = "slack=1/s,teams=4/s,pagerduty=120/m"
_RATE = re.compile(r"^(\d+(?:\.\d+)?)/(s|m|h)$")
_PERIOD = {"s": 1.0, "m": 60.0, "h": 3600.0}


def parse_rates(text: str, field_name: str = "delivery_rate_limits") -> dict[ChannelKind, float]:
    """`kind=N/s|m|h` pairs, comma-separated, as sends per second; `kind=0` (or leaving a
    kind out) is unlimited."""
    rates: dict[ChannelKind, float] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, rate = part.partition("=")
        try:
            kind = ChannelKind(name.strip().lower())
        except ValueError:
            raise ValidationFailed(field_name, f"unknown channel {name.strip()!r}") from None
        rate = rate.strip().lower()
        if rate in ("0", "none", "unlimited"):
            continue
        match = _RATE.match(rate)
        if match is None or float(match.group(1)) <= 0:
            raise ValidationFailed(field_name, f"{rate!r} is not a rate such as 1/s or 120/m")
        rates[kind] = float(match.group(1)) / _PERIOD[match.group(2)]
    return rates


@dataclass
class RateLimits:
    """`reserve` hands out send slots; times are the caller's monotonic seconds."""

    per_second: Mapping[ChannelKind, float]
    _next: dict[str, float] = field(default_factory=dict)

    def reserve(self, kind: ChannelKind, key: str, now: float) -> float:
        """Takes the next free slot of destination `key` and says how long to wait for it."""
        rate = self.per_second.get(kind)
        if not rate:
            return 0.0
        slot = max(self._next.get(key, now), now)
        self._next[key] = slot + 1.0 / rate
        return slot - now

    def release(self, kind: ChannelKind, key: str) -> None:
        """Gives back the last slot taken for `key` (its send was put off instead)."""
        rate = self.per_second.get(kind)
        if rate and key in self._next:
            self._next[key] -= 1.0 / rate
