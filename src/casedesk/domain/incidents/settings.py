"""Organisation-wide incident configuration: incident types, user-defined fields, impact
fields, notification templates and rules, postmortem templates, automation rules, roles,
global handles and global settings.

Each is a `Setting` of a `SettingKind` whose attributes are a JSON-safe document; `clean`
checks a complete document for its kind and returns the normalised copy that is stored.
"""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.incidents.fields import FieldInput
from casedesk.domain.incidents.vocab import UDF_TYPES, IncidentState

NAME_MAX = 255
# The one global settings document has a fixed id, so it is the same before and after the
# first change.
GLOBAL_SETTINGS_ID = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
TEXT_MAX = 100_000
FIELD_NAME = re.compile(r"^[a-z0-9_][a-z0-9_.\-]{0,99}$")


class SettingKind(enum.Enum):
    INCIDENT_TYPE = "incident_type"
    USER_DEFINED_FIELD = "user_defined_field"
    IMPACT_FIELD = "impact_field"
    NOTIFICATION_TEMPLATE = "notification_template"
    NOTIFICATION_RULE = "notification_rule"
    POSTMORTEM_TEMPLATE = "postmortem_template"
    RULE = "rule"
    USER_DEFINED_ROLE = "user_defined_role"
    GLOBAL_HANDLE = "global_handle"
    GLOBAL_SETTINGS = "global_settings"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


@dataclass
class Setting:
    id: uuid.UUID
    kind: SettingKind
    attributes: dict[str, Any]
    created_at: datetime
    created_by: uuid.UUID | None
    modified_at: datetime | None = None
    modified_by: uuid.UUID | None = None
    deleted_at: datetime | None = None

    @property
    def incident_type_id(self) -> uuid.UUID | None:
        raw = self.attributes.get("incident_type_id")
        return uuid.UUID(str(raw)) if raw else None

    @property
    def name(self) -> str:
        return str(self.attributes.get("name", ""))

    def change(self, attributes: dict[str, Any], actor: uuid.UUID, now: datetime) -> None:
        self.attributes = clean(self.kind, {**self.attributes, **attributes})
        self.modified_at, self.modified_by = now, actor


def _name(attributes: dict[str, Any], field: str = "name", maximum: int = NAME_MAX) -> str:
    value = str(attributes.get(field) or "").strip()
    if not value:
        raise ValidationFailed(field, f"{field} must not be empty")
    if len(value) > maximum:
        raise ValidationFailed(field, f"{field} must be at most {maximum} characters")
    return value


def _bounded(attributes: dict[str, Any], field: str, maximum: int = TEXT_MAX) -> None:
    value = attributes.get(field)
    if isinstance(value, str) and len(value) > maximum:
        raise ValidationFailed(field, f"{field} must be at most {maximum} characters")


def clean_incident_type(attributes: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(attributes)
    cleaned["name"] = _name(attributes)
    _bounded(attributes, "description", 10_000)
    prefix = str(attributes.get("prefix") or "IR").strip()
    if not re.match(r"^[A-Za-z][A-Za-z0-9]{0,9}$", prefix):
        raise ValidationFailed("prefix", "prefix is 1 to 10 letters or digits, starting with a letter")
    cleaned["prefix"] = prefix
    cleaned["is_default"] = bool(attributes.get("is_default", False))
    cleaned.setdefault("description", "")
    return cleaned


def clean_user_defined_field(attributes: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(attributes)
    name = _name(attributes)
    if not FIELD_NAME.match(name):
        raise ValidationFailed("name", "name is 1 to 100 lower-case letters, digits, _ . -")
    cleaned["name"] = name
    cleaned["display_name"] = str(attributes.get("display_name") or name)
    if attributes.get("type") not in UDF_TYPES:
        raise ValidationFailed("type", f"type must be one of {', '.join(map(str, UDF_TYPES))}")
    values = attributes.get("valid_values") or []
    if UDF_TYPES[attributes["type"]] in ("dropdown", "multiselect") and not values:
        raise ValidationFailed("valid_values", "a dropdown or multiselect field needs valid_values")
    collected = attributes.get("collected")
    if collected is not None and collected not in {s.value for s in IncidentState}:
        raise ValidationFailed("collected", f"invalid collected {collected!r}")
    if not attributes.get("incident_type_id"):
        raise ValidationFailed("incident_type", "the field's incident type is required")
    cleaned["valid_values"] = values
    cleaned.setdefault("required", False)
    return cleaned


def clean_named(attributes: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(attributes)
    cleaned["name"] = _name(attributes)
    for field in ("content", "subject", "description", "template"):
        _bounded(attributes, field)
    return cleaned


def clean_handle(attributes: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(attributes)
    cleaned["name"] = _name(attributes, "name", 500)
    return cleaned


def clean_document(attributes: dict[str, Any]) -> dict[str, Any]:
    return dict(attributes)


CLEANERS = {
    SettingKind.INCIDENT_TYPE: clean_incident_type,
    SettingKind.USER_DEFINED_FIELD: clean_user_defined_field,
    SettingKind.IMPACT_FIELD: clean_named,
    SettingKind.NOTIFICATION_TEMPLATE: clean_named,
    SettingKind.NOTIFICATION_RULE: clean_document,
    SettingKind.POSTMORTEM_TEMPLATE: clean_named,
    SettingKind.RULE: clean_document,
    SettingKind.USER_DEFINED_ROLE: clean_named,
    SettingKind.GLOBAL_HANDLE: clean_handle,
    SettingKind.GLOBAL_SETTINGS: clean_document,
}


def clean(kind: SettingKind, attributes: dict[str, Any]) -> dict[str, Any]:
    return CLEANERS[kind](attributes)


def check_field_against(definition: Setting, name: str, given: FieldInput) -> None:
    """An incident field value must fit the user-defined field of that name: its kind's
    shape and, for dropdowns and multiselects, its valid values."""
    udf_kind = UDF_TYPES.get(int(definition.attributes.get("type", 0)), "")
    pointer = f"fields/{name}"
    if udf_kind in ("number", "datetime"):
        if given.kind.is_multi:
            raise ValidationFailed(pointer, f"the {name} field takes one value")
        return
    if udf_kind != given.kind.value:
        raise ValidationFailed(pointer, f"the {name} field is a {udf_kind} field")
    allowed = {str(v.get("value")) for v in definition.attributes.get("valid_values") or []}
    if udf_kind in ("dropdown", "multiselect") and given.value is not None:
        values = (given.value,) if isinstance(given.value, str) else given.value
        wrong = [v for v in values if v not in allowed]
        if wrong:
            raise ValidationFailed(
                pointer, f"invalid {name} {wrong[0]!r}; must be one of {', '.join(sorted(allowed))}"
            )
