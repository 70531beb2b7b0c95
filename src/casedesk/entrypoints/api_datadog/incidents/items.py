"""Datadog dialect: an incident's todos, attachments, impacts, responders, integration
metadata and timestamp overrides (`/api/v2/incidents/{incident_id}/…`)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import Query, Response

from casedesk.domain.ids import parse_uuid
from casedesk.domain.incidents import commands as ic
from casedesk.domain.incidents.items import ItemKind
from casedesk.entrypoints.api_datadog.access import IncidentReader as Reader
from casedesk.entrypoints.api_datadog.access import IncidentWriter as Writer
from casedesk.entrypoints.api_datadog.incidents import item_mapping as pm
from casedesk.entrypoints.api_datadog.incidents import item_schemas as s
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()
Include = Annotated[str | None, Query(alias="include", max_length=200)]
Doc = dict[str, Any]
BASE = "/incidents/{incident_id}"


def listing(ctx: Context, incident_id: str, kind: ItemKind, keep: str | None = None) -> Doc:
    detail = ctx.services.incidents.incident(ctx.visibility, ic.IncidentRef.parse(incident_id))
    items = detail.incident.items_of(kind)
    if keep is not None:
        items = [i for i in items if i.attributes.get("attachment_type") == keep]
    return pm.items_document(detail.incident, items, detail.users)


def one(ctx: Context, ref: ic.IncidentRef, kind: ItemKind, item_id: uuid.UUID) -> Doc:
    detail = ctx.services.incidents.incident(ctx.visibility, ref)
    return pm.item_document(detail.incident, detail.incident.item(kind, item_id), detail.users)


def add(ctx: Context, incident_id: str, kind: ItemKind, attributes: dict[str, Any]) -> Doc:
    ref = ic.IncidentRef.parse(incident_id)
    return one(ctx, ref, kind, ctx.handle(ic.AddIncidentItem(ref, kind, attributes)))


def change(
    ctx: Context, ref: ic.IncidentRef, kind: ItemKind, item_id: uuid.UUID, changes: dict[str, Any]
) -> Doc:
    return one(ctx, ref, kind, ctx.handle(ic.UpdateIncidentItem(ref, kind, item_id, changes)))


def remove(ctx: Context, incident_id: str, kind: ItemKind, item_id: str, field: str) -> Response:
    ref, parsed = ic.IncidentRef.parse(incident_id), parse_uuid(item_id, field)
    ctx.handle(ic.RemoveIncidentItem(ref, kind, parsed))
    return Response(status_code=204)


# -- todos -------------------------------------------------------------------------------


@router.get(BASE + "/relationships/todos", name="ListIncidentTodos")
def list_todos(incident_id: str, ctx: Reader) -> Doc:
    return listing(ctx, incident_id, ItemKind.TODO)


@router.post(BASE + "/relationships/todos", name="CreateIncidentTodo", status_code=201)
def create_todo(incident_id: str, body: s.TodoRequest, ctx: Writer) -> Doc:
    return add(ctx, incident_id, ItemKind.TODO, pm.todo(body))


@router.get(BASE + "/relationships/todos/{todo_id}", name="GetIncidentTodo")
def get_todo(incident_id: str, todo_id: str, ctx: Reader) -> Doc:
    ref = ic.IncidentRef.parse(incident_id)
    return one(ctx, ref, ItemKind.TODO, parse_uuid(todo_id, "todo_id"))


@router.patch(BASE + "/relationships/todos/{todo_id}", name="UpdateIncidentTodo")
def update_todo(incident_id: str, todo_id: str, body: s.TodoRequest, ctx: Writer) -> Doc:
    ref, item_id = ic.IncidentRef.parse(incident_id), parse_uuid(todo_id, "todo_id")
    return change(ctx, ref, ItemKind.TODO, item_id, pm.todo(body, partial=True))


@router.delete(BASE + "/relationships/todos/{todo_id}", name="DeleteIncidentTodo", status_code=204)
def delete_todo(incident_id: str, todo_id: str, ctx: Writer) -> Response:
    return remove(ctx, incident_id, ItemKind.TODO, todo_id, "todo_id")


# -- attachments -------------------------------------------------------------------------


@router.get(BASE + "/attachments", name="ListIncidentAttachments")
def list_attachments(
    incident_id: str,
    ctx: Reader,
    include: Include = None,
    attachment_type: Annotated[
        Literal["postmortem", "link"] | None, Query(alias="filter[attachment_type]")
    ] = None,
) -> Doc:
    return listing(ctx, incident_id, ItemKind.ATTACHMENT, attachment_type)


@router.post(BASE + "/attachments", name="CreateIncidentAttachment", status_code=201)
def create_attachment(
    incident_id: str, body: s.AttachmentCreateRequest, ctx: Writer, include: Include = None
) -> Doc:
    return add(ctx, incident_id, ItemKind.ATTACHMENT, pm.attachment(body))


@router.post(BASE + "/attachments/postmortems", name="CreateIncidentPostmortemAttachment", status_code=201)
def create_postmortem(incident_id: str, body: s.PostmortemRequest, ctx: Writer) -> Doc:
    return add(ctx, incident_id, ItemKind.ATTACHMENT, pm.postmortem(body))


@router.patch(BASE + "/attachments/{attachment_id}", name="UpdateIncidentAttachment")
def update_attachment(
    incident_id: str, attachment_id: str, body: s.AttachmentPatchRequest, ctx: Writer, include: Include = None
) -> Doc:
    ref, item_id = ic.IncidentRef.parse(incident_id), parse_uuid(attachment_id, "attachment_id")
    return change(ctx, ref, ItemKind.ATTACHMENT, item_id, pm.attachment_patch(body))


@router.delete(BASE + "/attachments/{attachment_id}", name="DeleteIncidentAttachment", status_code=204)
def delete_attachment(incident_id: str, attachment_id: str, ctx: Writer) -> Response:
    return remove(ctx, incident_id, ItemKind.ATTACHMENT, attachment_id, "attachment_id")


# -- impacts -----------------------------------------------------------------------------


@router.get(BASE + "/impacts", name="ListIncidentImpacts")
def list_impacts(incident_id: str, ctx: Reader, include: Include = None) -> Doc:
    return listing(ctx, incident_id, ItemKind.IMPACT)


@router.post(BASE + "/impacts", name="CreateIncidentImpact", status_code=201)
def create_impact(incident_id: str, body: s.ImpactRequest, ctx: Writer, include: Include = None) -> Doc:
    return add(ctx, incident_id, ItemKind.IMPACT, pm.impact(body))


@router.patch(BASE + "/impacts/{impact_id}", name="PatchIncidentImpact")
def update_impact(
    incident_id: str, impact_id: str, body: s.ImpactPatchRequest, ctx: Writer, include: Include = None
) -> Doc:
    ref, item_id = ic.IncidentRef.parse(incident_id), parse_uuid(impact_id, "impact_id")
    return change(ctx, ref, ItemKind.IMPACT, item_id, pm.impact(body))


@router.delete(BASE + "/impacts/{impact_id}", name="DeleteIncidentImpact", status_code=204)
def delete_impact(incident_id: str, impact_id: str, ctx: Writer) -> Response:
    return remove(ctx, incident_id, ItemKind.IMPACT, impact_id, "impact_id")


# -- responders --------------------------------------------------------------------------


@router.get(BASE + "/responders", name="ListIncidentResponders")
def list_responders(incident_id: str, ctx: Reader) -> Doc:
    return listing(ctx, incident_id, ItemKind.RESPONDER)


@router.post(BASE + "/responders", name="CreateIncidentResponder", status_code=201)
def create_responder(incident_id: str, body: s.ResponderRequest, ctx: Writer) -> Doc:
    return add(ctx, incident_id, ItemKind.RESPONDER, pm.responder(body))


@router.get(BASE + "/responders/{responder_id}", name="GetIncidentResponder")
def get_responder(incident_id: str, responder_id: str, ctx: Reader) -> Doc:
    ref = ic.IncidentRef.parse(incident_id)
    return one(ctx, ref, ItemKind.RESPONDER, parse_uuid(responder_id, "responder_id"))


@router.delete(BASE + "/responders/{responder_id}", name="DeleteIncidentResponder", status_code=204)
def delete_responder(incident_id: str, responder_id: str, ctx: Writer) -> Response:
    return remove(ctx, incident_id, ItemKind.RESPONDER, responder_id, "responder_id")


# -- integration metadata ----------------------------------------------------------------

INTEGRATIONS = BASE + "/relationships/integrations"


@router.get(INTEGRATIONS, name="ListIncidentIntegrations")
def list_integrations(incident_id: str, ctx: Reader) -> Doc:
    return listing(ctx, incident_id, ItemKind.INTEGRATION)


@router.post(INTEGRATIONS, name="CreateIncidentIntegration", status_code=201)
def create_integration(incident_id: str, body: s.IntegrationRequest, ctx: Writer) -> Doc:
    return add(ctx, incident_id, ItemKind.INTEGRATION, pm.integration(body))


@router.get(INTEGRATIONS + "/{integration_metadata_id}", name="GetIncidentIntegration")
def get_integration(incident_id: str, integration_metadata_id: str, ctx: Reader) -> Doc:
    ref = ic.IncidentRef.parse(incident_id)
    return one(ctx, ref, ItemKind.INTEGRATION, parse_uuid(integration_metadata_id, "integration_metadata_id"))


@router.patch(INTEGRATIONS + "/{integration_metadata_id}", name="UpdateIncidentIntegration")
def update_integration(
    incident_id: str, integration_metadata_id: str, body: s.IntegrationRequest, ctx: Writer
) -> Doc:
    ref = ic.IncidentRef.parse(incident_id)
    item_id = parse_uuid(integration_metadata_id, "integration_metadata_id")
    return change(ctx, ref, ItemKind.INTEGRATION, item_id, pm.integration(body))


@router.delete(INTEGRATIONS + "/{integration_metadata_id}", name="DeleteIncidentIntegration", status_code=204)
def delete_integration(incident_id: str, integration_metadata_id: str, ctx: Writer) -> Response:
    return remove(ctx, incident_id, ItemKind.INTEGRATION, integration_metadata_id, "integration_metadata_id")


# -- timestamp overrides -----------------------------------------------------------------


@router.get(BASE + "/timestamp-overrides", name="ListTimestampOverrides")
def list_overrides(incident_id: str, ctx: Reader) -> Doc:
    return listing(ctx, incident_id, ItemKind.TIMESTAMP_OVERRIDE)


@router.post(BASE + "/timestamp-overrides", name="CreateTimestampOverride", status_code=201)
def create_override(incident_id: str, body: s.OverrideRequest, ctx: Writer) -> Doc:
    return add(ctx, incident_id, ItemKind.TIMESTAMP_OVERRIDE, pm.override(body))


@router.patch(BASE + "/timestamp-overrides/{id}", name="UpdateTimestampOverride")
def update_override(incident_id: str, id: str, body: s.OverridePatchRequest, ctx: Writer) -> Doc:
    ref, item_id = ic.IncidentRef.parse(incident_id), parse_uuid(id, "id")
    return change(ctx, ref, ItemKind.TIMESTAMP_OVERRIDE, item_id, pm.override_patch(item_id, body))


@router.delete(BASE + "/timestamp-overrides/{id}", name="DeleteTimestampOverride", status_code=204)
def delete_override(incident_id: str, id: str, ctx: Writer) -> Response:
    return remove(ctx, incident_id, ItemKind.TIMESTAMP_OVERRIDE, id, "id")
