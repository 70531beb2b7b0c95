"""Things attached to a case that have ids of their own: buttons, records, reactions, files."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casedesk.domain.errors import ValidationFailed

BUTTON_TYPES = ("page", "webhook")
BUTTON_URL_MAX = 2000
BUTTON_LABEL_MAX = 200
BUTTONS_MAX = 50
RECORD_FIELDS_MAX = 200
RECORD_NAME_MAX = 200
RECORD_VALUE_MAX = 10_000
REACTIONS = ("+1", "-1", "eyes", "heart", "white_check_mark")
FILE_NAME_MAX = 255
FILE_BYTES_MAX = 10 * 1024 * 1024


@dataclass(frozen=True)
class ButtonSpec:
    """What a caller gives for a button: a link to a page or a webhook, shown on the case."""

    button_type: str
    url: str
    label: str
    button_text: str = ""

    def __post_init__(self) -> None:
        if self.button_type not in BUTTON_TYPES:
            raise ValidationFailed(
                "button_type",
                f"unknown button type {self.button_type!r}; use one of {', '.join(BUTTON_TYPES)}",
            )
        url = self.url.strip()
        if not url.lower().startswith(("http://", "https://")) or len(url) > BUTTON_URL_MAX:
            raise ValidationFailed(
                "url", f"url must be an http(s) URL of at most {BUTTON_URL_MAX} characters"
            )
        if not self.label.strip() or len(self.label) > BUTTON_LABEL_MAX:
            raise ValidationFailed("label", f"label must be 1 to {BUTTON_LABEL_MAX} characters")
        if len(self.button_text) > BUTTON_LABEL_MAX:
            raise ValidationFailed(
                "button_text", f"button_text must be at most {BUTTON_LABEL_MAX} characters"
            )


@dataclass
class Button:
    id: int
    case_id: uuid.UUID
    spec: ButtonSpec
    created_at: datetime
    updated_at: datetime

    def as_data(self) -> dict[str, Any]:
        return {"id": self.id, "button_type": self.spec.button_type, "label": self.spec.label}


@dataclass(frozen=True)
class RecordField:
    """One named value of a record's result set."""

    name: str
    value: Any

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > RECORD_NAME_MAX:
            raise ValidationFailed("field_values", f"a field name must be 1 to {RECORD_NAME_MAX} characters")
        if isinstance(self.value, str) and len(self.value) > RECORD_VALUE_MAX:
            raise ValidationFailed("field_values", f"a field value is at most {RECORD_VALUE_MAX} characters")


def clean_record_fields(fields: tuple[RecordField, ...]) -> tuple[RecordField, ...]:
    if not fields:
        raise ValidationFailed("field_values", "a record needs at least one field value")
    if len(fields) > RECORD_FIELDS_MAX:
        raise ValidationFailed("field_values", f"a record holds at most {RECORD_FIELDS_MAX} field values")
    return fields


def clean_reaction(value: str) -> str:
    emoji = value.strip().strip(":")
    if emoji not in REACTIONS:
        raise ValidationFailed("value", f"unknown reaction {value!r}; use one of {', '.join(REACTIONS)}")
    return emoji


def clean_file_name(name: str) -> str:
    cleaned = name.strip().replace("/", "_").replace("\\", "_")
    if not cleaned or len(cleaned) > FILE_NAME_MAX:
        raise ValidationFailed("filename", f"filename must be 1 to {FILE_NAME_MAX} characters")
    return cleaned


def clean_file_contents(content: bytes) -> bytes:
    if not content:
        raise ValidationFailed("file_contents", "the file is empty")
    if len(content) > FILE_BYTES_MAX:
        raise ValidationFailed("file_contents", f"a file is at most {FILE_BYTES_MAX} bytes")
    return content
