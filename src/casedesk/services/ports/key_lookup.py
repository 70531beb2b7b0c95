"""The port authentication reads through: the keys a request presented, as stored, with the
application key's user, in one lookup (no unit of work: nothing is written)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from casedesk.domain.users import Role
from casedesk.domain.vocab import Scope


@dataclass(frozen=True)
class KeyHolder:
    """An application key's state and its user."""

    key_id: uuid.UUID
    user_id: uuid.UUID
    email: str
    role: Role
    user_disabled: bool
    scopes: frozenset[Scope]  # as granted to the key, before the role narrows them
    revoked: bool
    last_used_at: datetime | None = None


@dataclass(frozen=True)
class KeyCheck:
    # False when an API key was presented and is unknown or revoked.
    api_key_live: bool
    # None when no application key has the digest.
    app_key: KeyHolder | None


class KeyLookup(Protocol):
    def check(self, api_key_hash: str | None, app_key_hash: str) -> KeyCheck:
        """Looks the digests up; `api_key_hash` is None when no API key was presented."""
        ...

    def record_use(self, key_id: uuid.UUID, now: datetime) -> None:
        """Stamps the application key's `last_used_at`, committed at once. Best effort: a
        stamp that would have to wait for a busy database is skipped (a later use makes it)."""
        ...
