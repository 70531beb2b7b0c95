"""Incident fields: the condensed `name → {type, value}` selections an incident carries.

`state` and `severity` are fields too (Datadog shows and changes them there) but the
incident keeps them as its own typed members; the other built-in fields have fixed kinds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.incidents.vocab import DETECTION_METHODS, FieldKind, IncidentState, Severity

FIELD_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}$")
FIELD_TEXT_MAX = 10_000
FIELD_ITEMS_MAX = 100
FIELD_ITEM_MAX = 500
FIELDS_MAX = 100

# Built-in fields, their kind, and the value a new incident shows for them.
BUILTIN_FIELDS: dict[str, tuple[FieldKind, Any]] = {
    "state": (FieldKind.DROPDOWN, IncidentState.ACTIVE.value),
    "severity": (FieldKind.DROPDOWN, Severity.UNKNOWN.value),
    "detection_method": (FieldKind.DROPDOWN, "unknown"),
    "root_cause": (FieldKind.TEXTBOX, None),
    "summary": (FieldKind.TEXTBOX, None),
    "services": (FieldKind.AUTOCOMPLETE, None),
    "teams": (FieldKind.AUTOCOMPLETE, None),
}


@dataclass(frozen=True)
class FieldInput:
    """A field selection as sent: its kind and its value (a string, strings, or None)."""

    kind: FieldKind
    value: str | tuple[str, ...] | None

    def as_data(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"type": self.kind.value, "value": value}


def pointer(name: str) -> str:
    return f"fields/{name}"


def clean_field(name: str, given: FieldInput) -> FieldInput:
    """Checks the name, the kind against the value's shape and, for built-in fields, the
    kind and the allowed values. Returns the value with repeats dropped and text trimmed."""
    if not FIELD_NAME.match(name):
        raise ValidationFailed(pointer(name), f"field name {name!r} must be 1 to 100 letters, digits, _ . -")
    value = given.value
    if given.kind.is_multi:
        if isinstance(value, str):
            raise ValidationFailed(pointer(name), f"a {given.kind.value} field takes a list of strings")
        if value is not None:
            if len(value) > FIELD_ITEMS_MAX:
                raise ValidationFailed(pointer(name), f"a field holds at most {FIELD_ITEMS_MAX} values")
            if any(len(v) > FIELD_ITEM_MAX for v in value):
                raise ValidationFailed(
                    pointer(name), f"field values must be at most {FIELD_ITEM_MAX} characters"
                )
            value = tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
    else:
        if isinstance(value, tuple):
            raise ValidationFailed(pointer(name), f"a {given.kind.value} field takes one string")
        if value is not None and len(value) > FIELD_TEXT_MAX:
            raise ValidationFailed(pointer(name), f"field values must be at most {FIELD_TEXT_MAX} characters")
    cleaned = FieldInput(given.kind, value)
    if name in BUILTIN_FIELDS:
        _check_builtin(name, cleaned)
    return cleaned


def _check_builtin(name: str, given: FieldInput) -> None:
    kind, _ = BUILTIN_FIELDS[name]
    if given.kind.is_multi != kind.is_multi or (not kind.is_multi and given.kind is not kind):
        raise ValidationFailed(pointer(name), f"the {name} field is a {kind.value} field")
    allowed: tuple[str, ...] | None = None
    if name == "state":
        allowed = tuple(s.value for s in IncidentState)
    elif name == "severity":
        allowed = tuple(s.value for s in Severity)
    elif name == "detection_method":
        allowed = DETECTION_METHODS
    if allowed is None:
        return
    if given.value is None and name in ("state", "severity"):
        raise ValidationFailed(pointer(name), f"the {name} field cannot be cleared")
    if given.value is not None and given.value not in allowed:
        raise ValidationFailed(
            pointer(name), f"invalid {name} {given.value!r}; must be one of {', '.join(allowed)}"
        )


def clean_fields(fields: dict[str, FieldInput]) -> dict[str, FieldInput]:
    if len(fields) > FIELDS_MAX:
        raise ValidationFailed("fields", f"an incident holds at most {FIELDS_MAX} fields")
    return {name: clean_field(name, given) for name, given in fields.items()}
