"""Datadog dialect: the audit log, as Datadog's Audit Trail events (`GET /api/v2/audit/events`).

Newest first, paged with `page[limit]` and the opaque `page[cursor]` that `meta.page.after`
gives. `filter[query]` takes `@evt.name:<action>` (e.g. `@evt.name:user.role_changed`) or
`*`; `filter[from]` and `filter[to]` are accepted and not applied: the log is small, and
Datadog's default window of fifteen minutes would hide most of it.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query

from casedesk.domain.audit import AuditAction, AuditEntry
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import parse_uuid
from casedesk.entrypoints.api_datadog.access import AuditReader
from casedesk.entrypoints.api_datadog.wire import iso
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()
Doc = dict[str, Any]
ACTION_QUERY = re.compile(r"^@evt\.name:(\S+)$")


def audit_event(entry: AuditEntry) -> Doc:
    return {
        "id": str(entry.id),
        "type": "audit",
        "attributes": {
            "timestamp": iso(entry.occurred_at),
            "service": "casedesk",
            "message": f"{entry.actor_email} {entry.action.value} {entry.target_type} {entry.target_id}",
            "tags": ["source:casedesk", f"evt.name:{entry.action.value}", f"target_type:{entry.target_type}"],
            "attributes": {
                "evt": {"name": entry.action.value},
                "usr": {
                    "id": None if entry.actor_id is None else str(entry.actor_id),
                    "email": entry.actor_email,
                },
                "key_id": None if entry.key_id is None else str(entry.key_id),
                "target": {"type": entry.target_type, "id": entry.target_id},
                "data": entry.data,
            },
        },
    }


def parse_action(query: str | None) -> AuditAction | None:
    if query is None or query.strip() in ("", "*"):
        return None
    found = ACTION_QUERY.match(query.strip())
    if found is None:
        raise ValidationFailed("filter[query]", "only @evt.name:<action> or * is supported")
    try:
        return AuditAction(found.group(1))
    except ValueError:
        known = ", ".join(a.value for a in AuditAction)
        raise ValidationFailed(
            "filter[query]", f"unknown action {found.group(1)!r}; actions: {known}"
        ) from None


@router.get("/audit/events", name="ListAuditLogs")
def list_audit_logs(
    ctx: AuditReader,
    query: Annotated[str | None, Query(alias="filter[query]", max_length=1000)] = None,
    since: Annotated[str | None, Query(alias="filter[from]", max_length=100)] = None,
    until: Annotated[str | None, Query(alias="filter[to]", max_length=100)] = None,
    sort: Annotated[str, Query(pattern="^-timestamp$")] = "-timestamp",
    cursor: Annotated[str | None, Query(alias="page[cursor]", max_length=100)] = None,
    limit: Annotated[int, Query(alias="page[limit]", ge=1, le=1000)] = 10,
) -> Doc:
    action = parse_action(query)
    before: uuid.UUID | None = None if cursor is None else parse_uuid(cursor, "page[cursor]")
    entries = ctx.services.identity.audit_entries(limit=limit + 1, before=before, action=action)
    page, more = entries[:limit], len(entries) > limit
    answer: Doc = {"data": [audit_event(e) for e in page], "meta": {"status": "done", "page": {}}}
    if more:
        after = str(page[-1].id)
        answer["meta"]["page"]["after"] = after
        params = {"page[cursor]": after, "page[limit]": limit, **({"filter[query]": query} if query else {})}
        answer["links"] = {"next": f"{ctx.services.base_url}/api/v2/audit/events?{urlencode(params)}"}
    return answer
