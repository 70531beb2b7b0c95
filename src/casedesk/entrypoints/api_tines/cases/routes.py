"""Tines dialect: cases (`/api/v1/cases`): create, list, get, update, delete."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated, Any

from fastapi import Depends, Request, Response

from casedesk.domain.cases.commands import DeleteCase
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef
from casedesk.entrypoints.api_tines import mapping as m
from casedesk.entrypoints.api_tines import schemas as s
from casedesk.entrypoints.api_tines import wire as w
from casedesk.entrypoints.api_tines.auth import Reader, Writer
from casedesk.entrypoints.api_tines.cases import listing, presenter
from casedesk.entrypoints.api_tines.teams import team_project
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router
from casedesk.services.search.predicates import And, RefIs

router = dialect_router()
Doc = dict[str, Any]


def case_document(ctx: Context, ref: CaseRef) -> Doc:
    detail = ctx.services.read.case(ctx.visibility, ref, presenter.CASE_INCLUDES)
    return presenter.case_document(detail, ctx.services.base_url)


@router.post("/cases", status_code=201)
@router.post("/cases/", status_code=201, include_in_schema=False)
def create_case(body: s.CaseCreate, ctx: Writer) -> Doc:
    return case_document(ctx, CaseRef(id=ctx.handle(m.create_case(body, ctx.principal.user_id))))


async def list_params(request: Request) -> list[tuple[str, str]]:
    """Query parameters, and those of a JSON body sent with the GET (as some clients do).
    Async only to read the body; the route itself runs in the thread pool."""
    params = list(request.query_params.multi_items())
    raw = await request.body()
    if raw.strip():
        try:
            document = json.loads(raw)
        except (ValueError, RecursionError):
            raise ValidationFailed("body", "request body is not valid JSON") from None
        if not isinstance(document, dict):
            raise ValidationFailed("body", "the request body must be a JSON object")
        params += listing.flatten(document)
    return params


@router.get("/cases")
@router.get("/cases/", include_in_schema=False)
def list_cases(params: Annotated[list[tuple[str, str]], Depends(list_params)], ctx: Reader) -> Doc:
    query, team = listing.parse(params, ctx.principal.user_id, ctx.visibility)
    if team is not None:
        in_team = RefIs("project", id=team_project(ctx, team).id)
        query = dataclasses.replace(query, filter=And((in_team, query.filter)))
    page = ctx.services.read.search_cases(query)
    base_url = ctx.services.base_url
    return {
        "cases": [presenter.case_document(detail, base_url) for detail in page.cases],
        "meta": listing.meta(f"{base_url.rstrip('/')}/api/v1/cases", query, page.total, team),
    }


@router.get("/cases/{case_id}")
def get_case(case_id: str, ctx: Reader) -> Doc:
    return case_document(ctx, w.case_ref(case_id))


@router.put("/cases/{case_id}")
def update_case(case_id: str, body: s.CaseUpdate, ctx: Writer) -> Doc:
    ref = w.case_ref(case_id)
    ctx.handle(m.update_case(ref, body))
    return case_document(ctx, ref)


@router.delete("/cases/{case_id}", status_code=204)
def delete_case(case_id: str, ctx: Writer) -> Response:
    ctx.handle(DeleteCase(w.case_ref(case_id)))
    return Response(status_code=204)
