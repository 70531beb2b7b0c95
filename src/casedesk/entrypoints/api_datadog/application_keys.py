"""Datadog dialect: application keys (`/api/v2/current_user/application_keys…` for one's own,
`/api/v2/application_keys…` for an admin's view of everyone's). Answers never carry a key's
secret, which only its issuing showed. Deleting a key revokes it: Datadog removes the key,
casedesk keeps the row, with `revoked_at`, for the audit trail, and lists it."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from casedesk.domain import users as uc
from casedesk.domain.ids import parse_uuid
from casedesk.entrypoints.api_datadog.access import KeyManager, KeyReader, OwnKeyManager, OwnKeyReader
from casedesk.entrypoints.api_datadog.wire import iso
from casedesk.entrypoints.http.routing import dialect_router
from casedesk.services.ports.identity import AppKeyView

router = dialect_router()
Doc = dict[str, Any]
KEY_ID = "app_key_id"


def key_resource(key: AppKeyView) -> Doc:
    return {
        "id": str(key.id),
        "type": "application_keys",
        "attributes": {
            "name": key.name,
            "created_at": iso(key.created_at),
            "last4": key.last4,
            "scopes": sorted(s.value for s in key.scopes),
            "last_used_at": iso(key.last_used_at),
            "revoked_at": iso(key.revoked_at),
        },
        "relationships": {"owned_by": {"data": {"id": str(key.user_id), "type": "users"}}},
    }


def key_list(keys: list[AppKeyView]) -> Doc:
    return {
        "data": [key_resource(k) for k in keys],
        "included": [],
        "meta": {"page": {"total_filtered_count": len(keys)}},
    }


@router.get("/current_user/application_keys", name="ListCurrentUserApplicationKeys")
def list_own_keys(ctx: OwnKeyReader) -> Doc:
    return key_list(ctx.services.identity.app_keys(ctx.principal.user_id))


@router.get("/current_user/application_keys/{app_key_id}", name="GetCurrentUserApplicationKey")
def get_own_key(app_key_id: str, ctx: OwnKeyReader) -> Doc:
    key_id = parse_uuid(app_key_id, KEY_ID)
    return {"data": key_resource(ctx.services.identity.app_key(key_id, ctx.principal.user_id))}


@router.delete(
    "/current_user/application_keys/{app_key_id}", name="DeleteCurrentUserApplicationKey", status_code=204
)
def revoke_own_key(app_key_id: str, ctx: OwnKeyManager) -> Response:
    ctx.handle(uc.RevokeOwnAppKey(parse_uuid(app_key_id, KEY_ID)))
    return Response(status_code=204)


@router.get("/application_keys", name="ListApplicationKeys")
def list_keys(ctx: KeyReader) -> Doc:
    return key_list(ctx.services.identity.app_keys())


@router.get("/application_keys/{app_key_id}", name="GetApplicationKey")
def get_key(app_key_id: str, ctx: KeyReader) -> Doc:
    return {"data": key_resource(ctx.services.identity.app_key(parse_uuid(app_key_id, KEY_ID)))}


@router.delete("/application_keys/{app_key_id}", name="DeleteApplicationKey", status_code=204)
def revoke_key(app_key_id: str, ctx: KeyManager) -> Response:
    ctx.handle(uc.RevokeAppKey(parse_uuid(app_key_id, KEY_ID)))
    return Response(status_code=204)
