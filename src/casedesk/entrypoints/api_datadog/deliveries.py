"""The delivery log over HTTP (`/api/v2/deliveries`): casedesk's own operations, written in
the Datadog dialect's manner (JSON:API, its keys, its error bodies) beside the CLI's
`casedesk deliveries`.

Reading needs `integrations_read` and shows only what the caller may see: a case's
deliveries when they may see the case (a hidden case's delivery is 404, like an unknown
one), an incident's to whoever may read incidents. Retrying needs `manage_integrations`. A
delivery names its destination by kind and name and carries its notice, which holds no
secret; the destination's configuration is never shown.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Path, Query
from pydantic import Field

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.notifications.deliveries import DeliveryState
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.vocab import Scope
from casedesk.entrypoints.api_datadog.access import DeliveryReader, DeliveryRetrier
from casedesk.entrypoints.api_datadog.wire import ID_MAX, Wire, iso
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router
from casedesk.entrypoints.http.timestamps import parse_timestamp
from casedesk.services.ports.deliveries import AttemptView, DeliveryDetail, DeliveryFilter, DeliveryView

router = dialect_router(prefix="/deliveries")
Doc = dict[str, Any]
TYPE = "deliveries"
STATES = "|".join(s.value for s in DeliveryState)
KINDS = ", ".join(k.value for k in ChannelKind)


class RetryAttributes(Wire):
    status: Literal["dead"]
    since: str | None = Field(default=None, max_length=ID_MAX)


class RetryData(Wire):
    type: Literal["delivery_retry"]
    attributes: RetryAttributes


class RetryRequest(Wire):
    data: RetryData


def delivery_attributes(v: DeliveryView) -> Doc:
    return {
        "status": v.state.value,
        "destination": {"kind": v.kind.value, "name": v.name},
        "event": {"id": str(v.event_id), "kind": v.event_kind},
        "subject": {"type": v.subject_type, "id": str(v.subject_id), "ref": v.subject_ref},
        "attempt_count": v.attempts,
        "next_attempt_at": iso(v.next_attempt_at),
        "last_result": v.last_result,
        "last_status": v.last_status,
        "last_error": v.last_error,
        "suppressed_by": v.suppressed_by,
        "created_at": iso(v.created_at),
        "delivered_at": iso(v.delivered_at),
    }


def attempt_doc(a: AttemptView) -> Doc:
    return {
        "number": a.number,
        "trigger": a.trigger.value,
        "started_at": iso(a.started_at),
        "duration_ms": a.duration_ms,
        "result": a.result,
        "status_code": a.status,
        "error": a.error,
        "snippet": a.snippet,
        "next_attempt_at": iso(a.next_attempt_at),
    }


def delivery_resource(v: DeliveryView) -> Doc:
    return {"id": v.id, "type": TYPE, "attributes": delivery_attributes(v)}


def detail_resource(detail: DeliveryDetail) -> Doc:
    resource = delivery_resource(detail.delivery)
    resource["attributes"]["attempts"] = [attempt_doc(a) for a in detail.attempts]
    resource["attributes"]["notice"] = detail.notice
    return resource


def parse_state(text: str | None) -> DeliveryState | None:
    if text is None:
        return None
    try:
        return DeliveryState(text.strip().lower())
    except ValueError:
        raise ValidationFailed("filter[status]", f"{text[:40]!r} is not one of {STATES}") from None


def parse_destination(text: str | None) -> tuple[ChannelKind, str] | None:
    if text is None:
        return None
    kind, sep, name = text.partition(":")
    try:
        channel = ChannelKind(kind.strip().lower())
    except ValueError:
        channel = None
    if not sep or channel is None or not name.strip():
        raise ValidationFailed("filter[destination]", f"write kind:name, the kind one of {KINDS}")
    return channel, name.strip()


def parse_incident(text: str | None) -> str | None:
    if text is None:
        return None
    raw = text.strip()
    if raw.isdigit():
        return raw
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise ValidationFailed("filter[incident]", "an incident's public id or UUID") from None


def encode_cursor(v: DeliveryView) -> str:
    return base64.urlsafe_b64encode(f"{v.created_at.isoformat()}|{v.id}".encode()).decode()


def decode_cursor(text: str | None) -> tuple[datetime, str] | None:
    if text is None:
        return None
    try:
        at, sep, last = base64.urlsafe_b64decode(text.encode()).decode().partition("|")
        moment = datetime.fromisoformat(at)
        if not sep or not last or moment.utcoffset() is None:
            raise ValueError(text)
        return moment.astimezone(UTC), last
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError):
        raise ValidationFailed("page[cursor]", "not a cursor this API gave") from None


def reads_incidents(ctx: Context) -> bool:
    return ctx.principal.has(Scope.INCIDENT_READ)


@router.get("", name="ListDeliveries")
def list_deliveries(
    ctx: DeliveryReader,
    status: Annotated[str | None, Query(alias="filter[status]", max_length=ID_MAX)] = None,
    case: Annotated[str | None, Query(alias="filter[case]", max_length=ID_MAX)] = None,
    incident: Annotated[str | None, Query(alias="filter[incident]", max_length=ID_MAX)] = None,
    destination: Annotated[str | None, Query(alias="filter[destination]", max_length=400)] = None,
    since: Annotated[str | None, Query(alias="filter[since]", max_length=ID_MAX)] = None,
    cursor: Annotated[str | None, Query(alias="page[cursor]", max_length=400)] = None,
    limit: Annotated[int, Query(alias="page[limit]", ge=1, le=1000)] = 50,
) -> Doc:
    """The delivery log, newest first (`integrations_read`): the deliveries of cases the
    caller may see and, for incident readers, of incidents. `filter[destination]` is
    `kind:name` (`webhook:siem`); paged by the `page[cursor]` that `meta.page.after` gives."""
    wanted = DeliveryFilter(
        ctx.visibility,
        state=parse_state(status),
        case=case,
        incident=parse_incident(incident),
        destination=parse_destination(destination),
        since=parse_timestamp(since, "filter[since]"),
        incidents=reads_incidents(ctx),
        after=decode_cursor(cursor),
        limit=limit + 1,
    )
    found = ctx.services.deliveries.page(wanted)
    page, more = found[:limit], len(found) > limit
    answer: Doc = {"data": [delivery_resource(v) for v in page], "meta": {"page": {}}}
    if more:
        after = encode_cursor(page[-1])
        answer["meta"]["page"]["after"] = after
        given = {"filter[status]": status, "filter[case]": case, "filter[incident]": incident,
                 "filter[destination]": destination, "filter[since]": since}  # fmt: skip
        params = {k: v for k, v in given.items() if v is not None}
        params.update({"page[cursor]": after, "page[limit]": str(limit)})
        answer["links"] = {"next": f"{ctx.services.base_url}/api/v2/deliveries?{urlencode(params)}"}
    return answer


@router.post("/retry", name="RetryDeadDeliveries")
def retry_dead_deliveries(body: RetryRequest, ctx: DeliveryRetrier) -> Doc:
    """Retries every dead delivery, created at or after `since` when given
    (`manage_integrations`); answers how many, and which."""
    since = parse_timestamp(body.data.attributes.since, "since")
    ids = ctx.services.deliveries.retry_dead(since, datetime.now(UTC))
    attributes = {"status": "dead", "since": iso(since), "count": len(ids), "delivery_ids": ids}
    return {"data": {"type": "delivery_retry", "attributes": attributes}}


@router.get("/{delivery_id}", name="GetDelivery")
def get_delivery(delivery_id: Annotated[str, Path(max_length=ID_MAX)], ctx: DeliveryReader) -> Doc:
    """One delivery with every attempt at it and its notice (`integrations_read`)."""
    detail = ctx.services.deliveries.delivery(delivery_id, ctx.visibility, incidents=reads_incidents(ctx))
    return {"data": detail_resource(detail)}


@router.post("/{delivery_id}/retry", name="RetryDelivery")
def retry_delivery(delivery_id: Annotated[str, Path(max_length=ID_MAX)], ctx: DeliveryRetrier) -> Doc:
    """Makes the delivery due now under its own id, so a webhook receiver sees the same
    `webhook-id` again (`manage_integrations`); answers the delivery."""
    ledger = ctx.services.deliveries
    ledger.retry([delivery_id], datetime.now(UTC))
    return {"data": detail_resource(ledger.delivery(delivery_id, ctx.visibility))}
