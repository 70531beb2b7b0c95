"""Users and the keys they authenticate with."""

from __future__ import annotations

import enum
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


class Role(enum.StrEnum):
    """What a user may do at most; their keys' scopes narrow it further."""

    ADMIN = "admin"  # users, keys, roles, settings, every project, everything
    STANDARD = "standard"  # works cases and incidents in the projects they may see
    READ_ONLY = "read_only"  # reads what they may see

    @property
    def allows(self) -> frozenset[Scope]:
        return ROLE_SCOPES[self]


_READS = frozenset(
    {
        Scope.CASES_READ,
        Scope.INCIDENT_READ,
        Scope.USER_ACCESS_READ,
        Scope.EVENT_CORRELATION_CONFIG_READ,
        Scope.INTEGRATIONS_READ,
    }
)

ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.ADMIN: Scope.all(),
    # Settings shared by everyone (case types, custom attributes, incident configuration) and
    # the people and keys themselves are an admin's; maintenance windows are day-to-day work.
    # Everyone sees the configured notification channels; an admin changes them.
    Role.STANDARD: _READS
    | {Scope.CASES_WRITE, Scope.INCIDENT_WRITE, Scope.EVENT_CORRELATION_CONFIG_WRITE, Scope.ACT_ON_BEHALF},
    Role.READ_ONLY: _READS,
}


def effective_scopes(granted: frozenset[Scope], role: Role) -> frozenset[Scope]:
    """A key's scopes as its user's role lets them be used: the key's scopes with the narrower
    ones they imply, then only what the role allows (a read-only user's write key still reads)."""
    widened = set(granted)
    for scope in granted:
        widened |= IMPLIED_SCOPES.get(scope, frozenset())
    return frozenset(widened) & role.allows


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
    role: Role = Role.STANDARD

    @property
    def handle(self) -> str:
        return self.email

    @classmethod
    def create(
        cls, *, email: str, name: str | None, title: str | None, now: datetime, role: Role = Role.STANDARD
    ) -> User:
        email = clean_email(email)
        return cls(
            id=uuid.uuid4(),
            email=email,
            name=(name or "").strip() or email.split("@")[0],
            title=title,
            created_at=now,
            modified_at=now,
            role=role,
        )

    def disable(self, now: datetime) -> None:
        self.disabled = True
        self.modified_at = now

    def enable(self, now: datetime) -> None:
        self.disabled = False
        self.modified_at = now

    def set_role(self, role: Role, now: datetime) -> None:
        self.role = role
        self.modified_at = now

    def change(self, *, name: str | None, email: str | None, title: str | None, now: datetime) -> None:
        """Sets the members given (None leaves one as it is)."""
        if name is not None:
            self.name = name.strip()
        if email is not None:
            self.email = clean_email(email)
        if title is not None:
            self.title = title
        self.modified_at = now


# The operator's user id: the nil UUID, which no user has.
OPERATOR_ID = uuid.UUID(int=0)


@dataclass(frozen=True)
class Principal:
    """Who is calling and what they may do: `scopes` are already the key's scopes as the
    user's role allows them (`effective_scopes`)."""

    user_id: uuid.UUID
    email: str
    scopes: frozenset[Scope]
    role: Role = Role.STANDARD
    # The application key the request came with (None for the operator), for the audit log.
    key_id: uuid.UUID | None = None

    @classmethod
    def operator(cls) -> Principal:
        """Whoever runs the command line on the server: every scope, and no user. It manages
        users and keys; it does not act on cases, since it has no user to record as the actor
        (the users foreign key would refuse the nil id, so such a mistake cannot pass quietly)."""
        return cls(user_id=OPERATOR_ID, email="operator", scopes=Scope.all(), role=Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_operator(self) -> bool:
        return self.user_id == OPERATOR_ID

    def has(self, scope: Scope) -> bool:
        if scope in self.scopes:
            return True
        return any(scope in IMPLIED_SCOPES.get(granted, ()) for granted in self.scopes)


@dataclass(frozen=True)
class IssuedKeys:
    """A key pair as issued: the only time its secrets are seen, since only hashes are stored."""

    user_id: uuid.UUID
    key_id: uuid.UUID  # the application key's id, by which it is listed and revoked
    api_key: str
    app_key: str
    scopes: frozenset[Scope]


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
    last_used_at: datetime | None = None


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
    role: Role = Role.STANDARD


@dataclass(frozen=True)
class DisableUser(Command[uuid.UUID]):
    user_id: uuid.UUID


@dataclass(frozen=True)
class EnableUser(Command[uuid.UUID]):
    user_id: uuid.UUID


@dataclass(frozen=True)
class SetUserRole(Command[uuid.UUID]):
    user_id: uuid.UUID
    role: Role


@dataclass(frozen=True)
class UpdateUser(Command[uuid.UUID]):
    """Changes the members that are set (None leaves one as it is); `disabled` False enables."""

    user_id: uuid.UUID
    name: str | None = None
    email: str | None = None
    title: str | None = None
    disabled: bool | None = None

    def __post_init__(self) -> None:
        if self.name is not None and not self.name.strip():
            raise ValidationFailed("name", "a user's name cannot be empty")
        if self.email is not None:
            clean_email(self.email)


@dataclass(frozen=True)
class RevokeAppKey(Command[uuid.UUID]):
    """Revokes any user's application key (an admin's use)."""

    key_id: uuid.UUID


@dataclass(frozen=True)
class RevokeOwnAppKey(Command[uuid.UUID]):
    """Revokes one of the caller's own application keys; another user's key is not found."""

    key_id: uuid.UUID


@dataclass(frozen=True)
class CreateKeys(Command[IssuedKeys]):
    """Creates an API key and an application key for `user_email` (the CLI's `keys create`)."""

    user_email: str
    scopes: frozenset[Scope]
    name: str = "default"
