"""What planning one event yields: a notice for one destination, or a suppressed one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.notices import Notice
from casedesk.services.ports.outbox import OutboxMessage


@dataclass(frozen=True)
class Planned:
    """One delivery to make: `notice` to the destination of `kind` named `name` (as
    `Destinations.find` takes it). `suppressed_by`, when set, makes the delivery recorded as
    suppressed, never sent: the id of the maintenance window that was active when the change
    was made, or `unsupported_handle:<handle>` for a handle that reaches nothing."""

    kind: ChannelKind
    name: str
    notice: Notice
    suppressed_by: str | None = None


class Planner(Protocol):
    def plan(self, message: OutboxMessage) -> list[Planned]:
        """The deliveries one recorded event calls for: case notification rules, project
        personal notifications and incident rules and handles, each only to people who may
        see the subject, never to the person who made the change. The same message planned
        twice yields the same list, so a re-run after a crash changes nothing."""
        ...
