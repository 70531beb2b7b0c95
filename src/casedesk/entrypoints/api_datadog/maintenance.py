"""Datadog dialect: maintenance windows (`/api/v2/maintenance_windows…`).

Start and end times must carry their time zone: a window read in the wrong zone would open
hours off."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import Response
from pydantic import Field

from casedesk.domain import maintenance as mc
from casedesk.domain.ids import parse_uuid
from casedesk.domain.maintenance import MaintenanceWindow
from casedesk.entrypoints.api_datadog.access import MaintenanceReader as Reader
from casedesk.entrypoints.api_datadog.access import MaintenanceWriter as Writer
from casedesk.entrypoints.api_datadog.wire import ID_MAX, NAME_MAX, QUERY_MAX, Wire, iso
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router
from casedesk.entrypoints.http.timestamps import parse_timestamp

router = dialect_router()
Doc = dict[str, Any]


class MaintenanceWindowCreateAttributes(Wire):
    name: str = Field(max_length=NAME_MAX)
    query: str = Field(max_length=QUERY_MAX)
    start_at: str = Field(max_length=ID_MAX)
    end_at: str = Field(max_length=ID_MAX)


class MaintenanceWindowCreate(Wire):
    type: Literal["maintenance_window"]
    attributes: MaintenanceWindowCreateAttributes


class MaintenanceWindowCreateRequest(Wire):
    data: MaintenanceWindowCreate


class MaintenanceWindowUpdateAttributes(Wire):
    name: str | None = Field(default=None, max_length=NAME_MAX)
    query: str | None = Field(default=None, max_length=QUERY_MAX)
    start_at: str | None = Field(default=None, max_length=ID_MAX)
    end_at: str | None = Field(default=None, max_length=ID_MAX)


class MaintenanceWindowUpdate(Wire):
    type: Literal["maintenance_window"]
    attributes: MaintenanceWindowUpdateAttributes = Field(default_factory=MaintenanceWindowUpdateAttributes)


class MaintenanceWindowUpdateRequest(Wire):
    data: MaintenanceWindowUpdate


def window_resource(window: MaintenanceWindow) -> Doc:
    attributes: Doc = {
        "name": window.name,
        "query": window.query,
        "start_at": iso(window.start_at),
        "end_at": iso(window.end_at),
    }
    if window.created_by is not None:
        attributes["created_by"] = str(window.created_by)
    if window.updated_by is not None:
        attributes["updated_by"] = str(window.updated_by)
    return {"id": str(window.id), "type": "maintenance_window", "attributes": attributes}


def window_document(ctx: Context, window_id: uuid.UUID) -> Doc:
    return {"data": window_resource(ctx.services.read.maintenance_window(window_id))}


@router.get("/maintenance_windows", name="ListMaintenanceWindows")
def list_windows(ctx: Reader) -> Doc:
    return {"data": [window_resource(w) for w in ctx.services.read.maintenance_windows()]}


@router.post("/maintenance_windows", name="CreateMaintenanceWindow", status_code=201)
def create_window(body: MaintenanceWindowCreateRequest, ctx: Writer) -> Doc:
    attrs = body.data.attributes
    command = mc.CreateMaintenanceWindow(
        name=attrs.name,
        query=attrs.query,
        start_at=parse_timestamp(attrs.start_at, "start_at", zone_required=True),
        end_at=parse_timestamp(attrs.end_at, "end_at", zone_required=True),
    )
    return window_document(ctx, ctx.handle(command))


@router.put("/maintenance_windows/{maintenance_window_id}", name="UpdateMaintenanceWindow")
def update_window(maintenance_window_id: str, body: MaintenanceWindowUpdateRequest, ctx: Writer) -> Doc:
    attrs = body.data.attributes
    command = mc.UpdateMaintenanceWindow(
        window_id=parse_uuid(maintenance_window_id, "maintenance_window_id"),
        name=attrs.name,
        query=attrs.query,
        start_at=parse_timestamp(attrs.start_at, "start_at", zone_required=True),
        end_at=parse_timestamp(attrs.end_at, "end_at", zone_required=True),
    )
    return window_document(ctx, ctx.handle(command))


@router.delete(
    "/maintenance_windows/{maintenance_window_id}", name="DeleteMaintenanceWindow", status_code=204
)
def delete_window(maintenance_window_id: str, ctx: Writer) -> Response:
    ctx.handle(mc.DeleteMaintenanceWindow(parse_uuid(maintenance_window_id, "maintenance_window_id")))
    return Response(status_code=204)
