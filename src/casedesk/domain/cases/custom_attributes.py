"""Custom attributes: typed fields a case type defines, checked on every write."""

from __future__ import annotations

import enum
import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from casedesk.domain.commands import Command
from casedesk.domain.errors import ValidationFailed

KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,99}$")
TEXT_MAX = 500
VALUES_MAX = 50
OPTIONS_MAX = 200

CustomValue = str | float | list[str] | list[float]


class CustomAttributeType(enum.Enum):
    URL = "URL"
    TEXT = "TEXT"
    NUMBER = "NUMBER"
    SELECT = "SELECT"


def clean_key(key: str) -> str:
    if not KEY_PATTERN.match(key):
        raise ValidationFailed(
            "key", "key must start with a letter and use letters, digits, '_', '.' or '-' (at most 100)"
        )
    return key


def clean_options(options: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(o.strip() for o in options if o.strip()))
    if len(cleaned) > OPTIONS_MAX:
        raise ValidationFailed("type_data", f"a SELECT attribute has at most {OPTIONS_MAX} options")
    if any(len(o) > TEXT_MAX for o in cleaned):
        raise ValidationFailed("type_data", f"options are at most {TEXT_MAX} characters")
    return cleaned


@dataclass
class CustomAttributeConfig:
    id: uuid.UUID
    case_type_id: uuid.UUID
    key: str
    display_name: str
    type: CustomAttributeType
    is_multi: bool
    created_at: datetime
    description: str = ""
    options: list[str] = field(default_factory=list)
    modified_at: datetime | None = None

    def stored(self, case_type_id: uuid.UUID, given: CustomValueInput) -> dict[str, Any]:
        """What a case of `case_type_id` keeps for this attribute: its type and shape with the
        checked value; refused for a case of another type."""
        if case_type_id != self.case_type_id:
            raise ValidationFailed(
                "custom_attribute_key", f"custom attribute {self.key!r} belongs to another case type"
            )
        value = self.check(given.type, given.is_multi, given.value)
        return {"type": self.type.value, "is_multi": self.is_multi, "value": value}

    def check(self, type_: CustomAttributeType, is_multi: bool, value: object) -> CustomValue:
        """The value in its stored form; raises ValidationFailed naming what is wrong."""
        if type_ is not self.type:
            raise ValidationFailed(
                "type", f"custom attribute {self.key!r} is of type {self.type.value}, not {type_.value}"
            )
        if is_multi != self.is_multi:
            shape = "a list of values" if self.is_multi else "a single value"
            raise ValidationFailed("is_multi", f"custom attribute {self.key!r} takes {shape}")
        if self.is_multi:
            if not isinstance(value, list):
                raise ValidationFailed("value", f"custom attribute {self.key!r} takes a list of values")
            if len(value) > VALUES_MAX:
                raise ValidationFailed(
                    "value", f"custom attribute {self.key!r} takes at most {VALUES_MAX} values"
                )
            items = [self._one(item) for item in value]
            return list(dict.fromkeys(items))  # type: ignore[return-value]
        if isinstance(value, list):
            raise ValidationFailed("value", f"custom attribute {self.key!r} takes a single value, not a list")
        return self._one(value)

    def _one(self, value: object) -> str | float:
        if self.type is CustomAttributeType.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValidationFailed(
                    "value", f"custom attribute {self.key!r} takes a number, not {value!r}"
                )
            return float(value)
        if not isinstance(value, str):
            raise ValidationFailed("value", f"custom attribute {self.key!r} takes text, not {value!r}")
        if len(value) > TEXT_MAX:
            raise ValidationFailed(
                "value", f"custom attribute {self.key!r} takes at most {TEXT_MAX} characters"
            )
        if self.type is CustomAttributeType.URL:
            parsed = urlparse(value)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValidationFailed(
                    "value", f"custom attribute {self.key!r} takes an http(s) URL, not {value!r}"
                )
        if self.type is CustomAttributeType.SELECT and value not in self.options:
            allowed = ", ".join(self.options) or "(no options defined)"
            raise ValidationFailed(
                "value", f"{value!r} is not an option of custom attribute {self.key!r}; use one of {allowed}"
            )
        return value


# -- commands ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomValueInput:
    """A custom attribute value as sent: its claimed type and shape, and the raw value."""

    type: CustomAttributeType
    is_multi: bool
    value: Any


@dataclass(frozen=True)
class CreateCustomAttributeConfig(Command[uuid.UUID]):
    type_id: uuid.UUID
    key: str
    display_name: str
    type: CustomAttributeType
    is_multi: bool
    description: str = ""
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class UpdateCustomAttributeConfig(Command[uuid.UUID]):
    type_id: uuid.UUID
    config_id: uuid.UUID
    display_name: str | None = None
    description: str | None = None
    type: CustomAttributeType | None = None
    options: tuple[str, ...] | None = None


@dataclass(frozen=True)
class DeleteCustomAttributeConfig(Command[uuid.UUID]):
    type_id: uuid.UUID
    config_id: uuid.UUID
