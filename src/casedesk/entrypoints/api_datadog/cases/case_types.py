"""Datadog dialect: case types and their custom attributes (`/api/v2/cases/types…`), their
mapping beside their routes (the request models are in `schemas.py`)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import Response

from casedesk.domain.cases.case_types import CaseType, CreateCaseType, DeleteCaseType, UpdateCaseType
from casedesk.domain.cases.custom_attributes import (
    CreateCustomAttributeConfig,
    CustomAttributeConfig,
    CustomAttributeType,
    DeleteCustomAttributeConfig,
    UpdateCustomAttributeConfig,
)
from casedesk.domain.ids import parse_uuid
from casedesk.entrypoints.api_datadog import schemas as s
from casedesk.entrypoints.api_datadog.access import CaseReader as Reader
from casedesk.entrypoints.api_datadog.access import CaseTypeAdmin as Admin
from casedesk.entrypoints.api_datadog.wire import iso
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()
Doc = dict[str, Any]


def create_config_command(
    type_id: uuid.UUID, body: s.CustomAttributeConfigCreateRequest
) -> CreateCustomAttributeConfig:
    attrs = body.data.attributes
    return CreateCustomAttributeConfig(
        type_id=type_id,
        key=attrs.key,
        display_name=attrs.display_name,
        type=CustomAttributeType(attrs.type),
        is_multi=attrs.is_multi,
        description=attrs.description,
        options=tuple(o.value for o in attrs.type_data.options) if attrs.type_data else (),
    )


def update_config_command(
    type_id: uuid.UUID, config_id: uuid.UUID, body: s.CustomAttributeConfigUpdateRequest
) -> UpdateCustomAttributeConfig:
    attrs = body.data.attributes
    return UpdateCustomAttributeConfig(
        type_id=type_id,
        config_id=config_id,
        display_name=attrs.display_name,
        description=attrs.description,
        type=CustomAttributeType(attrs.type) if attrs.type else None,
        options=tuple(o.value for o in attrs.type_data.options) if attrs.type_data else None,
    )


def custom_attribute_resource(config: CustomAttributeConfig) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "case_type_id": str(config.case_type_id),
        "key": config.key,
        "display_name": config.display_name,
        "description": config.description,
        "type": config.type.value,
        "is_multi": config.is_multi,
    }
    if config.type is CustomAttributeType.SELECT:
        attributes["type_data"] = {"options": [{"value": o} for o in config.options]}
    return {"id": str(config.id), "type": "custom_attribute", "attributes": attributes}


def case_type_resource(case_type: CaseType) -> dict[str, Any]:
    return {
        "id": str(case_type.id),
        "type": "case_type",
        "attributes": {
            "name": case_type.name,
            "description": case_type.description,
            "emoji": case_type.emoji,
            "deleted_at": iso(case_type.deleted_at),
        },
    }


@router.get("/cases/types", name="GetAllCaseTypes")
def case_types(ctx: Reader) -> Doc:
    return {"data": [case_type_resource(t) for t in ctx.services.read.case_types()]}


@router.post("/cases/types", name="CreateCaseType", status_code=201)
def create_case_type(body: s.CaseTypeCreateRequest, ctx: Admin) -> Doc:
    attrs = body.data.attributes
    type_id = ctx.handle(CreateCaseType(attrs.name, attrs.description, attrs.emoji))
    return {"data": case_type_resource(ctx.services.read.case_type(type_id))}


@router.get("/cases/types/custom_attributes", name="GetAllCustomAttributes")
def all_custom_attributes(ctx: Reader) -> Doc:
    configs = ctx.services.read.custom_attribute_configs(None)
    return {"data": [custom_attribute_resource(config) for config in configs]}


@router.put("/cases/types/{case_type_id}", name="UpdateCaseType")
def update_case_type(case_type_id: str, body: s.CaseTypeUpdateRequest, ctx: Admin) -> Doc:
    attrs = body.data.attributes
    command = UpdateCaseType(
        parse_uuid(case_type_id, "case_type_id"), attrs.name, attrs.description, attrs.emoji
    )
    return {"data": case_type_resource(ctx.services.read.case_type(ctx.handle(command)))}


@router.delete("/cases/types/{case_type_id}", name="DeleteCaseType", status_code=204)
def delete_case_type(case_type_id: str, ctx: Admin) -> Response:
    ctx.handle(DeleteCaseType(parse_uuid(case_type_id, "case_type_id")))
    return Response(status_code=204)


@router.get("/cases/types/{case_type_id}/custom_attributes", name="GetAllCustomAttributeConfigsByCaseType")
def custom_attributes(case_type_id: str, ctx: Reader) -> Doc:
    configs = ctx.services.read.custom_attribute_configs(parse_uuid(case_type_id, "case_type_id"))
    return {"data": [custom_attribute_resource(config) for config in configs]}


@router.post(
    "/cases/types/{case_type_id}/custom_attributes", name="CreateCustomAttributeConfig", status_code=201
)
def create_custom_attribute(case_type_id: str, body: s.CustomAttributeConfigCreateRequest, ctx: Admin) -> Doc:
    type_id = parse_uuid(case_type_id, "case_type_id")
    config_id = ctx.handle(create_config_command(type_id, body))
    return {"data": custom_attribute_resource(ctx.services.read.custom_attribute_config(type_id, config_id))}


@router.put(
    "/cases/types/{case_type_id}/custom_attributes/{custom_attribute_id}", name="UpdateCustomAttributeConfig"
)
def update_custom_attribute(
    case_type_id: str, custom_attribute_id: str, body: s.CustomAttributeConfigUpdateRequest, ctx: Admin
) -> Doc:
    type_id = parse_uuid(case_type_id, "case_type_id")
    config_id = parse_uuid(custom_attribute_id, "custom_attribute_id")
    ctx.handle(update_config_command(type_id, config_id, body))
    return {"data": custom_attribute_resource(ctx.services.read.custom_attribute_config(type_id, config_id))}


@router.delete(
    "/cases/types/{case_type_id}/custom_attributes/{custom_attribute_id}",
    name="DeleteCustomAttributeConfig",
    status_code=204,
)
def delete_custom_attribute(case_type_id: str, custom_attribute_id: str, ctx: Admin) -> Response:
    type_id = parse_uuid(case_type_id, "case_type_id")
    ctx.handle(DeleteCustomAttributeConfig(type_id, parse_uuid(custom_attribute_id, "custom_attribute_id")))
    return Response(status_code=204)
