"""The case as Tines presents it, which is also what closure-condition formulas read as
`team_case`; and Tines' priority words on the domain's scale (critical=P1 … info=P5;
NOT_DEFINED has no word and shows as null)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.vocab import CaseStatus, Priority

if TYPE_CHECKING:
    from casedesk.domain.cases.mixin import CaseExtras
    from casedesk.domain.projects.project import Project
    from casedesk.domain.users import User


PRIORITY_WORDS: dict[Priority, str] = {
    Priority.P1: "critical",
    Priority.P2: "high",
    Priority.P3: "medium",
    Priority.P4: "low",
    Priority.P5: "info",
}
PRIORITY_BY_WORD = {word: priority for priority, word in PRIORITY_WORDS.items()}


def priority_from_word(word: str, field: str = "priority") -> Priority:
    priority = PRIORITY_BY_WORD.get(word.strip().lower())
    if priority is None:
        allowed = ", ".join(PRIORITY_WORDS.values())
        raise ValidationFailed(field, f"unknown priority {word!r}; use one of {allowed}")
    return priority


def priority_word(priority: Priority) -> str | None:
    """Upper case, as Tines answers (`HIGH`); None for NOT_DEFINED."""
    word = PRIORITY_WORDS.get(priority)
    return word.upper() if word else None


def tag_id(name: str) -> int:
    """A stable positive 31-bit number for a tag name."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big") & 0x7FFFFFFF


def user_view(user: User | None) -> dict[str, Any]:
    if user is None:
        return {}
    first, _, last = user.name.partition(" ")
    return {
        "id": user.number,
        "first_name": first,
        "last_name": last,
        "email": user.email,
        "is_service_account": False,
    }


def case_view(
    case: CaseExtras,
    users: Mapping[uuid.UUID, User],
    project: Project | None,
    records: Mapping[int, list[dict[str, Any]]],
) -> dict[str, Any]:
    """The case as `team_case` in formulas, and the core of the Tines case object.

    Users missing from `users` show only as `{"id": <uuid>}`."""

    def person(user_id: uuid.UUID | None) -> dict[str, Any] | None:
        if user_id is None:
            return None
        return user_view(users[user_id]) if user_id in users else {"id": str(user_id)}

    opened_by = case.opened_by or case.created_by
    return {
        "case_id": case.number,
        "name": case.title,
        "description": case.description,
        "status": "CLOSED" if case.status is CaseStatus.CLOSED else "OPEN",
        "sub_status": case.status.display_name,
        "priority": priority_word(case.priority),
        "metadata": dict(case.metadata),
        "author": person(case.created_by),
        "opened_by": person(opened_by),
        "resolved_by": person(case.closed_by) if case.status is CaseStatus.CLOSED else None,
        "assignees": [person(u) for u in case.assignee_ids],
        "tags": [{"id": tag_id(t), "name": t} for t in case.tags],
        "team": {"id": project.number, "name": project.name} if project else None,
        "records": [{"id": r, "results": records.get(r, [])} for r in case.record_ids],
        "closure_conditions": [c.as_data() for c in case.closure_conditions],
        "opened_at": _iso(case.opened_at or case.created_at),
        "resolved_at": _iso(case.closed_at),
        "created_at": _iso(case.created_at),
        "updated_at": _iso(case.modified_at or case.created_at),
    }


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")
