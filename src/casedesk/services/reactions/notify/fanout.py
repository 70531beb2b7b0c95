"""Fan-out: each recorded event becomes one delivery per destination the planner names."""

from __future__ import annotations

from collections.abc import Sequence

from casedesk.domain.notifications.destinations import Destination
from casedesk.services.ports.deliveries import NewDelivery
from casedesk.services.ports.outbox import OutboxMessage
from casedesk.services.reactions.notify.planned import Planner


class PlanFor:
    """The planner's answer in the ledger's terms (`NewDelivery`, with the destination key)."""

    def __init__(self, planner: Planner) -> None:
        self.planner = planner

    def __call__(self, message: OutboxMessage) -> Sequence[NewDelivery]:
        return [
            NewDelivery(
                kind=p.kind,
                name=p.name,
                destination_key=Destination(p.kind, p.name).key,
                notice=p.notice,
                suppressed_by=p.suppressed_by,
            )
            for p in self.planner.plan(message)
        ]
