"""PagerDuty through the Events API v2.

A paging notice (trigger, acknowledge, resolve) goes to the events endpoint with the
subject's stable dedup_key, which is returned as the delivery's refs. A notice that does
not page goes to the change-events endpoint (the configured events URL with
`/enqueue` → `/change/enqueue`) so the service's activity feed shows it; routing keys of
Event Orchestration rulesets (starting with "R") take no change events, so for them it is
delivered as skipped, with a note. PagerDuty's 202 is acceptance, not effect (an
acknowledge or resolve without an open alert is dropped silently): ACCEPTED. 400 is
permanent with PagerDuty's errors[] in the snippet; 429 is transient with Retry-After,
or the 30 seconds PagerDuty suggests; 5xx and network errors are transient.
"""

from __future__ import annotations

from casedesk.adapters.channels import pagerduty_events as events
from casedesk.adapters.channels import transport
from casedesk.adapters.outbound.client import OutboundClient, Response
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.outcomes import Outcome, Result, http_result
from casedesk.services.ports.channels import Job

DEFAULT_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
RATE_LIMIT_WAIT = 30.0


def change_url(events_url: str) -> str:
    """The change-events endpoint beside `events_url` (…/v2/enqueue → …/v2/change/enqueue)."""
    base = events_url.rstrip("/")
    if base.endswith("/enqueue"):
        return base[: -len("/enqueue")] + "/change/enqueue"
    return base + "/change/enqueue"


class PagerDutySender:
    """Implements `Sender` for `ChannelKind.PAGERDUTY` destinations (secret `routing_key`)."""

    kind = ChannelKind.PAGERDUTY

    def __init__(self, client: OutboundClient, events_url: str = DEFAULT_EVENTS_URL) -> None:
        self._client = client
        self._events_url = events_url
        self._change_url = change_url(events_url)

    async def send(self, job: Job) -> Outcome:
        key = job.destination.secrets.get("routing_key")
        if not key:
            return Outcome(
                Result.PERMANENT, error="missing_routing_key", snippet="the service has no routing key"
            )
        notice = job.notice
        if notice.page is None:
            if key.startswith("R"):
                note = "skipped: ruleset routing keys take no change events"
                return Outcome(Result.DELIVERED, snippet=note)
            return await self._post(self._change_url, events.change_event(notice, key), refs={})
        event = events.alert_event(notice, key)
        return await self._post(self._events_url, event, refs={"dedup_key": event["dedup_key"]})

    async def _post(self, url: str, event: dict[str, object], refs: dict[str, object]) -> Outcome:
        encoded = events.encode(event)
        if len(encoded) > events.EVENT_BUDGET:
            note = f"the event is {len(encoded)} bytes even without custom_details; not sent"
            return Outcome(Result.PERMANENT, error="payload_too_large", snippet=note)
        response = await transport.post(
            self._client, url, data=encoded, headers={"Content-Type": "application/json"}
        )
        if isinstance(response, Outcome):
            return response
        return classify(response, refs)


def classify(response: Response, refs: dict[str, object]) -> Outcome:
    status = response.status
    snippet = transport.snippet(response)
    if 200 <= status < 300:
        note = "accepted by PagerDuty (an acknowledge or resolve without an open alert is dropped there)"
        return Outcome(Result.ACCEPTED, status=status, snippet=f"{note}\n{snippet}", refs=dict(refs))
    if status == 400:
        return Outcome(Result.PERMANENT, status=status, error="invalid_event", snippet=snippet)
    if status == 429:
        wait = transport.retry_after(response) or RATE_LIMIT_WAIT
        return Outcome(
            Result.TRANSIENT, status=status, error="rate_limited", snippet=snippet, retry_after=wait
        )
    later = transport.retry_after(response)
    return Outcome(
        http_result(status), status=status, error=f"http_{status}", snippet=snippet, retry_after=later
    )
