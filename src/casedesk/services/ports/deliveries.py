"""The delivery ledger: one row per notice and destination, and every attempt made at it.

Two views of the same tables. The worker's (`DeliveryQueue`) turns outbox messages into
deliveries, claims the due ones under a lease and settles each attempt; the readers'
(`DeliveryLedger`: the CLI and the HTTP API) list and show deliveries and ask for retries.
Each call is a transaction of its own: a claim is committed before anything is sent, so a
slow receiver holds no database lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from casedesk.domain.notifications.deliveries import DeliveryState, Settlement, Trigger
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.notices import Notice
from casedesk.domain.notifications.outcomes import Outcome
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.outbox import OutboxMessage


@dataclass(frozen=True)
class FanOut:
    """What one fan-out pass did: messages planned, deliveries created (re-planning a message
    creates nothing twice), messages whose planning failed (retried with backoff)."""

    messages: int = 0
    deliveries: int = 0
    failed: int = 0


@dataclass(frozen=True)
class NewDelivery:
    """One delivery a message calls for (what the planner decided, in the ledger's terms);
    `suppressed_by` names the maintenance window that keeps it from being sent."""

    kind: ChannelKind
    name: str
    destination_key: str
    notice: Notice
    suppressed_by: str | None = None


@dataclass(frozen=True)
class ClaimedDelivery:
    """A due delivery leased to one worker. `lease` is the claim's own token: only it can
    settle or defer the delivery. `attempts` counts the attempts made before this one;
    `failures` the failed ones since the retry schedule last started (a manual retry
    starts it again). `thread` holds the vendor references of earlier successes to the same
    destination about the same subject."""

    id: str
    lease: str
    kind: ChannelKind
    name: str
    destination_key: str
    subject_id: uuid.UUID
    notice: Notice
    attempts: int
    failures: int
    trigger: Trigger
    thread: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Attempt:
    """One attempt as the log records it."""

    number: int
    trigger: Trigger
    started_at: datetime
    duration_ms: int
    outcome: Outcome


@dataclass(frozen=True)
class Finished:
    """A claimed delivery's attempt, made at `now` and ready to be recorded."""

    delivery: ClaimedDelivery
    attempt: Attempt
    settlement: Settlement
    now: datetime


class DeliveryQueue(Protocol):
    def fan_out(
        self,
        plan: Callable[[OutboxMessage], Sequence[NewDelivery]],
        worker: str,
        now: datetime,
        limit: int = 100,
    ) -> FanOut:
        """Claims up to `limit` due outbox messages, plans each,
        writes their deliveries and marks the messages done, all in one transaction. A
        message whose planning raised is marked failed (retried with backoff) and the others
        go on."""
        ...

    def claim(self, worker: str, now: datetime, limit: int, lease: timedelta) -> list[ClaimedDelivery]:
        """Leases up to `limit` due deliveries, each the oldest waiting one of its ordering
        key (destination, subject), so one destination hears about one case in order.
        Concurrent claims get disjoint deliveries; a lease that runs out makes its delivery
        due again (at-least-once)."""
        ...

    def defer(self, delivery: ClaimedDelivery, until: datetime) -> bool:
        """Gives a claimed delivery back unattempted, due at `until` (a rate limit's queue)."""
        ...

    def settle(
        self, delivery: ClaimedDelivery, attempt: Attempt, settlement: Settlement, now: datetime
    ) -> bool:
        """Records `attempt` and the delivery's new state, keeps the outcome's references for
        the thread on success and makes the destination's waiting retries due at once
        (recovery). False, and nothing recorded, when the lease is no longer held."""
        ...

    def settle_all(self, finished: Sequence[Finished]) -> list[bool]:
        """`settle` for each of `finished` in one transaction; the answer for each, in order.
        A delivery whose lease is no longer held is left alone and the others are recorded.
        Recovery is made once per destination that succeeded, after every attempt of the
        batch is recorded."""
        ...


@dataclass(frozen=True)
class AttemptView:
    number: int
    trigger: Trigger
    started_at: datetime
    duration_ms: int
    result: str
    status: int | None
    error: str | None
    snippet: str
    next_attempt_at: datetime | None


@dataclass(frozen=True)
class DeliveryView:
    id: str
    state: DeliveryState
    kind: ChannelKind
    name: str
    destination_key: str
    event_id: uuid.UUID
    event_kind: str
    subject_type: str
    subject_id: uuid.UUID
    subject_ref: str | None  # the case key or the incident's public id, as planned
    attempts: int
    next_attempt_at: datetime | None
    last_result: str | None
    last_status: int | None
    last_error: str | None
    suppressed_by: str | None
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True)
class DeliveryDetail:
    delivery: DeliveryView
    notice: dict[str, Any]
    attempts: Sequence[AttemptView]


@dataclass(frozen=True)
class DeliveryFilter:
    """Which deliveries a reader asks for, newest first. `visibility` hides the deliveries of
    cases in projects the reader may not see; `incidents` False hides incident deliveries
    (a reader who may not read incidents). `case` is a case key (an old key of a moved case
    too) or UUID, `incident` an incident's public id or UUID; `after` is the (created_at, id) of the
    last delivery of the previous page."""

    visibility: Visibility
    state: DeliveryState | None = None
    case: str | None = None
    incident: str | None = None
    destination: tuple[ChannelKind, str] | None = None
    since: datetime | None = None
    incidents: bool = True
    after: tuple[datetime, str] | None = None
    limit: int = 100


class DeliveryLedger(Protocol):
    def deliveries(
        self, *, state: DeliveryState | None = None, case: str | None = None, limit: int = 100
    ) -> list[DeliveryView]:
        """Newest first, everything visible; `case` is a case key (an old key of a moved case
        too), NotFound when no case has it."""
        ...

    def page(self, wanted: DeliveryFilter) -> list[DeliveryView]:
        """Up to `wanted.limit` deliveries, newest first. NotFound for a `case` that names
        no case the reader may see."""
        ...

    def delivery(
        self, delivery_id: str, visibility: Visibility | None = None, *, incidents: bool = True
    ) -> DeliveryDetail:
        """One delivery with its attempts, oldest first; NotFound when unknown, or hidden
        from `visibility` (None: everything is visible) or, for an incident's, when
        `incidents` is False."""
        ...

    def retry(self, delivery_ids: Sequence[str], now: datetime) -> list[str]:
        """Makes the deliveries due now under their own ids (their next attempt's trigger is
        `manual`, and the retry schedule starts again); NotFound for an unknown id, and then
        nothing is changed. Suppressed deliveries are sent too: asking is deciding."""
        ...

    def retry_dead(self, since: datetime | None, now: datetime) -> list[str]:
        """Retries every dead delivery (created at or after `since`, when given)."""
        ...
