"""Closure conditions: formulas that must hold before a case may close, and the variables they
read. A formula reads the case as `team_case`, the object documented in docs/tines-dialect.md
(it is the case as Tines presents it, so conditions written for Tines keep their meaning):
priorities are Tines' words on the domain's scale (critical=P1 … info=P5; NOT_DEFINED has no
word and shows as null), people are `{id, first_name, last_name, email, ...}` objects."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from casedesk.domain.errors import InvalidTransition, ValidationFailed
from casedesk.domain.formulas import parser as formulas
from casedesk.domain.vocab import CaseStatus, Priority, ResolvedReason

if TYPE_CHECKING:
    from casedesk.domain.cases.case import Case
    from casedesk.domain.cases.case_types import CaseType
    from casedesk.domain.projects.project import Project
    from casedesk.domain.users import User


PRIORITY_WORDS: dict[Priority, str] = {
    Priority.P1: "critical",
    Priority.P2: "high",
    Priority.P3: "medium",
    Priority.P4: "low",
    Priority.P5: "info",
}
CONDITIONS_MAX = 50
CONDITION_NAME_MAX = 200


@dataclass(frozen=True)
class ClosureCondition:
    """`formula` must hold (be truthy) before the case may close; it is parsed on creation,
    so a condition that does not parse is refused when the case is written."""

    name: str
    formula: str

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > CONDITION_NAME_MAX:
            raise ValidationFailed(
                "closure_conditions", f"a condition's name must be 1 to {CONDITION_NAME_MAX} characters"
            )
        try:
            formulas.parse(self.formula)
        except formulas.FormulaError as exc:
            raise ValidationFailed(
                "closure_conditions", f"condition {self.name!r}: formula does not parse: {exc}"
            ) from None

    def failure(self, view: Mapping[str, Any]) -> str | None:
        """None when the condition holds; otherwise why not."""
        try:
            if formulas.parse(self.formula).holds({"team_case": view}):
                return None
        except formulas.FormulaError as exc:
            return f"{self.name} ({exc})"
        return self.name

    def as_data(self) -> dict[str, str]:
        return {"name": self.name, "formula": self.formula}


class ClosureRefused(InvalidTransition):
    """The case may not close while the `failing` conditions are false. Constructed like any
    ValidationFailed, so callers that re-raise refusals with another field keep the type."""

    def __init__(self, field: str, message: str, failing: list[ClosureCondition] | None = None) -> None:
        super().__init__(field, message)
        self.failing = failing or []


def clean_conditions(conditions: Iterable[ClosureCondition]) -> list[ClosureCondition]:
    cleaned = list(conditions)
    if len(cleaned) > CONDITIONS_MAX:
        raise ValidationFailed("closure_conditions", f"a case holds at most {CONDITIONS_MAX} conditions")
    return cleaned


# What a formula reads as `team_case`; built by the services from what the unit of work holds.
ViewSource = Callable[[], Mapping[str, Any]]


def check_closure(case: Case, view: ViewSource | None) -> None:
    """Raises ClosureRefused unless every closure condition holds. Without a view the case
    presents itself with what it knows alone (user ids rather than user objects)."""
    if not case.closure_conditions:
        return
    seen = view() if view is not None else team_case(case, {}, None, {})
    checked = [(c, c.failure(seen)) for c in case.closure_conditions]
    failing = [(c, reason) for c, reason in checked if reason is not None]
    if failing:
        reasons = "; ".join(reason for _, reason in failing)
        raise ClosureRefused(
            "closure_conditions",
            f"the case cannot be closed while these closure conditions are false: {reasons}",
            [c for c, _ in failing],
        )


def check_close(case: Case, case_type: CaseType, view: ViewSource | None) -> None:
    """Raises unless the case may close: its closure conditions hold (see `check_closure`),
    and a type that requires a resolved reason (Security) has one."""
    check_closure(case, view)
    if case_type.requires_resolved_reason and case.resolved_reason is None:
        raise InvalidTransition(
            "security_resolved_reason",
            f"a {case_type.name} case cannot be closed without a resolved reason; "
            "set security_resolved_reason first (one of " + ", ".join(r.value for r in ResolvedReason) + ")",
        )


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


def team_case(
    case: Case,
    users: Mapping[uuid.UUID, User],
    project: Project | None,
    records: Mapping[int, list[dict[str, Any]]],
) -> dict[str, Any]:
    """The case as formulas read it (`team_case`); the Tines dialect's case object has the
    same shape, so a condition means what it says there.

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
