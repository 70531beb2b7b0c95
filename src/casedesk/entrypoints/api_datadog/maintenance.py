"""Datadog dialect: maintenance windows (`/api/v2/maintenance_windows…`)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from casedesk.domain import commands as c
from casedesk.domain.ids import parse_uuid
from casedesk.domain.vocab import Scope
from casedesk.entrypoints.api_datadog.cases import relation_mapping as mr
from casedesk.entrypoints.api_datadog.cases import relation_schemas as sr
from casedesk.entrypoints.http.deps import Context, context

router = APIRouter()
Reader = Annotated[Context, Depends(context(Scope.EVENT_CORRELATION_CONFIG_READ))]
Writer = Annotated[Context, Depends(context(Scope.EVENT_CORRELATION_CONFIG_WRITE))]
Doc = dict[str, Any]


def window_document(ctx: Context, window_id: uuid.UUID) -> Doc:
    return {"data": mr.window_resource(ctx.container.read.maintenance_window(window_id))}


@router.get("/maintenance_windows", name="ListMaintenanceWindows")
def list_windows(ctx: Reader) -> Doc:
    return {"data": [mr.window_resource(w) for w in ctx.container.read.maintenance_windows()]}


@router.post("/maintenance_windows", name="CreateMaintenanceWindow", status_code=201)
def create_window(body: sr.MaintenanceWindowCreateRequest, ctx: Writer) -> Doc:
    return window_document(ctx, ctx.handle(mr.create_window(body)))


@router.put("/maintenance_windows/{maintenance_window_id}", name="UpdateMaintenanceWindow")
def update_window(maintenance_window_id: str, body: sr.MaintenanceWindowUpdateRequest, ctx: Writer) -> Doc:
    window_id = parse_uuid(maintenance_window_id, "maintenance_window_id")
    return window_document(ctx, ctx.handle(mr.update_window(window_id, body)))


@router.delete(
    "/maintenance_windows/{maintenance_window_id}", name="DeleteMaintenanceWindow", status_code=204
)
def delete_window(maintenance_window_id: str, ctx: Writer) -> Response:
    ctx.handle(c.DeleteMaintenanceWindow(parse_uuid(maintenance_window_id, "maintenance_window_id")))
    return Response(status_code=204)
