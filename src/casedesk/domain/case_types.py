"""Case types: Standard and Security are built in; teams add their own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from casedesk.domain.vocab import BUILTIN_CASE_TYPES, SECURITY_CASE_TYPE_ID


@dataclass
class CaseType:
    id: uuid.UUID
    name: str
    description: str = ""
    emoji: str = ""
    deleted_at: datetime | None = None

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
