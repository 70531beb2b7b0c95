"""Microsoft Teams Workflows webhook handles
(`/api/v2/integration/ms-teams/configuration/workflows-webhook-handles…`), JSON:API as
Datadog's v2 models define them. The Workflows URL signs requests (its `sig`), so it is
never answered; URLs of the retired Office 365 connectors are refused."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query, Response
from pydantic import Field

from casedesk.domain.ids import parse_uuid
from casedesk.domain.notifications import commands as nc
from casedesk.domain.notifications.channels import Channel
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.entrypoints.api_datadog.access import ChannelReader, ChannelWriter
from casedesk.entrypoints.api_datadog.wire import Wire
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router(prefix="/integration/ms-teams/configuration/workflows-webhook-handles")
Doc = dict[str, Any]
TYPE = "workflows-webhook-handle"
HANDLE_ID = "handle_id"
TEXT_MAX = 2048


class HandleAttributes(Wire):
    name: str = Field(max_length=255)
    url: str = Field(max_length=TEXT_MAX)


class HandleData(Wire):
    type: Literal["workflows-webhook-handle"]
    attributes: HandleAttributes


class HandleRequest(Wire):
    data: HandleData


class HandleUpdateAttributes(Wire):
    name: str | None = Field(default=None, max_length=255)
    url: str | None = Field(default=None, max_length=TEXT_MAX)


class HandleUpdateData(Wire):
    type: Literal["workflows-webhook-handle"]
    attributes: HandleUpdateAttributes


class HandleUpdateRequest(Wire):
    data: HandleUpdateData


def handle_resource(handle: Channel) -> Doc:
    return {"id": str(handle.id), "type": TYPE, "attributes": {"name": handle.name}}


def handle_of(ctx: Context, handle_id: str) -> Channel:
    return ctx.services.channels.channel_by_id(ChannelKind.TEAMS, parse_uuid(handle_id, HANDLE_ID))


@router.get("", name="ListWorkflowsWebhookHandles")
def list_handles(ctx: ChannelReader, name: Annotated[str | None, Query(max_length=255)] = None) -> Doc:
    handles = ctx.services.channels.channels(ChannelKind.TEAMS)
    return {"data": [handle_resource(h) for h in handles if name is None or h.name == name]}


@router.post("", name="CreateWorkflowsWebhookHandle", status_code=201)
def create_handle(body: HandleRequest, ctx: ChannelWriter) -> Doc:
    attrs = body.data.attributes
    handle_id = ctx.handle(nc.CreateTeamsHandle(name=attrs.name, url=attrs.url))
    return {"data": handle_resource(ctx.services.channels.channel_by_id(ChannelKind.TEAMS, handle_id))}


@router.get("/{handle_id}", name="GetWorkflowsWebhookHandle")
def get_handle(handle_id: str, ctx: ChannelReader) -> Doc:
    return {"data": handle_resource(handle_of(ctx, handle_id))}


@router.patch("/{handle_id}", name="UpdateWorkflowsWebhookHandle")
def update_handle(handle_id: str, body: HandleUpdateRequest, ctx: ChannelWriter) -> Doc:
    attrs = body.data.attributes
    target = parse_uuid(handle_id, HANDLE_ID)
    ctx.handle(nc.UpdateTeamsHandle(target, name=attrs.name, url=attrs.url))
    return {"data": handle_resource(ctx.services.channels.channel_by_id(ChannelKind.TEAMS, target))}


@router.delete("/{handle_id}", name="DeleteWorkflowsWebhookHandle", status_code=204)
def delete_handle(handle_id: str, ctx: ChannelWriter) -> Response:
    ctx.handle(nc.DeleteTeamsHandle(parse_uuid(handle_id, HANDLE_ID)))
    return Response(status_code=204)
