"""Microsoft Teams through a Workflows webhook ("When a Teams webhook request is received").

Each notice is one Adaptive Card: a Workflows webhook has no threads, edits or message ids.
Its 202 only means Power Automate took the request: the flow posts the card later and
reports a failure nowhere the sender can see, so the outcome is ACCEPTED and its snippet
says "accepted, not confirmed". A card that cannot be brought within the size budget is
permanent (`payload_too_large`) and nothing is sent.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from casedesk.adapters.channels import teams_card, transport
from casedesk.adapters.outbound.client import OutboundClient, Response
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.outcomes import Outcome, Result, http_result
from casedesk.services.ports.channels import Job

ACCEPTED_NOTE = (
    "accepted by the Workflows webhook, not confirmed: Power Automate posts the card later and "
    "reports a failed run only in the flow's run history"
)


class TeamsSender:
    """Implements `Sender` for `ChannelKind.TEAMS` destinations; the Workflows URL (a bearer
    secret: its `sig` authorises) is the destination's `url`, in its secrets or config."""

    kind = ChannelKind.TEAMS

    def __init__(self, client: OutboundClient, budget: int = teams_card.ENVELOPE_BUDGET) -> None:
        self._client = client
        self._budget = budget

    async def send(self, job: Job) -> Outcome:
        url = job.destination.secrets.get("url") or job.destination.config.get("url")
        if not url:
            return Outcome(
                Result.PERMANENT, error="missing_url", snippet="the Teams handle has no Workflows URL"
            )
        if is_retired_connector(str(url)):
            note = "Office 365 connector URLs are retired; create a Workflows webhook and use its URL"
            return Outcome(Result.PERMANENT, error="retired_connector", snippet=note)
        encoded = teams_card.render(job.notice, self._budget)
        if encoded is None:
            note = f"the card does not fit in {self._budget} bytes even without its text; not sent"
            return Outcome(Result.PERMANENT, error="payload_too_large", snippet=note)
        response = await transport.post(
            self._client, str(url), data=encoded, headers={"Content-Type": "application/json"}
        )
        if isinstance(response, Outcome):
            return response
        return classify(response)


def is_retired_connector(url: str) -> bool:
    """Whether `url` is an Office 365 connector's (`*.webhook.office.com`,
    `outlook.office.com/webhook/…`), which Microsoft shut down in May 2026."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host == "webhook.office.com" or host.endswith(".webhook.office.com"):
        return True
    return host == "outlook.office.com" and parts.path.startswith("/webhook")


def classify(response: Response) -> Outcome:
    status = response.status
    snippet = transport.snippet(response)
    if 200 <= status < 300:
        return Outcome(Result.ACCEPTED, status=status, snippet=f"{ACCEPTED_NOTE}\n{snippet}".rstrip())
    wait = transport.retry_after(response)
    return Outcome(
        http_result(status), status=status, error=f"http_{status}", snippet=snippet, retry_after=wait
    )
