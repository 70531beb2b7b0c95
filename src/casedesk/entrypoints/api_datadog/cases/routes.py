"""Datadog dialect: the case lifecycle (`/api/v2/cases…`)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import Query, Response

from casedesk.domain.cases import commands as c
from casedesk.domain.commands import Command
from casedesk.domain.ids import CaseRef, UserRef, parse_uuid
from casedesk.domain.vocab import Priority
from casedesk.entrypoints.api_datadog import mapping as m
from casedesk.entrypoints.api_datadog import schemas as s
from casedesk.entrypoints.api_datadog.access import CaseReader as Reader
from casedesk.entrypoints.api_datadog.access import CaseWriter as Writer
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router
from casedesk.services.bus import utc_now
from casedesk.services.ports.case_queries import CaseQuery, CaseSort, CaseSortField
from casedesk.services.search.cases import parse_case_query

router = dialect_router()
Doc = dict[str, Any]
# Far beyond any real listing, and keeps OFFSET inside a 64-bit integer.
MAX_PAGE_NUMBER = 10_000_000
SORTS = {
    "created_at": CaseSortField.CREATED,
    "priority": CaseSortField.PRIORITY,
    "status": CaseSortField.STATUS,
}


def case_document(ctx: Context, ref: CaseRef) -> Doc:
    return m.case_document(ctx.services.read.case(ctx.visibility, ref))


def run(ctx: Context, command: Command[uuid.UUID]) -> Doc:
    """Runs a command on one case and answers with the whole case, as every update does."""
    case_id = ctx.handle(command)
    return case_document(ctx, CaseRef(id=case_id))


@router.get("/cases", name="SearchCases")
def search_cases(
    ctx: Reader,
    page_size: Annotated[int, Query(alias="page[size]", ge=1, le=100)] = 10,
    page_number: Annotated[int, Query(alias="page[number]", ge=0, le=MAX_PAGE_NUMBER)] = 0,
    sort_field: Annotated[
        Literal["created_at", "priority", "status"], Query(alias="sort[field]")
    ] = "created_at",
    sort_asc: Annotated[bool, Query(alias="sort[asc]")] = False,
    filter_: Annotated[str | None, Query(alias="filter")] = None,
) -> Doc:
    # Page numbers start at 1; 0 (the contract's default) also means the first page.
    page_number = max(page_number, 1)
    query = CaseQuery(
        ctx.visibility,
        filter=parse_case_query(filter_, now=utc_now(), me=ctx.principal.user_id),
        sort=CaseSort(SORTS[sort_field], ascending=sort_asc),
        page_size=page_size,
        page_number=page_number,
    )
    return m.case_page(ctx.services.read.search_cases(query), page_number, page_size)


@router.post("/cases", name="CreateCase", status_code=201)
def create_case(body: s.CaseCreateRequest, ctx: Writer) -> Doc:
    return run(ctx, m.create_case(body))


@router.get("/cases/{case_id}", name="GetCase")
def get_case(case_id: str, ctx: Reader) -> Doc:
    return case_document(ctx, CaseRef.parse(case_id))


@router.post("/cases/{case_id}/status", name="UpdateStatus")
def update_status(case_id: str, body: s.CaseUpdateStatusRequest, ctx: Writer) -> Doc:
    return run(ctx, m.change_status(CaseRef.parse(case_id), body))


@router.post("/cases/{case_id}/priority", name="UpdatePriority")
def update_priority(case_id: str, body: s.CaseUpdatePriorityRequest, ctx: Writer) -> Doc:
    priority = Priority(body.data.attributes.priority)
    return run(ctx, c.ChangeCasePriority(CaseRef.parse(case_id), priority))


@router.post("/cases/{case_id}/title", name="UpdateCaseTitle")
def update_title(case_id: str, body: s.CaseUpdateTitleRequest, ctx: Writer) -> Doc:
    return run(ctx, c.RetitleCase(CaseRef.parse(case_id), body.data.attributes.title))


@router.post("/cases/{case_id}/description", name="UpdateCaseDescription")
def update_description(case_id: str, body: s.CaseUpdateDescriptionRequest, ctx: Writer) -> Doc:
    return run(ctx, c.DescribeCase(CaseRef.parse(case_id), body.data.attributes.description))


@router.post("/cases/{case_id}/assign", name="AssignCase")
def assign(case_id: str, body: s.CaseAssignRequest, ctx: Writer) -> Doc:
    assignee = parse_uuid(body.data.attributes.assignee_id, "assignee_id")
    return run(ctx, c.AssignCase(CaseRef.parse(case_id), UserRef(id=assignee)))


@router.post("/cases/{case_id}/unassign", name="UnassignCase")
def unassign(case_id: str, body: s.CaseEmptyRequest, ctx: Writer) -> Doc:
    return run(ctx, c.UnassignCase(CaseRef.parse(case_id)))


@router.post("/cases/{case_id}/archive", name="ArchiveCase")
def archive(case_id: str, body: s.CaseEmptyRequest, ctx: Writer) -> Doc:
    return run(ctx, c.ArchiveCase(CaseRef.parse(case_id)))


@router.post("/cases/{case_id}/unarchive", name="UnarchiveCase")
def unarchive(case_id: str, body: s.CaseEmptyRequest, ctx: Writer) -> Doc:
    return run(ctx, c.UnarchiveCase(CaseRef.parse(case_id)))


@router.post("/cases/{case_id}/attributes", name="UpdateAttributes")
def update_attributes(case_id: str, body: s.CaseUpdateAttributesRequest, ctx: Writer) -> Doc:
    return run(ctx, c.SetCaseAttributes(CaseRef.parse(case_id), body.data.attributes.attributes))


@router.post("/cases/{case_id}/due_date", name="UpdateCaseDueDate")
def update_due_date(case_id: str, body: s.CaseUpdateDueDateRequest, ctx: Writer) -> Doc:
    return run(ctx, m.due_date(CaseRef.parse(case_id), body))


@router.post("/cases/{case_id}/resolved_reason", name="UpdateCaseResolvedReason")
def update_resolved_reason(case_id: str, body: s.CaseUpdateResolvedReasonRequest, ctx: Writer) -> Doc:
    return run(ctx, m.resolved_reason(CaseRef.parse(case_id), body))


# -- comments and timeline ---------------------------------------------------------------


@router.post("/cases/{case_id}/comment", name="CommentCase")
def comment(case_id: str, body: s.CaseCommentRequest, ctx: Writer) -> Doc:
    ref = CaseRef.parse(case_id)
    cell_id = ctx.handle(c.CommentOnCase(ref, body.data.attributes.comment))
    return {"data": [m.timeline_cell(ctx.services.read.comment(ctx.visibility, ref, cell_id))]}


@router.put("/cases/{case_id}/comment/{cell_id}", name="UpdateCaseComment")
def update_comment(case_id: str, cell_id: str, body: s.CaseCommentRequest, ctx: Writer) -> Doc:
    ref, cell = CaseRef.parse(case_id), parse_uuid(cell_id, "cell_id")
    ctx.handle(c.UpdateCaseComment(ref, cell, body.data.attributes.comment))
    return {"data": [m.timeline_cell(ctx.services.read.comment(ctx.visibility, ref, cell))]}


@router.delete("/cases/{case_id}/comment/{cell_id}", name="DeleteCaseComment", status_code=204)
def delete_comment(case_id: str, cell_id: str, ctx: Writer) -> Response:
    ctx.handle(c.DeleteCaseComment(CaseRef.parse(case_id), parse_uuid(cell_id, "cell_id")))
    return Response(status_code=204)


@router.get("/cases/{case_id}/timelines", name="ListCaseTimeline")
def timeline(
    case_id: str,
    ctx: Reader,
    page_size: Annotated[int, Query(alias="page[size]", ge=1, le=1000)] = 100,
    page_number: Annotated[int, Query(alias="page[number]", ge=0, le=MAX_PAGE_NUMBER)] = 0,
    ascending: Annotated[bool, Query(alias="sort[ascending]")] = False,
) -> Doc:
    entries = ctx.services.read.case_timeline(
        ctx.visibility, CaseRef.parse(case_id), page_size, max(page_number, 1), ascending
    )
    return {"data": [m.timeline_cell(e) for e in entries]}
