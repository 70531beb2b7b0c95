"""Webhooks (`/api/v1/integration/webhooks/configuration/webhooks…`) and their custom
variables (`…/custom-variables…`). A secret variable's value is never answered."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Response
from pydantic import Field

from casedesk.domain.notifications import commands as nc
from casedesk.domain.notifications.channels import Channel, CustomVariable, Encoding
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.entrypoints.api_datadog.access import ChannelReader, ChannelWriter
from casedesk.entrypoints.api_datadog.wire import NAME_MAX, Wire
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router(prefix="/webhooks/configuration")
Doc = dict[str, Any]
TEXT_MAX = 64 * 1024


class WebhookBody(Wire):
    name: str = Field(max_length=NAME_MAX)
    url: str = Field(max_length=TEXT_MAX)
    payload: str | None = Field(default=None, max_length=TEXT_MAX)
    custom_headers: str | None = Field(default=None, max_length=TEXT_MAX)
    encode_as: Literal["json", "form"] = "json"


class WebhookUpdateBody(Wire):
    name: str | None = Field(default=None, max_length=NAME_MAX)
    url: str | None = Field(default=None, max_length=TEXT_MAX)
    payload: str | None = Field(default=None, max_length=TEXT_MAX)
    custom_headers: str | None = Field(default=None, max_length=TEXT_MAX)
    encode_as: Literal["json", "form"] | None = None


class VariableBody(Wire):
    name: str = Field(max_length=NAME_MAX)
    value: str = Field(max_length=TEXT_MAX)
    is_secret: bool


class VariableUpdateBody(Wire):
    name: str | None = Field(default=None, max_length=NAME_MAX)
    value: str | None = Field(default=None, max_length=TEXT_MAX)
    is_secret: bool | None = None


def webhook_doc(channel: Channel) -> Doc:
    config = channel.config
    return {
        "name": channel.name,
        "url": config["url"],
        "payload": config.get("payload"),
        "custom_headers": config.get("custom_headers"),
        "encode_as": config.get("encode_as", Encoding.JSON.value),
    }


def variable_doc(variable: CustomVariable) -> Doc:
    shown: Doc = {"name": variable.name, "is_secret": variable.is_secret}
    if not variable.is_secret:
        shown["value"] = variable.value
    return shown


@router.post("/webhooks", name="CreateWebhooksIntegration", status_code=201)
def create_webhook(body: WebhookBody, ctx: ChannelWriter) -> Doc:
    name = ctx.handle(
        nc.CreateWebhook(
            name=body.name,
            url=body.url,
            payload=body.payload,
            custom_headers=body.custom_headers,
            encode_as=Encoding(body.encode_as),
        )
    )
    return webhook_doc(ctx.services.channels.channel(ChannelKind.WEBHOOK, name))


@router.get("/webhooks/{webhook_name}", name="GetWebhooksIntegration")
def get_webhook(webhook_name: str, ctx: ChannelReader) -> Doc:
    return webhook_doc(ctx.services.channels.channel(ChannelKind.WEBHOOK, webhook_name))


@router.put("/webhooks/{webhook_name}", name="UpdateWebhooksIntegration")
def update_webhook(webhook_name: str, body: WebhookUpdateBody, ctx: ChannelWriter) -> Doc:
    sent = body.model_fields_set
    name = ctx.handle(
        nc.UpdateWebhook(
            webhook=webhook_name,
            name=body.name,
            url=body.url,
            payload=body.payload if "payload" in sent else nc.UNCHANGED,
            custom_headers=body.custom_headers if "custom_headers" in sent else nc.UNCHANGED,
            encode_as=Encoding(body.encode_as) if body.encode_as is not None else None,
        )
    )
    return webhook_doc(ctx.services.channels.channel(ChannelKind.WEBHOOK, name))


@router.delete("/webhooks/{webhook_name}", name="DeleteWebhooksIntegration", status_code=204)
def delete_webhook(webhook_name: str, ctx: ChannelWriter) -> Response:
    ctx.handle(nc.DeleteWebhook(webhook_name))
    return Response(status_code=204)


@router.post("/custom-variables", name="CreateWebhooksIntegrationCustomVariable", status_code=201)
def create_variable(body: VariableBody, ctx: ChannelWriter) -> Doc:
    name = ctx.handle(nc.CreateCustomVariable(name=body.name, value=body.value, is_secret=body.is_secret))
    return variable_doc(ctx.services.channels.variable(name))


@router.get("/custom-variables/{custom_variable_name}", name="GetWebhooksIntegrationCustomVariable")
def get_variable(custom_variable_name: str, ctx: ChannelReader) -> Doc:
    return variable_doc(ctx.services.channels.variable(custom_variable_name))


@router.put("/custom-variables/{custom_variable_name}", name="UpdateWebhooksIntegrationCustomVariable")
def update_variable(custom_variable_name: str, body: VariableUpdateBody, ctx: ChannelWriter) -> Doc:
    name = ctx.handle(
        nc.UpdateCustomVariable(
            variable=custom_variable_name, name=body.name, value=body.value, is_secret=body.is_secret
        )
    )
    return variable_doc(ctx.services.channels.variable(name))


@router.delete(
    "/custom-variables/{custom_variable_name}",
    name="DeleteWebhooksIntegrationCustomVariable",
    status_code=204,
)
def delete_variable(custom_variable_name: str, ctx: ChannelWriter) -> Response:
    ctx.handle(nc.DeleteCustomVariable(custom_variable_name))
    return Response(status_code=204)
