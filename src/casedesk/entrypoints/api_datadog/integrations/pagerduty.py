"""PagerDuty services (`/api/v1/integration/pagerduty/configuration/services…`): a name and
its Events API v2 routing key (`service_key`), which is never answered."""

from __future__ import annotations

from typing import Any

from fastapi import Response
from pydantic import Field

from casedesk.domain.notifications import commands as nc
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.entrypoints.api_datadog.access import ChannelReader, ChannelWriter
from casedesk.entrypoints.api_datadog.wire import NAME_MAX, Wire
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router(prefix="/pagerduty/configuration")
Doc = dict[str, Any]
KEY_MAX = 4096


class ServiceBody(Wire):
    service_name: str = Field(max_length=NAME_MAX)
    service_key: str = Field(max_length=KEY_MAX)


class ServiceKeyBody(Wire):
    service_key: str = Field(max_length=KEY_MAX)


@router.post("/services", name="CreatePagerDutyIntegrationService", status_code=201)
def create_service(body: ServiceBody, ctx: ChannelWriter) -> Doc:
    name = ctx.handle(nc.CreatePagerDutyService(name=body.service_name, routing_key=body.service_key))
    return {"service_name": ctx.services.channels.channel(ChannelKind.PAGERDUTY, name).name}


@router.get("/services/{service_name}", name="GetPagerDutyIntegrationService")
def get_service(service_name: str, ctx: ChannelReader) -> Doc:
    return {"service_name": ctx.services.channels.channel(ChannelKind.PAGERDUTY, service_name).name}


@router.put("/services/{service_name}", name="UpdatePagerDutyIntegrationService", status_code=204)
def update_service(service_name: str, body: ServiceKeyBody, ctx: ChannelWriter) -> Response:
    ctx.handle(nc.UpdatePagerDutyService(name=service_name, routing_key=body.service_key))
    return Response(status_code=204)


@router.delete("/services/{service_name}", name="DeletePagerDutyIntegrationService", status_code=204)
def delete_service(service_name: str, ctx: ChannelWriter) -> Response:
    ctx.handle(nc.DeletePagerDutyService(service_name))
    return Response(status_code=204)
