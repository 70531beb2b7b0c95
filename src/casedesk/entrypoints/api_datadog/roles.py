"""Datadog dialect: roles (`/api/v2/roles…`). casedesk has three fixed roles, shown as
Datadog's managed roles; a user has exactly one, so adding a user to a role moves them there
and a user cannot be removed from the role they have, only added to another."""

from __future__ import annotations

from typing import Any

from casedesk.domain import users as uc
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import parse_uuid
from casedesk.domain.users import Role, User
from casedesk.entrypoints.api_datadog import mapping as m
from casedesk.entrypoints.api_datadog import schemas as s
from casedesk.entrypoints.api_datadog.access import UserManager, UserReader
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()
Doc = dict[str, Any]


def role_resource(role: Role, users: list[User]) -> Doc:
    return {
        "id": str(m.ROLE_IDS[role]),
        "type": "roles",
        "attributes": {
            "name": m.ROLE_NAMES[role],
            "managed": True,
            "user_count": sum(1 for u in users if u.role is role),
        },
        "relationships": {"permissions": {"data": []}},
    }


@router.get("/roles", name="ListRoles")
def list_roles(ctx: UserReader) -> Doc:
    users = ctx.services.identity.users()
    return {
        "data": [role_resource(role, users) for role in Role],
        "meta": {"page": {"total_count": len(Role), "total_filtered_count": len(Role)}},
    }


def role_users(ctx: Context, role: Role) -> Doc:
    members = [u for u in ctx.services.identity.users() if u.role is role]
    return {
        "data": [m.user_resource(u) for u in members],
        "included": [],
        "meta": {"page": {"total_count": len(members), "total_filtered_count": len(members)}},
    }


@router.post("/roles/{role_id}/users", name="AddUserToRole")
def add_user_to_role(role_id: str, body: s.RoleMemberRequest, ctx: UserManager) -> Doc:
    role = m.role_of(role_id)
    ctx.handle(uc.SetUserRole(parse_uuid(body.data.id, "data/id"), role))
    return role_users(ctx, role)


@router.delete("/roles/{role_id}/users", name="RemoveUserFromRole")
def remove_user_from_role(role_id: str, body: s.RoleMemberRequest, ctx: UserManager) -> Doc:
    role = m.role_of(role_id)
    user = ctx.services.read.user(parse_uuid(body.data.id, "data/id"))
    if user.role is role:
        raise ValidationFailed("data/id", "a user has exactly one role: add them to another role instead")
    return role_users(ctx, role)
