"""Datadog dialect: users (`/api/v2/users…`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response

from casedesk.domain import users as uc
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import parse_uuid
from casedesk.entrypoints.api_datadog import mapping as m
from casedesk.entrypoints.api_datadog import schemas as s
from casedesk.entrypoints.api_datadog.access import UserInviter, UserManager, UserReader
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()
Doc = dict[str, Any]


@router.post("/users", name="CreateUser", status_code=201)
def create_user(body: s.UserCreateRequest, ctx: UserInviter) -> Doc:
    attrs = body.data.attributes
    user_id = ctx.handle(uc.CreateUser(email=attrs.email, name=attrs.name, title=attrs.title))
    return {"data": m.user_resource(ctx.services.read.user(user_id))}


@router.get("/users", name="ListUsers")
def list_users(
    ctx: UserReader,
    page_size: Annotated[int, Query(alias="page[size]", ge=1, le=5000)] = 10,
    page_number: Annotated[int, Query(alias="page[number]", ge=0)] = 0,
    text: Annotated[str | None, Query(alias="filter", max_length=1000)] = None,
    filter_status: Annotated[str | None, Query(alias="filter[status]", max_length=100)] = None,
) -> Doc:
    users = m.filter_users(ctx.services.identity.users(), text, filter_status)
    page = users[page_number * page_size : (page_number + 1) * page_size]
    return {
        "data": [m.user_resource(u) for u in page],
        "included": [],
        "meta": {"page": {"total_count": len(users), "total_filtered_count": len(users)}},
    }


@router.get("/users/{user_id}", name="GetUser")
def get_user(user_id: str, ctx: UserReader) -> Doc:
    return {"data": m.user_resource(ctx.services.read.user(parse_uuid(user_id, "user_id")))}


@router.patch("/users/{user_id}", name="UpdateUser")
def update_user(user_id: str, body: s.UserUpdateRequest, ctx: UserManager) -> Doc:
    target = parse_uuid(user_id, "user_id")
    if parse_uuid(body.data.id, "data/id") != target:
        raise ValidationFailed("data/id", "the user's id in the body differs from the one in the path")
    attrs = body.data.attributes
    ctx.handle(
        uc.UpdateUser(target, name=attrs.name, email=attrs.email, title=attrs.title, disabled=attrs.disabled)
    )
    return {"data": m.user_resource(ctx.services.read.user(target))}


@router.delete("/users/{user_id}", name="DisableUser", status_code=204)
def disable_user(user_id: str, ctx: UserManager) -> Response:
    ctx.handle(uc.DisableUser(parse_uuid(user_id, "user_id")))
    return Response(status_code=204)
