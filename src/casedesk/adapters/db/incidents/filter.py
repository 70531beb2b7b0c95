"""Compiles incident predicates (services/search/incident_predicates.py) to SQL conditions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, not_, or_, select, true

from casedesk.adapters.db.cases.filter import glob_to_like, like_escape
from casedesk.adapters.db.schema import core as t
from casedesk.adapters.db.schema import incidents as it
from casedesk.services.search import incident_predicates as q
from casedesk.services.search.predicates import And, Everything, Not, Or, Pattern

inc = it.incidents
VALUE_COLUMNS: dict[str, Any] = {
    "state": inc.c.state,
    "severity": inc.c.severity,
    "visibility": inc.c.visibility,
}
USER_COLUMNS: dict[str, Any] = {
    "commander": inc.c.commander_id,
    "created_by": inc.c.created_by,
    "modified_by": inc.c.modified_by,
}
FLAG_COLUMNS: dict[str, Any] = {"is_test": inc.c.is_test, "customer_impacted": inc.c.customer_impacted}
TIME_COLUMNS: dict[str, Any] = {
    "created": inc.c.created_at,
    "modified": inc.c.modified_at,
    "resolved": inc.c.resolved,
    "detected": inc.c.detected,
    "declared": inc.c.declared,
}


def _title(pattern: Pattern) -> ColumnElement[bool]:
    folded = func.lower(inc.c.title)
    if not pattern.glob:
        return folded.like(f"%{like_escape(pattern.text.lower())}%", escape="\\")
    body = glob_to_like(pattern.text.lower())
    # From the start of the title, or from the start of any later word (as for cases).
    return or_(folded.like(f"{body}%", escape="\\"), folded.like(f"% {body}%", escape="\\"))


def _field_value(pattern: Pattern) -> ColumnElement[bool]:
    folded = it.incident_field_values.c.value_folded
    if pattern.glob:
        return folded.like(glob_to_like(pattern.text.lower()), escape="\\")
    # Field values behave like tags: the whole value, case-insensitively.
    return folded == pattern.text.lower()


def compile_incident_predicate(predicate: q.IncidentPredicate) -> ColumnElement[bool]:
    match predicate:
        case Everything():
            return true()
        case q.ValueIn(column, values):
            return VALUE_COLUMNS[column].in_(sorted(values))  # type: ignore[no-any-return]
        case q.TitleMatch(pattern):
            return _title(pattern)
        case q.FieldMatch(name, pattern):
            fv = it.incident_field_values
            condition = [fv.c.incident_id == inc.c.id, fv.c.name == name]
            if pattern is not None:
                condition.append(_field_value(pattern))
            return exists(select(fv.c.incident_id).where(*condition))
        case q.UserIs(column, user_id, name):
            target = USER_COLUMNS[column]
            if user_id is not None:
                return target == user_id  # type: ignore[no-any-return]
            if name is None:
                return target.is_(None)  # type: ignore[no-any-return]
            users = select(t.users.c.id).where(
                or_(
                    func.lower(t.users.c.email) == name,
                    func.lower(t.users.c.email).like(f"{like_escape(name)}@%", escape="\\"),
                )
            )
            return target.in_(users.scalar_subquery())  # type: ignore[no-any-return]
        case q.FlagIs(column, value):
            return FLAG_COLUMNS[column] == value  # type: ignore[no-any-return]
        case q.PublicIdIs(value):
            return inc.c.public_id == value
        case q.TimeRange(column, low, high, include_low, include_high):
            target = TIME_COLUMNS[column]
            parts = []
            if low is not None:
                parts.append(target >= low if include_low else target > low)
            if high is not None:
                parts.append(target <= high if include_high else target < high)
            return and_(target.is_not(None), *parts)
        case And(parts):
            return and_(true(), *(compile_incident_predicate(part) for part in parts))
        case Or(parts):
            return or_(false(), *(compile_incident_predicate(part) for part in parts))
        case Not(part):
            return not_(compile_incident_predicate(part))
    raise TypeError(f"unknown incident predicate {predicate!r}")
