"""The audit log: administrative actions (users, roles, keys, project access, settings), who
took them, when and with which key. Cases and incidents keep their own timelines."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from casedesk.domain.users import Principal


class AuditAction(enum.StrEnum):
    USER_CREATED = "user.created"
    USER_ROLE_CHANGED = "user.role_changed"
    USER_DISABLED = "user.disabled"
    USER_ENABLED = "user.enabled"
    USER_UPDATED = "user.updated"
    KEYS_CREATED = "keys.created"
    KEY_REVOKED = "key.revoked"
    PROJECT_RESTRICTED = "project.restricted"
    PROJECT_OPENED = "project.opened"
    PROJECT_MEMBER_ADDED = "project.member_added"
    PROJECT_MEMBER_REMOVED = "project.member_removed"
    PROJECT_SETTINGS_CHANGED = "project.settings_changed"
    PROJECT_DELETED = "project.deleted"
    NOTIFICATION_RULE_CREATED = "project.notification_rule_created"
    NOTIFICATION_RULE_UPDATED = "project.notification_rule_updated"
    NOTIFICATION_RULE_DELETED = "project.notification_rule_deleted"
    # Notification channels; their secrets are never written to the log.
    CHANNEL_CREATED = "channel.created"
    CHANNEL_UPDATED = "channel.updated"
    CHANNEL_DELETED = "channel.deleted"
    SIGNING_SECRET_CREATED = "channel.signing_secret_created"
    SIGNING_SECRET_ROTATED = "channel.signing_secret_rotated"


@dataclass(frozen=True)
class AuditEntry:
    id: uuid.UUID
    occurred_at: datetime
    actor_id: uuid.UUID | None  # None: the operator at the command line, who is no user
    actor_email: str
    key_id: uuid.UUID | None
    action: AuditAction
    target_type: str  # "user", "key", "project", …
    target_id: str
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def by(
        cls,
        who: Principal,
        action: AuditAction,
        target_type: str,
        target_id: uuid.UUID | str,
        now: datetime,
        data: dict[str, Any] | None = None,
    ) -> AuditEntry:
        return cls(
            id=uuid.uuid4(),
            occurred_at=now,
            actor_id=None if who.is_operator else who.user_id,
            actor_email=who.email,
            key_id=who.key_id,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            data=dict(data or {}),
        )
