"""The webhook channel: the configured payload (or the default JSON), signed per Standard
Webhooks, POSTed once.

`Destination.config`: `url`; `payload`, a template with `$VARIABLES` (None: the default
JSON); `custom_headers`, a dict or a JSON object as text; `encode_as`, `json` (default) or
`form`; `custom_variables`, plain ones by name. `Destination.secrets`: `signing_secret`
(`whsec_…`), during a rotation also `previous_signing_secret` (both sign), and the secret
custom variables by name.

Signing: `webhook-id` is the delivery's id (the same on every retry and replay),
`webhook-timestamp` this attempt's Unix time, `webhook-signature` one `v1,<base64
HMAC-SHA256 of "id.timestamp.body">` per secret, space-separated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from casedesk.adapters.channels import transport
from casedesk.adapters.channels.variables import render, variables
from casedesk.adapters.outbound.client import OutboundClient
from casedesk.domain.notifications.destinations import ChannelKind, Destination
from casedesk.domain.notifications.notices import Notice
from casedesk.domain.notifications.outcomes import (
    SNIPPET_MAX,
    Outcome,
    Result,
    http_result,
    parse_retry_after,
)
from casedesk.services.ports.channels import Job

READ_MAX = 64 * 1024  # bytes of an answer read at most; the log keeps SNIPPET_MAX of them
SECRET_PREFIX = "whsec_"
SIGNING_KEYS = ("signing_secret", "previous_signing_secret")
# Headers the signature and the body decide; custom headers cannot replace them.
RESERVED = frozenset(
    {"webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length"}
)


class WebhookSender:
    """Sends through the given client (the outbound-address guarded one in production); it
    never follows redirects, a redirect is a permanent failure like any 3xx."""

    kind = ChannelKind.WEBHOOK

    def __init__(self, client: OutboundClient, clock: Callable[[], datetime] | None = None) -> None:
        self.client = client
        self.clock = clock or (lambda: datetime.now(UTC))

    async def send(self, job: Job) -> Outcome:
        destination = job.destination
        url = destination.config.get("url")
        if not isinstance(url, str) or not url:
            return Outcome(Result.PERMANENT, error="no_url")
        try:
            body, content_type = payload(job, destination)
            extra = custom_headers(destination.config.get("custom_headers"))
        except ValueError as exc:
            return Outcome(Result.PERMANENT, error="invalid_payload", snippet=str(exc))
        now = self.clock()
        headers = {**extra, **signed_headers(job.delivery_id, now, body, destination.secrets)}
        headers["content-type"] = content_type
        return await self._post(url, body, headers, now)

    async def _post(self, url: str, body: bytes, headers: dict[str, str], now: datetime) -> Outcome:
        answer = await transport.post(self.client, url, data=body, headers=headers, read_max=READ_MAX)
        if isinstance(answer, Outcome):
            return answer
        result = http_result(answer.status)
        snippet = answer.body[:SNIPPET_MAX].decode(errors="replace")
        if result is Result.DELIVERED:
            return Outcome(result, status=answer.status, snippet=snippet)
        retry_after = parse_retry_after(answer.headers.get("retry-after"), now)
        if 300 <= answer.status < 400 and "location" in answer.headers:
            snippet = f"redirect to {answer.headers['location']} (not followed)\n{snippet}"
        return Outcome(
            result,
            status=answer.status,
            error=f"http_{answer.status}",
            snippet=snippet,
            retry_after=retry_after if result is Result.TRANSIENT else None,
        )


def payload(job: Job, destination: Destination) -> tuple[bytes, str]:
    """The body and its content type. Raises ValueError for a form payload that is no JSON
    object once filled in."""
    config = destination.config
    form = config.get("encode_as") == "form"
    template = config.get("payload")
    if template is None or template == "":
        document: Any = default_payload(job.notice)
        text = json.dumps(document, separators=(",", ":"))
    else:
        custom = custom_variables(destination)
        text = render(str(template), variables(job.notice, job.delivery_id, custom), json_escape=True)
    if not form:
        return text.encode(), "application/json"
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the payload is not JSON once filled in: {exc}") from None
    if not isinstance(document, dict):
        raise ValueError("a form payload must be a JSON object")
    fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in document.items()}
    return urlencode(fields).encode(), "application/x-www-form-urlencoded"


def default_payload(notice: Notice) -> dict[str, Any]:
    """Standard Webhooks' recommended shape: type, timestamp and the data."""
    return {
        "type": notice.event_kind,
        "timestamp": notice.occurred_at,
        "data": {
            "subject_type": notice.subject_type,
            "subject": notice.subject,
            "change": notice.change,
            "headline": notice.headline,
            "title": notice.title,
            "url": notice.url,
            "reason": notice.reason.value,
            "actor": notice.actor,
        },
    }


def custom_variables(destination: Destination) -> dict[str, str]:
    plain = destination.config.get("custom_variables") or {}
    secret = {k: v for k, v in destination.secrets.items() if k not in SIGNING_KEYS}
    return {**{str(k): str(v) for k, v in dict(plain).items()}, **secret}


def custom_headers(value: Any) -> dict[str, str]:
    """A dict, or a JSON object as text (Datadog's form); signature and body headers stay ours."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError("custom_headers is not a JSON object") from None
    if not isinstance(value, Mapping):
        raise ValueError("custom_headers is not a JSON object")
    return {str(k): str(v) for k, v in value.items() if str(k).lower() not in RESERVED}


def signed_headers(
    delivery_id: str, now: datetime, body: bytes, secrets: Mapping[str, str]
) -> dict[str, str]:
    timestamp = str(int(now.timestamp()))
    signatures = [
        sign(secrets[key], delivery_id, timestamp, body) for key in SIGNING_KEYS if secrets.get(key)
    ]
    headers = {"webhook-id": delivery_id, "webhook-timestamp": timestamp}
    if signatures:
        headers["webhook-signature"] = " ".join(signatures)
    return headers


def sign(secret: str, delivery_id: str, timestamp: str, body: bytes) -> str:
    key = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    raw = base64.b64decode(key + "=" * (-len(key) % 4))
    digest = hmac.new(raw, f"{delivery_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
