"""Case types: Standard and Security are built in; teams add their own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from casedesk.domain.commands import Command
from casedesk.domain.emoji import is_emoji
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.vocab import BUILTIN_CASE_TYPES, SECURITY_CASE_TYPE_ID

NAME_MAX = 200
EMOJI_MAX = 16


def clean_type_name(name: str) -> str:
    stripped = name.strip()
    if not stripped or len(stripped) > NAME_MAX:
        raise ValidationFailed("name", f"name must be 1 to {NAME_MAX} characters")
    return stripped


def clean_emoji(emoji: str) -> str:
    """An empty emoji means the type has none; anything else must be one emoji."""
    if len(emoji) > EMOJI_MAX:
        raise ValidationFailed("emoji", f"emoji must be at most {EMOJI_MAX} characters")
    if emoji and not is_emoji(emoji):
        raise ValidationFailed("emoji", f"{emoji!r} is not an emoji; give one emoji such as 🔧")
    return emoji


@dataclass
class CaseType:
    id: uuid.UUID
    name: str
    description: str = ""
    emoji: str = ""
    deleted_at: datetime | None = None
    created_at: datetime | None = None
    modified_at: datetime | None = None

    @classmethod
    def create(cls, *, name: str, description: str, emoji: str, now: datetime) -> CaseType:
        return cls(
            id=uuid.uuid4(),
            name=clean_type_name(name),
            description=description,
            emoji=clean_emoji(emoji),
            created_at=now,
            modified_at=now,
        )

    def update(self, *, name: str | None, description: str | None, emoji: str | None, now: datetime) -> None:
        if name is not None:
            self.name = clean_type_name(name)
        if description is not None:
            self.description = description
        if emoji is not None:
            self.emoji = clean_emoji(emoji)
        self.modified_at = now

    def delete(self, now: datetime) -> None:
        if self.builtin:
            raise ValidationFailed("case_type_id", f"the built-in {self.name} case type cannot be deleted")
        self.deleted_at = now

    @property
    def builtin(self) -> bool:
        return self.id in BUILTIN_CASE_TYPES

    @property
    def requires_resolved_reason(self) -> bool:
        """Security cases cannot be closed until someone says why."""
        return self.id == SECURITY_CASE_TYPE_ID


def builtin_case_types() -> list[CaseType]:
    return [
        CaseType(id=type_id, name=name, description=description, emoji=emoji)
        for type_id, (name, description, emoji) in BUILTIN_CASE_TYPES.items()
    ]


# -- commands ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateCaseType(Command[uuid.UUID]):
    name: str
    description: str = ""
    emoji: str = ""


@dataclass(frozen=True)
class UpdateCaseType(Command[uuid.UUID]):
    type_id: uuid.UUID
    name: str | None = None
    description: str | None = None
    emoji: str | None = None


@dataclass(frozen=True)
class DeleteCaseType(Command[uuid.UUID]):
    type_id: uuid.UUID
