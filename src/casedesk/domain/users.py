"""Users and the keys they authenticate with."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from casedesk.domain.commands import Command
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.vocab import IMPLIED_SCOPES, Scope

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean_email(email: str) -> str:
    lowered = email.strip().lower()
    if not EMAIL_PATTERN.match(lowered) or len(lowered) > 254:
        raise ValidationFailed("email", f"{email!r} is not an email address")
    return lowered


@dataclass
class User:
    id: uuid.UUID
    email: str
    name: str
    created_at: datetime
    title: str | None = None
    disabled: bool = False
    modified_at: datetime | None = None
    # A small public number (Tines' integer user id), given when the user is stored.
    number: int | None = None

    @property
    def handle(self) -> str:
        return self.email

    @classmethod
    def create(cls, *, email: str, name: str | None, title: str | None, now: datetime) -> User:
        email = clean_email(email)
        return cls(
            id=uuid.uuid4(),
            email=email,
            name=(name or "").strip() or email.split("@")[0],
            title=title,
            created_at=now,
            modified_at=now,
        )

    def disable(self, now: datetime) -> None:
        self.disabled = True
        self.modified_at = now


# The operator's user id: the nil UUID, which no user has.
OPERATOR_ID = uuid.UUID(int=0)


@dataclass(frozen=True)
class Principal:
    """Who is calling and what their key lets them do."""

    user_id: uuid.UUID
    email: str
    scopes: frozenset[Scope]

    @classmethod
    def operator(cls) -> Principal:
        """Whoever runs the command line on the server: every scope, and no user. It manages
        users and keys; it does not act on cases, since it has no user to record as the actor
        (the users foreign key would refuse the nil id, so such a mistake cannot pass quietly)."""
        return cls(user_id=OPERATOR_ID, email="operator", scopes=Scope.all())

    def has(self, scope: Scope) -> bool:
        if scope in self.scopes:
            return True
        return any(scope in IMPLIED_SCOPES.get(granted, ()) for granted in self.scopes)


@dataclass(frozen=True)
class IssuedKeys:
    """A key pair as issued: the only time its secrets are seen, since only hashes are stored."""

    user_id: uuid.UUID
    api_key: str
    app_key: str


@dataclass
class AppKey:
    """An application key: identifies a user and carries scopes. Only its hash is stored."""

    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    key_hash: str
    last4: str
    scopes: frozenset[Scope]
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass
class ApiKey:
    """An API key: identifies the installation's caller, as Datadog's org-level keys do."""

    id: uuid.UUID
    created_by: uuid.UUID
    name: str
    key_hash: str
    last4: str
    created_at: datetime
    revoked_at: datetime | None = None


# -- commands ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateUser(Command[uuid.UUID]):
    email: str
    name: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class DisableUser(Command[uuid.UUID]):
    user_id: uuid.UUID


@dataclass(frozen=True)
class CreateKeys(Command[IssuedKeys]):
    """Creates an API key and an application key for `user_email` (the CLI's `keys create`)."""

    user_email: str
    scopes: frozenset[Scope]
    name: str = "default"
