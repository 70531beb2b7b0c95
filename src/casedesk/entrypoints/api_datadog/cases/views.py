"""Datadog dialect: saved case views (`/api/v2/cases/views…`).

A view is run by passing its query as the `filter` of SearchCases (`GET /api/v2/cases`),
prefixed with `project_id:<the view's project id>` to keep to the view's project.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import Query, Response
from pydantic import Field

from casedesk.domain.cases.views import CaseView, CreateCaseView, DeleteCaseView, UpdateCaseView
from casedesk.domain.ids import parse_uuid
from casedesk.entrypoints.api_datadog.access import CaseReader as Reader
from casedesk.entrypoints.api_datadog.access import CaseWriter as Writer
from casedesk.entrypoints.api_datadog.mapping import user_ref
from casedesk.entrypoints.api_datadog.wire import ID_MAX, NAME_MAX, QUERY_MAX, Wire, iso
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()
Doc = dict[str, Any]


class CaseViewCreateAttributes(Wire):
    name: str = Field(max_length=NAME_MAX)
    query: str = Field(max_length=QUERY_MAX)
    project_id: str = Field(max_length=ID_MAX)
    np_rule_id: str | None = Field(default=None, max_length=ID_MAX)


class CaseViewCreate(Wire):
    type: Literal["view"]
    attributes: CaseViewCreateAttributes


class CaseViewCreateRequest(Wire):
    data: CaseViewCreate


class CaseViewUpdateAttributes(Wire):
    name: str | None = Field(default=None, max_length=NAME_MAX)
    query: str | None = Field(default=None, max_length=QUERY_MAX)
    np_rule_id: str | None = Field(default=None, max_length=ID_MAX)


class CaseViewUpdate(Wire):
    type: Literal["view"]
    attributes: CaseViewUpdateAttributes = Field(default_factory=CaseViewUpdateAttributes)


class CaseViewUpdateRequest(Wire):
    data: CaseViewUpdate


def view_resource(view: CaseView) -> Doc:
    attributes: Doc = {"name": view.name, "query": view.query, "created_at": iso(view.created_at)}
    # The contract's members are not nullable: absent rather than null.
    if view.modified_at is not None:
        attributes["modified_at"] = iso(view.modified_at)
    if view.np_rule_id is not None:
        attributes["np_rule_id"] = view.np_rule_id
    return {
        "id": str(view.id),
        "type": "view",
        "attributes": attributes,
        "relationships": {
            "created_by": user_ref(view.created_by),
            "modified_by": user_ref(view.modified_by),
            "project": {"data": {"id": str(view.project_id), "type": "project"}},
        },
    }


def view_document(ctx: Context, view_id: uuid.UUID) -> Doc:
    return {"data": view_resource(ctx.services.read.case_view(ctx.visibility, view_id))}


@router.get("/cases/views", name="ListCaseViews")
def list_views(ctx: Reader, project_id: Annotated[str, Query(max_length=ID_MAX)]) -> Doc:
    views = ctx.services.read.case_views(ctx.visibility, parse_uuid(project_id, "project_id"))
    return {"data": [view_resource(v) for v in views]}


@router.post("/cases/views", name="CreateCaseView", status_code=201)
def create_view(body: CaseViewCreateRequest, ctx: Writer) -> Doc:
    attrs = body.data.attributes
    command = CreateCaseView(
        project_id=parse_uuid(attrs.project_id, "project_id"),
        name=attrs.name,
        query=attrs.query,
        np_rule_id=attrs.np_rule_id,
    )
    return view_document(ctx, ctx.handle(command))


@router.get("/cases/views/{view_id}", name="GetCaseView")
def get_view(view_id: str, ctx: Reader) -> Doc:
    return view_document(ctx, parse_uuid(view_id, "view_id"))


@router.put("/cases/views/{view_id}", name="UpdateCaseView")
def update_view(view_id: str, body: CaseViewUpdateRequest, ctx: Writer) -> Doc:
    attrs = body.data.attributes
    command = UpdateCaseView(
        view_id=parse_uuid(view_id, "view_id"),
        name=attrs.name,
        query=attrs.query,
        np_rule_id=attrs.np_rule_id,
    )
    return view_document(ctx, ctx.handle(command))


@router.delete("/cases/views/{view_id}", name="DeleteCaseView", status_code=204)
def delete_view(view_id: str, ctx: Writer) -> Response:
    ctx.handle(DeleteCaseView(parse_uuid(view_id, "view_id")))
    return Response(status_code=204)
