"""Datadog dialect: the organisation's incident settings (`/api/v2/incidents/config/…`).

The kinds share one shape of operation (list, create, get, update, delete), so their routes
are made from one set of endpoint builders and a table naming each kind's paths and
operationIds. Global settings, global handles and org settings have their own routes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Query, Request, Response

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.incidents import commands as ic
from casedesk.domain.incidents.settings import GLOBAL_SETTINGS_ID, Setting, SettingKind
from casedesk.entrypoints.api_datadog.access import IncidentAdmin as Admin
from casedesk.entrypoints.api_datadog.access import IncidentReader as Reader
from casedesk.entrypoints.api_datadog.incidents import settings_mapping as sm
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()
Doc = dict[str, Any]
CONFIG = "/incidents/config"

ROUTES: list[tuple[SettingKind, str, str, str, str, str]] = [
    # kind, path, id parameter, singular name, plural name, update method
    (SettingKind.USER_DEFINED_FIELD, "/user-defined-fields", "field_id", "IncidentUserDefinedField",
     "IncidentUserDefinedFields", "PATCH"),
    (SettingKind.IMPACT_FIELD, "/impact-fields", "field_id", "IncidentImpactField", "IncidentImpactFields",
     "PUT"),
    (SettingKind.NOTIFICATION_RULE, "/notification-rules", "id", "IncidentNotificationRule",
     "IncidentNotificationRules", "PUT"),
    (SettingKind.NOTIFICATION_TEMPLATE, "/notification-templates", "id", "IncidentNotificationTemplate",
     "IncidentNotificationTemplates", "PATCH"),
    (SettingKind.POSTMORTEM_TEMPLATE, "/postmortem-templates", "template_id", "IncidentPostmortemTemplate",
     "IncidentPostmortemTemplates", "PATCH"),
    (SettingKind.RULE, "/rules", "rule_id", "IncidentRule", "IncidentRules", "PATCH"),
    (SettingKind.USER_DEFINED_ROLE, "/user-defined-roles", "role_id", "IncidentUserDefinedRole",
     "IncidentUserDefinedRoles", "PATCH"),
    (SettingKind.INCIDENT_TYPE, "/types", "incident_type_id", "IncidentType", "IncidentTypes", "PATCH"),
]  # fmt: skip
# Operations that are not listed by the generic builders (their GET is missing upstream).
NO_GET = frozenset({SettingKind.IMPACT_FIELD})


def default_global_settings() -> Setting:
    """What the global settings are before anyone changed them (nothing is stored yet)."""
    return Setting(GLOBAL_SETTINGS_ID, SettingKind.GLOBAL_SETTINGS, {}, datetime.now(UTC), None)


def path_id(request: Request, parameter: str) -> uuid.UUID:
    return sm.setting_id(str(request.path_params[parameter]), parameter)


def filtered(ctx: Context, kind: SettingKind, include_deleted: bool, incident_type: str | None) -> list[Any]:
    settings = ctx.services.incidents.settings(kind, include_deleted=include_deleted)
    if incident_type is not None:
        type_id = str(sm.setting_id(incident_type, "filter[incident-type]"))
        settings = [s for s in settings if s.attributes.get("incident_type_id") == type_id]
    return settings


def lister(kind: SettingKind) -> Callable[..., Doc]:
    def endpoint(
        ctx: Reader,
        include_deleted: bool = False,
        incident_type: Annotated[str | None, Query(alias="filter[incident-type]")] = None,
        page_size: Annotated[int, Query(alias="page[size]", ge=1, le=1000)] = 1000,
        page_number: Annotated[int, Query(alias="page[number]", ge=0, le=1_000_000)] = 0,
    ) -> Doc:
        settings = filtered(ctx, kind, include_deleted, incident_type)
        if kind is SettingKind.USER_DEFINED_FIELD:
            start = max(page_number - 1, 0) * page_size if page_number else 0
            page = settings[start : start + page_size]
            return sm.listing(page, {"offset": start, "size": len(page)})
        return sm.listing(settings)

    return endpoint


def creator(kind: SettingKind) -> Callable[..., Doc]:
    def endpoint(body: sm.SettingRequest, ctx: Admin) -> Doc:
        setting_id = ctx.handle(ic.CreateIncidentSetting(kind, sm.attributes(kind, body)))
        return sm.document(ctx.services.incidents.setting(kind, setting_id))

    return endpoint


def getter(kind: SettingKind, parameter: str) -> Callable[..., Doc]:
    def endpoint(request: Request, ctx: Reader) -> Doc:
        return sm.document(ctx.services.incidents.setting(kind, path_id(request, parameter)))

    return endpoint


def updater(kind: SettingKind, parameter: str, partial: bool) -> Callable[..., Doc]:
    def endpoint(request: Request, body: sm.SettingRequest, ctx: Admin) -> Doc:
        setting_id = path_id(request, parameter)
        changes = sm.attributes(kind, body, partial=partial)
        ctx.handle(ic.UpdateIncidentSetting(kind, setting_id, changes, replace=not partial))
        return sm.document(ctx.services.incidents.setting(kind, setting_id))

    return endpoint


def deleter(kind: SettingKind, parameter: str) -> Callable[..., Response]:
    def endpoint(request: Request, ctx: Admin) -> Response:
        ctx.handle(ic.DeleteIncidentSetting(kind, path_id(request, parameter)))
        return Response(status_code=204)

    return endpoint


# -- fixed paths first: org settings and global settings and handles -----------------------


@router.get(CONFIG + "/types/org-settings", name="ListOrgSettings")
def list_org_settings(ctx: Reader, include_deleted: bool = False) -> Doc:
    types = ctx.services.incidents.settings(SettingKind.INCIDENT_TYPE, include_deleted=include_deleted)
    return {"data": [sm.org_settings(t) for t in types]}


@router.get(CONFIG + "/types/{incident_type_id}/org-settings", name="GetOrgSettingsByIncidentType")
def org_settings(incident_type_id: str, ctx: Reader) -> Doc:
    type_id = sm.setting_id(incident_type_id, "incident_type_id")
    return {"data": sm.org_settings(ctx.services.incidents.setting(SettingKind.INCIDENT_TYPE, type_id))}


@router.get(CONFIG + "/global/settings", name="GetGlobalIncidentSettings")
def global_settings(ctx: Reader) -> Doc:
    found = ctx.services.incidents.settings(SettingKind.GLOBAL_SETTINGS)
    return sm.document(found[0] if found else default_global_settings())


@router.patch(CONFIG + "/global/settings", name="UpdateGlobalIncidentSettings")
def update_global_settings(body: sm.SettingRequest, ctx: Admin) -> Doc:
    changes = sm.attributes(SettingKind.GLOBAL_SETTINGS, body, partial=True)
    setting_id = ctx.handle(ic.PutGlobalIncidentSettings(changes))
    return sm.document(ctx.services.incidents.setting(SettingKind.GLOBAL_SETTINGS, setting_id))


HANDLES = CONFIG + "/global/incident-handles"


@router.get(HANDLES, name="ListGlobalIncidentHandles")
def list_handles(ctx: Reader) -> Doc:
    return sm.listing(ctx.services.incidents.settings(SettingKind.GLOBAL_HANDLE))


@router.post(HANDLES, name="CreateGlobalIncidentHandle", status_code=201)
def create_handle(body: sm.SettingRequest, ctx: Admin) -> Doc:
    return creator(SettingKind.GLOBAL_HANDLE)(body, ctx)


@router.put(HANDLES, name="UpdateGlobalIncidentHandle")
def update_handle(body: sm.SettingRequest, ctx: Admin) -> Doc:
    if body.data.id is None:
        raise ValidationFailed("data/id", "name the handle to update in data.id")
    handle_id = sm.setting_id(body.data.id, "data/id")
    changes = sm.attributes(SettingKind.GLOBAL_HANDLE, body, partial=True)
    ctx.handle(ic.UpdateIncidentSetting(SettingKind.GLOBAL_HANDLE, handle_id, changes))
    return sm.document(ctx.services.incidents.setting(SettingKind.GLOBAL_HANDLE, handle_id))


@router.delete(HANDLES, name="DeleteGlobalIncidentHandle", status_code=204)
def delete_handle(ctx: Admin, id: Annotated[str | None, Query()] = None) -> Response:
    # The operation names no handle; casedesk takes its id as the `id` query parameter.
    if id is None:
        raise ValidationFailed("id", "name the handle to delete with the id query parameter (?id=<uuid>)")
    ctx.handle(ic.DeleteIncidentSetting(SettingKind.GLOBAL_HANDLE, sm.setting_id(id, "id")))
    return Response(status_code=204)


def _register() -> None:
    for kind, suffix, parameter, one, many, update_method in ROUTES:
        path, item = CONFIG + suffix, CONFIG + suffix + "/{" + parameter + "}"
        router.add_api_route(path, lister(kind), methods=["GET"], name="List" + many)
        router.add_api_route(path, creator(kind), methods=["POST"], name="Create" + one, status_code=201)
        if kind not in NO_GET:
            router.add_api_route(item, getter(kind, parameter), methods=["GET"], name="Get" + one)
        partial = update_method == "PATCH"
        router.add_api_route(
            item, updater(kind, parameter, partial), methods=[update_method], name="Update" + one
        )
        router.add_api_route(
            item, deleter(kind, parameter), methods=["DELETE"], name="Delete" + one, status_code=204
        )


_register()
