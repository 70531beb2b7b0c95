"""Recording administrative actions: a use case that changes users, roles, keys, project
access or settings calls `record` inside its unit of work, so the entry commits with the change
or not at all."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from casedesk.domain.audit import AuditAction, AuditEntry
from casedesk.domain.users import Principal
from casedesk.services.ports.uow import UnitOfWork


def record(
    uow: UnitOfWork,
    who: Principal,
    now: datetime,
    action: AuditAction,
    target_type: str,
    target_id: uuid.UUID | str,
    **data: Any,
) -> None:
    uow.audit.record(AuditEntry.by(who, action, target_type, target_id, now, data))
