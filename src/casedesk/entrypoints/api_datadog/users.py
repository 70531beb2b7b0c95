"""Datadog dialect: users (`/api/v2/users…`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from casedesk.domain import users as uc
from casedesk.domain.ids import parse_uuid
from casedesk.entrypoints.api_datadog import mapping as m
from casedesk.entrypoints.api_datadog import schemas as s
from casedesk.entrypoints.api_datadog.access import UserInviter, UserManager, UserReader

router = APIRouter()
Doc = dict[str, Any]


@router.post("/users", name="CreateUser", status_code=201)
def create_user(body: s.UserCreateRequest, ctx: UserInviter) -> Doc:
    attrs = body.data.attributes
    user_id = ctx.handle(uc.CreateUser(email=attrs.email, name=attrs.name, title=attrs.title))
    return {"data": m.user_resource(ctx.services.read.user(user_id))}


@router.get("/users/{user_id}", name="GetUser")
def get_user(user_id: str, ctx: UserReader) -> Doc:
    return {"data": m.user_resource(ctx.services.read.user(parse_uuid(user_id, "user_id")))}


@router.delete("/users/{user_id}", name="DisableUser", status_code=204)
def disable_user(user_id: str, ctx: UserManager) -> Response:
    ctx.handle(uc.DisableUser(parse_uuid(user_id, "user_id")))
    return Response(status_code=204)
