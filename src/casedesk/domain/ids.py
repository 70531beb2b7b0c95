"""How cases and users are referred to: a case by UUID, `KEY-N` key or global number; a user by
UUID, email or number."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.users import clean_email

CASE_KEY_PATTERN = re.compile(r"^([A-Za-z][A-Za-z0-9]{0,9})-([1-9][0-9]{0,17})$")


@dataclass(frozen=True)
class CaseRef:
    """A parsed case reference; exactly one of `id`, `key` and `number` is set (the global
    case number is how Tines' dialect names a case)."""

    id: uuid.UUID | None = None
    key: str | None = None
    number: int | None = None

    @classmethod
    def parse(cls, text: str, field: str = "case_id") -> CaseRef:
        text = text.strip()
        try:
            return cls(id=uuid.UUID(text))
        except ValueError:
            pass
        if CASE_KEY_PATTERN.match(text):
            return cls(key=text.upper())
        raise ValidationFailed(field, f"{text!r} is neither a case UUID nor a case key like SEC-12")

    def __str__(self) -> str:
        if self.number is not None:
            return str(self.number)
        return str(self.id) if self.id is not None else str(self.key)


def parse_uuid(text: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except (ValueError, AttributeError):
        raise ValidationFailed(field, f"{text!r} is not a UUID") from None


@dataclass(frozen=True)
class UserRef:
    """A user as a caller names them; exactly one of `id`, `email` and `number` is set (Tines
    names users by email, and by their number in mentions)."""

    id: uuid.UUID | None = None
    email: str | None = None
    number: int | None = None

    @classmethod
    def of_email(cls, text: str, field: str) -> UserRef:
        """Refuses what is not an email address, naming `field`, before anything is looked up."""
        try:
            return cls(email=clean_email(text))
        except ValidationFailed as exc:
            raise ValidationFailed(field, exc.message) from None

    def __str__(self) -> str:
        if self.email is not None:
            return self.email
        return str(self.id) if self.id is not None else str(self.number)
