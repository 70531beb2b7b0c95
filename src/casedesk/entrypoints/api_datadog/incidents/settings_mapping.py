"""Wire ⇄ core for the organisation's incident settings: incident types, user-defined fields,
impact fields, notification templates and rules, postmortem templates, automation rules,
user-defined roles, global handles and global settings.

Each kind has a `Spec`: its JSON:API type names, the members a create must carry and which
relationships it keeps; its members' types are its attributes model (`settings_schemas.py`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import Field, ValidationError

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import parse_uuid
from casedesk.domain.incidents.settings import Setting, SettingKind
from casedesk.entrypoints.api_datadog.incidents.mapping import users_ref
from casedesk.entrypoints.api_datadog.incidents.settings_schemas import ATTRIBUTES, READ_ONLY
from casedesk.entrypoints.api_datadog.wire import Wire, iso


class SettingData(Wire):
    type: str
    id: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    relationships: dict[str, Any] | None = None


class SettingRequest(Wire):
    data: SettingData


@dataclass(frozen=True)
class Spec:
    wire_types: tuple[str, ...]
    required: tuple[str, ...] = ()
    relationships: tuple[str, ...] = ()  # kept as `<name>_id` attributes
    required_relationships: tuple[str, ...] = ()


SPECS: dict[SettingKind, Spec] = {
    SettingKind.INCIDENT_TYPE: Spec(("incident_types",), ("name",)),
    SettingKind.USER_DEFINED_FIELD: Spec(
        ("user_defined_field",), ("name", "type"), ("incident_type",), ("incident_type",)
    ),
    SettingKind.IMPACT_FIELD: Spec(
        ("impact_fields",), ("name", "display_name", "field_type"), ("incident_type",), ("incident_type",)
    ),
    SettingKind.NOTIFICATION_TEMPLATE: Spec(
        ("notification_templates",), ("name", "subject", "content", "category"), ("incident_type",)
    ),
    SettingKind.NOTIFICATION_RULE: Spec(
        ("incident_notification_rules",),
        ("conditions", "handles", "trigger"),
        ("incident_type", "notification_template"),
    ),
    SettingKind.POSTMORTEM_TEMPLATE: Spec(
        ("postmortem_templates", "postmortem_template"), ("name",), ("incident_type",)
    ),
    SettingKind.RULE: Spec(
        ("incident_rules", "incidents_rules"),
        ("execution_type", "condition_table_type", "condition", "task_id", "task_payload", "enabled"),
    ),
    SettingKind.USER_DEFINED_ROLE: Spec(
        ("incident_user_defined_roles",), ("name",), ("incident_type",), ("incident_type",)
    ),
    SettingKind.GLOBAL_HANDLE: Spec(
        ("incidents_handles",), ("name",), ("incident_type", "commander_user"), ("incident_type",)
    ),
    SettingKind.GLOBAL_SETTINGS: Spec(("incidents_global_settings",)),
}  # fmt: skip


# -- wire → attributes -------------------------------------------------------------------


def attributes(kind: SettingKind, body: SettingRequest, *, partial: bool = False) -> dict[str, Any]:
    """The setting's attributes from a request; a partial one carries only what was sent."""
    spec, data = SPECS[kind], body.data
    if data.type not in spec.wire_types:
        raise ValidationFailed(
            "data/type", f"got type {data.type!r} expected one of {', '.join(spec.wire_types)}"
        )
    found = typed_attributes(kind, data.attributes)
    for name in () if partial else spec.required:
        if found.get(name) is None:
            raise ValidationFailed(name, "this member is required")
    relationships = data.relationships or {}
    for name in spec.relationships:
        ref = relationships.get(name)
        target = ref.get("data") if isinstance(ref, dict) else None
        if isinstance(target, dict) and "id" in target:
            found[f"{name}_id"] = str(parse_uuid(str(target["id"]), name))
        elif name in spec.required_relationships and not partial:
            raise ValidationFailed(name, "this relationship is required")
    return found


def typed_attributes(kind: SettingKind, given: dict[str, Any]) -> dict[str, Any]:
    """The members the contract declares for the kind, each checked for its JSON type; a
    wrong one is refused as the request's own validation error, at its pointer."""
    try:
        checked = ATTRIBUTES[kind].model_validate(given)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", "data", "attributes", *error["loc"])} for error in exc.errors()]
        ) from None
    return {k: v for k, v in checked.model_dump(exclude_unset=True).items() if k not in READ_ONLY}


# -- objects → wire ----------------------------------------------------------------------

WIRE_RELATIONSHIP_TYPES = {
    "incident_type": "incident_types",
    "notification_template": "notification_templates",
    "commander_user": "users",
}


def _relationships(setting: Setting, names: tuple[str, ...]) -> dict[str, Any]:
    found: dict[str, Any] = {
        "created_by_user": {"data": users_ref(setting.created_by)},
        "last_modified_by_user": {"data": users_ref(setting.modified_by or setting.created_by)},
    }
    for name in names:
        target = setting.attributes.get(f"{name}_id")
        if target:
            found[name] = {"data": {"id": target, "type": WIRE_RELATIONSHIP_TYPES[name]}}
    if found["created_by_user"]["data"] is None:
        # Built-in settings have no creator; RelationshipToUser may not be null.
        del found["created_by_user"], found["last_modified_by_user"]
    return found


RELATIONSHIP_KEYS = frozenset(f"{name}_id" for name in WIRE_RELATIONSHIP_TYPES)


def _shown(setting: Setting) -> dict[str, Any]:
    """The attributes as sent, without the relationships kept beside them."""
    return {k: v for k, v in setting.attributes.items() if k not in RELATIONSHIP_KEYS}


def _times(setting: Setting, created: str = "created", modified: str = "modified") -> dict[str, Any]:
    return {created: iso(setting.created_at), modified: iso(setting.modified_at or setting.created_at)}


def incident_type(setting: Setting) -> dict[str, Any]:
    attrs = {**_shown(setting), **_times(setting, "createdAt", "modifiedAt")}
    attrs.setdefault("configuration", {})
    attrs["createdBy"] = str(setting.created_by) if setting.created_by else ""
    attrs["lastModifiedBy"] = str(setting.modified_by or setting.created_by or "")
    return {"attributes": attrs, "relationships": _relationships(setting, ())}


def user_defined_field(setting: Setting) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        **dict.fromkeys(("category", "collected", "default_value", "metadata", "ordinal", "tag_key")),
        "required": False,
        "reserved": False,
        "valid_values": [],
        "display_name": "",
    }
    attrs = {**defaults, **_shown(setting), **_times(setting), "deleted": iso(setting.deleted_at)}
    return {"attributes": attrs, "relationships": _relationships(setting, ("incident_type",))}


def with_times(
    names: tuple[str, ...], created: str = "created", modified: str = "modified"
) -> Callable[[Setting], dict[str, Any]]:
    def render(setting: Setting) -> dict[str, Any]:
        attrs = {**_shown(setting), **_times(setting, created, modified)}
        return {"attributes": attrs, "relationships": _relationships(setting, names)}

    return render


def notification_rule(setting: Setting) -> dict[str, Any]:
    attrs = {
        "enabled": False,
        "visibility": "organization",
        "renotify_on": [],
        **_shown(setting),
        **_times(setting),
    }
    return {
        "attributes": attrs,
        "relationships": _relationships(setting, ("incident_type", "notification_template")),
    }


def postmortem_template(setting: Setting) -> dict[str, Any]:
    attrs = {"content": "", "is_default": None, "location": "datadog_notebooks", **_shown(setting)}
    attrs.update(_times(setting, "createdAt", "modifiedAt"))
    return {"attributes": attrs, "relationships": _relationships(setting, ("incident_type",))}


def rule(setting: Setting) -> dict[str, Any]:
    attrs = {**_shown(setting), **_times(setting), "deleted": None}
    attrs["created_by_uuid"] = str(setting.created_by or "")
    attrs["modified_by_uuid"] = str(setting.modified_by or setting.created_by or "")
    return {"attributes": attrs, "relationships": {}}


def user_defined_role(setting: Setting) -> dict[str, Any]:
    attrs = {"policy": {"is_single": False}, "description": None, **_shown(setting), **_times(setting)}
    return {"attributes": attrs, "relationships": _relationships(setting, ("incident_type",))}


def global_handle(setting: Setting) -> dict[str, Any]:
    attrs = {"fields": {}, **_shown(setting), **_times(setting, "created_at", "modified_at")}
    return {
        "attributes": attrs,
        "relationships": _relationships(setting, ("incident_type", "commander_user")),
    }


def global_settings(setting: Setting) -> dict[str, Any]:
    attrs = {"analytics_dashboard_id": "", **_shown(setting), **_times(setting)}
    return {"attributes": attrs}


RENDERERS: dict[SettingKind, Callable[[Setting], dict[str, Any]]] = {
    SettingKind.INCIDENT_TYPE: incident_type,
    SettingKind.USER_DEFINED_FIELD: user_defined_field,
    SettingKind.IMPACT_FIELD: with_times(("incident_type",)),
    SettingKind.NOTIFICATION_TEMPLATE: with_times(("incident_type",)),
    SettingKind.NOTIFICATION_RULE: notification_rule,
    SettingKind.POSTMORTEM_TEMPLATE: postmortem_template,
    SettingKind.RULE: rule,
    SettingKind.USER_DEFINED_ROLE: user_defined_role,
    SettingKind.GLOBAL_HANDLE: global_handle,
    SettingKind.GLOBAL_SETTINGS: global_settings,
}


def resource(setting: Setting) -> dict[str, Any]:
    rendered = RENDERERS[setting.kind](setting)
    wire_type = SPECS[setting.kind].wire_types[-1 if setting.kind is SettingKind.RULE else 0]
    return {"id": str(setting.id), "type": wire_type, **rendered}


def document(setting: Setting) -> dict[str, Any]:
    return {"data": resource(setting)}


def listing(settings: list[Setting], meta: dict[str, Any] | None = None) -> dict[str, Any]:
    count = len(settings)
    return {
        "data": [resource(s) for s in settings],
        "meta": meta or {"pagination": {"offset": 0, "next_offset": count, "size": count}},
    }


def org_settings(setting: Setting) -> dict[str, Any]:
    """An incident type's settings, as the org-settings operations show them."""
    return {
        "id": str(setting.id),
        "type": "incident_org_settings",
        "attributes": {"settings": setting.attributes.get("configuration", {}), **_times(setting)},
        "relationships": {"incident_type": {"data": {"id": str(setting.id), "type": "incident_types"}}},
    }


def setting_id(text: str, parameter: str) -> uuid.UUID:
    return parse_uuid(text, parameter)
