"""Slack channels of a workspace account
(`/api/v1/integration/slack/configuration/accounts/{account_name}/channels…`). The account
itself, with its bot token, is added at the command line (`casedesk slack accounts add`);
a channel of an account casedesk does not have is 404. Channel names are answered with
their `#`, and found with or without it."""

from __future__ import annotations

from typing import Any

from fastapi import Response
from pydantic import Field

from casedesk.domain.notifications import commands as nc
from casedesk.domain.notifications.channels import Channel, SlackDisplay, slack_name
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.entrypoints.api_datadog.access import ChannelReader, ChannelWriter
from casedesk.entrypoints.api_datadog.wire import NAME_MAX, Wire
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router(prefix="/slack/configuration/accounts/{account_name}")
Doc = dict[str, Any]


class DisplayBody(Wire):
    message: bool | None = None
    notified: bool | None = None
    snapshot: bool | None = None
    tags: bool | None = None
    mute_buttons: bool | None = None

    def given(self) -> dict[str, bool]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class ChannelBody(Wire):
    name: str = Field(max_length=NAME_MAX)
    display: DisplayBody | None = None


class ChannelUpdateBody(Wire):
    name: str | None = Field(default=None, max_length=NAME_MAX)
    display: DisplayBody | None = None


def channel_doc(channel: Channel) -> Doc:
    display = SlackDisplay.from_dict(channel.config.get("display", {}))
    return {"name": "#" + str(channel.config["channel"]), "display": display.as_dict()}


def account_channel(ctx: Context, account_name: str, channel_name: str) -> Channel:
    ctx.services.channels.slack_account(account_name)
    return ctx.services.channels.channel(ChannelKind.SLACK, slack_name(account_name, channel_name))


@router.get("/channels", name="GetSlackIntegrationChannels")
def list_channels(account_name: str, ctx: ChannelReader) -> list[Doc]:
    ctx.services.channels.slack_account(account_name)
    return [channel_doc(c) for c in ctx.services.channels.channels(ChannelKind.SLACK, account=account_name)]


@router.post("/channels", name="CreateSlackIntegrationChannel", status_code=201)
def create_channel(account_name: str, body: ChannelBody, ctx: ChannelWriter) -> Doc:
    display = SlackDisplay.from_dict(body.display.given() if body.display else {})
    name = ctx.handle(nc.CreateSlackChannel(account=account_name, name=body.name, display=display))
    return channel_doc(ctx.services.channels.channel(ChannelKind.SLACK, name))


@router.get("/channels/{channel_name}", name="GetSlackIntegrationChannel")
def get_channel(account_name: str, channel_name: str, ctx: ChannelReader) -> Doc:
    return channel_doc(account_channel(ctx, account_name, channel_name))


@router.patch("/channels/{channel_name}", name="UpdateSlackIntegrationChannel")
def update_channel(account_name: str, channel_name: str, body: ChannelUpdateBody, ctx: ChannelWriter) -> Doc:
    display = body.display.given() if body.display is not None else None
    name = ctx.handle(
        nc.UpdateSlackChannel(account=account_name, channel=channel_name, name=body.name, display=display)
    )
    return channel_doc(ctx.services.channels.channel(ChannelKind.SLACK, name))


@router.delete("/channels/{channel_name}", name="RemoveSlackIntegrationChannel", status_code=204)
def delete_channel(account_name: str, channel_name: str, ctx: ChannelWriter) -> Response:
    ctx.handle(nc.DeleteSlackChannel(account=account_name, channel=channel_name))
    return Response(status_code=204)
