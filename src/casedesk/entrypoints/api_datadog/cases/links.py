"""Datadog dialect: links between cases and other entities (`/api/v2/cases/link…`)."""

from __future__ import annotations

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
Text = Annotated[str, Query(max_length=sr.ID_MAX)]


@router.get("/cases/link", name="ListCaseLinks")
def list_links(ctx: Reader, entity_type: Text, entity_id: Text, relationship: Text | None = None) -> Doc:
    entity, wanted = mr.link_query(entity_type, entity_id, relationship)
    return {"data": [mr.link_resource(link) for link in ctx.container.read.case_links(entity, wanted)]}


@router.post("/cases/link", name="CreateCaseLink", status_code=201)
def create_link(body: sr.CaseLinkCreateRequest, ctx: Writer) -> Doc:
    link_id = ctx.handle(mr.create_link(body))
    return {"data": mr.link_resource(ctx.container.read.case_link(link_id))}


@router.delete("/cases/link/{link_id}", name="DeleteCaseLink", status_code=204)
def delete_link(link_id: str, ctx: Writer) -> Response:
    ctx.handle(c.DeleteCaseLink(parse_uuid(link_id, "link_id")))
    return Response(status_code=204)
