"""Datadog dialect: who watches a case (`/api/v2/cases/{case_id}/watchers…`)."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from casedesk.domain.cases import commands as c
from casedesk.domain.ids import CaseRef, UserRef, parse_uuid
from casedesk.domain.users import User
from casedesk.entrypoints.api_datadog import mapping as m
from casedesk.entrypoints.api_datadog.access import CaseReader as Reader
from casedesk.entrypoints.api_datadog.access import CaseWriter as Writer
from casedesk.entrypoints.http.routing import dialect_router
from casedesk.services.ports.case_queries import Include

router = dialect_router()
Doc = dict[str, Any]


def watcher_resource(user: User) -> Doc:
    # A watcher is a user's subscription to one case; the user's id identifies it there.
    return {
        "id": str(user.id),
        "type": "watcher",
        "relationships": {"user": {"data": {"id": str(user.id), "type": "user"}}},
    }


@router.get("/cases/{case_id}/watchers", name="ListCaseWatchers")
def list_watchers(case_id: str, ctx: Reader) -> Doc:
    users = ctx.services.read.case(
        ctx.visibility, CaseRef.parse(case_id), frozenset({Include.WATCHERS})
    ).watchers
    return {"data": [watcher_resource(u) for u in users], "included": [m.included_user(u) for u in users]}


@router.post("/cases/{case_id}/watchers/{user_uuid}", name="WatchCase", status_code=201)
def watch(case_id: str, user_uuid: str, ctx: Writer) -> Response:
    ctx.handle(c.WatchCase(CaseRef.parse(case_id), UserRef(id=parse_uuid(user_uuid, "user_uuid"))))
    return Response(status_code=201)


@router.delete("/cases/{case_id}/watchers/{user_uuid}", name="UnwatchCase", status_code=204)
def unwatch(case_id: str, user_uuid: str, ctx: Writer) -> Response:
    ctx.handle(c.UnwatchCase(CaseRef.parse(case_id), UserRef(id=parse_uuid(user_uuid, "user_uuid"))))
    return Response(status_code=204)
