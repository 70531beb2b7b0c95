"""Datadog dialect: the incident lifecycle (`/api/v2/incidents…`) and linking a case to one."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query, Response

from casedesk.domain.ids import CaseRef
from casedesk.domain.incidents import commands as ic
from casedesk.entrypoints.api_datadog.access import CaseWriter
from casedesk.entrypoints.api_datadog.access import IncidentReader as Reader
from casedesk.entrypoints.api_datadog.access import IncidentWriter as Writer
from casedesk.entrypoints.api_datadog.cases.routes import case_document
from casedesk.entrypoints.api_datadog.incidents import mapping as m
from casedesk.entrypoints.api_datadog.incidents import schemas as s
from casedesk.entrypoints.api_datadog.incidents.search import facets_document
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router
from casedesk.services.bus import utc_now
from casedesk.services.ports.incidents import IncidentSearch
from casedesk.services.search.incidents import parse_incident_query

router = dialect_router()
Include = Annotated[str | None, Query(alias="include", max_length=200)]
PageSize = Annotated[int, Query(alias="page[size]", ge=1, le=100)]
# Far beyond any real listing, and keeps OFFSET inside a 64-bit integer.
PageOffset = Annotated[int, Query(alias="page[offset]", ge=0, le=10_000_000)]
Doc = dict[str, Any]


def incident_document(ctx: Context, ref: ic.IncidentRef, include: str | None) -> Doc:
    wanted = m.includes(include)
    return m.incident_document(ctx.services.incidents.incident(ctx.visibility, ref), wanted)


@router.get("/incidents", name="ListIncidents")
def list_incidents(ctx: Reader, include: Include = None, size: PageSize = 10, offset: PageOffset = 0) -> Doc:
    wanted = m.includes(include)
    page = ctx.services.incidents.search_incidents(ctx.visibility, IncidentSearch(offset=offset, size=size))
    return {
        "data": [m.incident_resource(d) for d in page.incidents],
        "included": m.included(page.incidents, page.users, wanted),
        "meta": m.pagination(offset, len(page.incidents)),
    }


@router.post("/incidents", name="CreateIncident", status_code=201)
def create_incident(body: s.IncidentCreateRequest, ctx: Writer, include: Include = None) -> Doc:
    m.includes(include)
    incident_id = ctx.handle(m.create_incident(body))
    return incident_document(ctx, ic.IncidentRef(id=incident_id), include)


@router.post("/incidents/import", name="ImportIncident", status_code=201)
def import_incident(body: s.IncidentImportRequest, ctx: Writer, include: Include = None) -> Doc:
    m.includes(include)
    incident_id = ctx.handle(m.import_incident(body))
    return incident_document(ctx, ic.IncidentRef(id=incident_id), include)


@router.get("/incidents/search", name="SearchIncidents")
def search_incidents(
    ctx: Reader,
    query: Annotated[str, Query()],  # bounded by the search parser
    include: Include = None,
    sort: Literal["created", "-created"] = "-created",
    size: PageSize = 10,
    offset: PageOffset = 0,
) -> Doc:
    wanted = m.includes(include)
    predicate = parse_incident_query(query, now=utc_now(), me=ctx.principal.user_id)
    search = IncidentSearch(filter=predicate, newest_first=sort == "-created", offset=offset, size=size)
    page = ctx.services.incidents.search_incidents(ctx.visibility, search)
    facets = ctx.services.incidents.incident_facets(predicate)
    return {
        "data": {
            "type": "incidents_search_results",
            "attributes": {
                "incidents": [{"data": m.incident_resource(d)} for d in page.incidents],
                "total": page.total,
                "facets": facets_document(facets),
            },
        },
        "included": m.included(page.incidents, page.users, wanted),
        "meta": m.pagination(offset, len(page.incidents)),
    }


@router.get("/incidents/{incident_id}", name="GetIncident")
def get_incident(incident_id: str, ctx: Reader, include: Include = None) -> Doc:
    return incident_document(ctx, ic.IncidentRef.parse(incident_id), include)


@router.patch("/incidents/{incident_id}", name="UpdateIncident")
def update_incident(
    incident_id: str, body: s.IncidentUpdateRequest, ctx: Writer, include: Include = None
) -> Doc:
    ref = ic.IncidentRef.parse(incident_id)
    m.includes(include)
    updated = ctx.handle(m.update_incident(ref, body))
    return incident_document(ctx, ic.IncidentRef(id=updated), include)


@router.delete("/incidents/{incident_id}", name="DeleteIncident", status_code=204)
def delete_incident(incident_id: str, ctx: Writer) -> Response:
    ctx.handle(ic.DeleteIncident(ic.IncidentRef.parse(incident_id)))
    return Response(status_code=204)


@router.post("/cases/{case_id}/relationships/incidents", name="LinkIncident", status_code=201)
def link_incident(case_id: str, body: s.RelationshipToIncidentRequest, ctx: CaseWriter) -> Doc:
    case_ref = CaseRef.parse(case_id)
    command = ic.LinkIncidentToCase(case_ref, ic.IncidentRef.parse(body.data.id))
    return case_document(ctx, CaseRef(id=ctx.handle(command)))
