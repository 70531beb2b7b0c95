"""What the worker needs of a channel: send one job, report one outcome.

A sender is given everything it needs in the `Job` (the notice, the destination with its
secrets, the delivery's stable id and the vendor references earlier deliveries left) and
touches no database: the worker records the attempt and keeps the references. A sender
never retries by itself, so every attempt is one row of the delivery log, and never raises
for a receiver's failure: a refused connection or a 500 is an `Outcome`, not an exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from casedesk.domain.notifications.destinations import ChannelKind, Destination
from casedesk.domain.notifications.notices import Notice
from casedesk.domain.notifications.outcomes import Outcome


@dataclass(frozen=True)
class Job:
    """One attempt at one delivery.

    `delivery_id` is stable across retries and manual replays: the webhook's `webhook-id`,
    the seed of a mail's Message-ID. `attempt` counts from 1. `thread` holds the `refs` of
    earlier successful deliveries to the same destination about the same subject (Slack's
    root `ts`, the mail thread's root Message-ID …), empty for the first one.
    """

    delivery_id: str
    attempt: int
    notice: Notice
    destination: Destination
    thread: Mapping[str, Any] = field(default_factory=dict)


class Sender(Protocol):
    kind: ChannelKind

    async def send(self, job: Job) -> Outcome:
        """Delivers `job` once and says how it went."""
        ...
