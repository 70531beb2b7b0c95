"""Projects: where cases live. A project's key prefixes its case keys (`SEC-12`)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.projects.settings import ProjectSettings

KEY_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")
HANDLE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
NAME_MAX = 200


def clean_name(name: str) -> str:
    stripped = name.strip()
    if not stripped:
        raise ValidationFailed("name", "name must not be empty")
    if len(stripped) > NAME_MAX:
        raise ValidationFailed("name", f"name must be at most {NAME_MAX} characters")
    return stripped


def clean_key(key: str) -> str:
    upper = key.strip().upper()
    if not KEY_PATTERN.match(upper):
        raise ValidationFailed(
            "key", "key must be 1 to 10 letters or digits, starting with a letter (e.g. SEC)"
        )
    return upper


def clean_handle(handle: str) -> str:
    lower = handle.strip().lower()
    if not HANDLE_PATTERN.match(lower):
        raise ValidationFailed(
            "handle", "handle must be lowercase letters, digits, '-' or '_' (e.g. security-team)"
        )
    return lower


@dataclass(frozen=True)
class ProjectIdentity:
    """What names a project and its cases: all a case's creation needs of its project."""

    id: uuid.UUID
    key: str

    def case_key(self, number: int) -> str:
        return f"{self.key}-{number}"


@dataclass
class Project:
    id: uuid.UUID
    name: str
    key: str
    handle: str
    created_by: uuid.UUID
    created_at: datetime
    modified_at: datetime | None = None
    deleted_at: datetime | None = None
    settings: ProjectSettings = field(default_factory=ProjectSettings)
    enabled_custom_case_types: list[str] = field(default_factory=list)
    member_ids: list[uuid.UUID] = field(default_factory=list)
    # A small public number (Tines' integer team id), given when the project is stored.
    number: int | None = None
    # Restricted: only its members and the admins see it; open: everyone does.
    restricted: bool = False
    # The members who administer it (delete its cases and it, change its settings and access).
    admin_ids: set[uuid.UUID] = field(default_factory=set)

    @classmethod
    def create(
        cls,
        *,
        name: str,
        key: str,
        handle: str | None,
        actor: uuid.UUID,
        now: datetime,
    ) -> Project:
        key = clean_key(key)
        return cls(
            id=uuid.uuid4(),
            name=clean_name(name),
            key=key,
            handle=clean_handle(handle if handle is not None else key),
            created_by=actor,
            created_at=now,
            modified_at=now,
            member_ids=[actor],
            # Whoever creates a project administers it.
            admin_ids={actor},
        )

    def add_member(self, user_id: uuid.UUID, *, admin: bool, now: datetime) -> bool:
        """Whether anything changed (a member may become or stop being an admin)."""
        before = (user_id in self.member_ids, user_id in self.admin_ids)
        if user_id not in self.member_ids:
            self.member_ids.append(user_id)
        if admin:
            self.admin_ids.add(user_id)
        else:
            self.admin_ids.discard(user_id)
        changed = before != (True, admin)
        if changed:
            self.modified_at = now
        return changed

    def remove_member(self, user_id: uuid.UUID, now: datetime) -> bool:
        """Whether `user_id` was a member."""
        if user_id not in self.member_ids:
            return False
        self.member_ids.remove(user_id)
        self.admin_ids.discard(user_id)
        self.modified_at = now
        return True

    def restrict(self, restricted: bool, now: datetime) -> bool:
        """Whether anything changed."""
        if restricted == self.restricted:
            return False
        self.restricted = restricted
        self.modified_at = now
        return True

    def case_key(self, number: int) -> str:
        return f"{self.key}-{number}"
