"""Datadog dialect: saved case views (`/api/v2/cases/views…`).

A view is run by passing its query as the `filter` of SearchCases (`GET /api/v2/cases`),
prefixed with `project_id:<the view's project id>` to keep to the view's project.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from casedesk.domain import commands as c
from casedesk.domain.ids import parse_uuid
from casedesk.domain.vocab import Scope
from casedesk.entrypoints.api_datadog.cases import relation_mapping as mr
from casedesk.entrypoints.api_datadog.cases import relation_schemas as sr
from casedesk.entrypoints.http.deps import Context, context

router = APIRouter()
Reader = Annotated[Context, Depends(context(Scope.CASES_READ))]
Writer = Annotated[Context, Depends(context(Scope.CASES_WRITE))]
Doc = dict[str, Any]


def view_document(ctx: Context, view_id: uuid.UUID) -> Doc:
    return {"data": mr.view_resource(ctx.container.read.case_view(view_id))}


@router.get("/cases/views", name="ListCaseViews")
def list_views(ctx: Reader, project_id: Annotated[str, Query(max_length=sr.ID_MAX)]) -> Doc:
    views = ctx.container.read.case_views(parse_uuid(project_id, "project_id"))
    return {"data": [mr.view_resource(v) for v in views]}


@router.post("/cases/views", name="CreateCaseView", status_code=201)
def create_view(body: sr.CaseViewCreateRequest, ctx: Writer) -> Doc:
    return view_document(ctx, ctx.handle(mr.create_view(body)))


@router.get("/cases/views/{view_id}", name="GetCaseView")
def get_view(view_id: str, ctx: Reader) -> Doc:
    return view_document(ctx, parse_uuid(view_id, "view_id"))


@router.put("/cases/views/{view_id}", name="UpdateCaseView")
def update_view(view_id: str, body: sr.CaseViewUpdateRequest, ctx: Writer) -> Doc:
    return view_document(ctx, ctx.handle(mr.update_view(parse_uuid(view_id, "view_id"), body)))


@router.delete("/cases/views/{view_id}", name="DeleteCaseView", status_code=204)
def delete_view(view_id: str, ctx: Writer) -> Response:
    ctx.handle(c.DeleteCaseView(parse_uuid(view_id, "view_id")))
    return Response(status_code=204)
