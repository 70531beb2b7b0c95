"""The read side of users, keys and the audit log, for the admin views of the API and the
command line."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from casedesk.domain.audit import AuditAction, AuditEntry
from casedesk.domain.users import User
from casedesk.domain.vocab import Scope


@dataclass(frozen=True)
class AppKeyView:
    """An application key as listed: never its secret, which only its issuing showed."""

    id: uuid.UUID
    user_id: uuid.UUID
    user_email: str
    name: str
    last4: str
    scopes: frozenset[Scope]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class IdentityReads(Protocol):
    def users(self) -> list[User]:
        """Every user, disabled ones too, oldest first."""

    def user_by_email(self, email: str) -> User:
        """Raises NotFound."""

    def app_keys(self, user_id: uuid.UUID | None = None) -> list[AppKeyView]:
        """Every application key (or one user's), revoked ones too, oldest first."""

    def app_key(self, key_id: uuid.UUID, user_id: uuid.UUID | None = None) -> AppKeyView:
        """Raises NotFound, also when `user_id` is given and the key is another user's."""

    def audit_entries(
        self, *, limit: int, before: uuid.UUID | None = None, action: AuditAction | None = None
    ) -> list[AuditEntry]:
        """Newest first; `before` is the id of the last entry of the previous page."""
