"""Datadog dialect: links between cases and other entities (`/api/v2/cases/link…`).

Entity types and relationships are plain strings on the wire, so a refusal names the member
and says what would be accepted (the domain checks the vocabulary)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query, Response
from pydantic import Field

from casedesk.domain.cases.links import CaseLink, CreateCaseLink, DeleteCaseLink, EntityRef, Relationship
from casedesk.domain.ids import parse_uuid
from casedesk.entrypoints.api_datadog.access import CaseReader as Reader
from casedesk.entrypoints.api_datadog.access import CaseWriter as Writer
from casedesk.entrypoints.api_datadog.wire import ID_MAX, Wire
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()
Doc = dict[str, Any]
Text = Annotated[str, Query(max_length=ID_MAX)]


class CaseLinkAttributes(Wire):
    parent_entity_type: str = Field(max_length=ID_MAX)
    parent_entity_id: str = Field(max_length=ID_MAX)
    child_entity_type: str = Field(max_length=ID_MAX)
    child_entity_id: str = Field(max_length=ID_MAX)
    relationship: str = Field(max_length=ID_MAX)


class CaseLinkCreate(Wire):
    type: Literal["link"]
    attributes: CaseLinkAttributes


class CaseLinkCreateRequest(Wire):
    data: CaseLinkCreate


def create_command(body: CaseLinkCreateRequest) -> CreateCaseLink:
    attrs = body.data.attributes
    return CreateCaseLink(
        parent=EntityRef.parse(
            attrs.parent_entity_type,
            attrs.parent_entity_id,
            type_field="parent_entity_type",
            id_field="parent_entity_id",
        ),
        child=EntityRef.parse(
            attrs.child_entity_type,
            attrs.child_entity_id,
            type_field="child_entity_type",
            id_field="child_entity_id",
        ),
        relationship=Relationship.parse(attrs.relationship),
    )


def link_resource(link: CaseLink) -> Doc:
    return {
        "id": str(link.id),
        "type": "link",
        "attributes": {
            "parent_entity_type": link.parent.type.value,
            "parent_entity_id": str(link.parent.id),
            "child_entity_type": link.child.type.value,
            "child_entity_id": str(link.child.id),
            "relationship": link.relationship.value,
        },
    }


@router.get("/cases/link", name="ListCaseLinks")
def list_links(ctx: Reader, entity_type: Text, entity_id: Text, relationship: Text | None = None) -> Doc:
    entity = EntityRef.parse(entity_type, entity_id, type_field="entity_type", id_field="entity_id")
    wanted = Relationship.parse(relationship) if relationship else None
    return {
        "data": [link_resource(link) for link in ctx.services.read.case_links(ctx.visibility, entity, wanted)]
    }


@router.post("/cases/link", name="CreateCaseLink", status_code=201)
def create_link(body: CaseLinkCreateRequest, ctx: Writer) -> Doc:
    link_id = ctx.handle(create_command(body))
    return {"data": link_resource(ctx.services.read.case_link(ctx.visibility, link_id))}


@router.delete("/cases/link/{link_id}", name="DeleteCaseLink", status_code=204)
def delete_link(link_id: str, ctx: Writer) -> Response:
    ctx.handle(DeleteCaseLink(parse_uuid(link_id, "link_id")))
    return Response(status_code=204)
