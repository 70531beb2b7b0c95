"""Compiles search predicates (services/search) to SQL conditions on the cases table.

Every value is a bound parameter, so a query cannot inject SQL. Text patterns compile to
`LIKE` on lower-cased values with `\\` as the escape, which both SQLite and PostgreSQL share.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, not_, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BinaryExpression

from casedesk.adapters.db.schema import cases as x
from casedesk.adapters.db.schema import core as t
from casedesk.services.search import predicates as p

C = t.cases.c
TEXT_COLUMNS = {"title": C.title, "description": C.description, "key": C.key}
TIME_COLUMNS = {"created_at": C.created_at, "modified_at": C.modified_at, "closed_at": C.closed_at,
                "archived_at": C.archived_at,
                "updated_at": func.coalesce(C.modified_at, C.created_at)}  # fmt: skip
SET_COLUMNS = {"assignee": C.assignee_id, "closed_at": C.closed_at, "archived_at": C.archived_at,
               "due_date": C.due_date}  # fmt: skip


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def glob_to_like(text: str) -> str:
    """`*` → `%`, `?` → `_`, everything else literal."""
    return "".join("%" if c == "*" else "_" if c == "?" else like_escape(c) for c in text)


def compile_predicate(predicate: p.Predicate) -> ColumnElement[bool]:
    match predicate:
        case p.Everything():
            return true()
        case p.And(items):
            return and_(true(), *(compile_predicate(i) for i in items))
        case p.Or(items):
            return or_(false(), *(compile_predicate(i) for i in items))
        case p.Not(item):
            return not_(compile_predicate(item))
        case p.EnumIn(column, values):
            target = C.status if column == "status" else C.priority
            return target.in_(sorted(values))
        case p.TextMatch(columns, pattern):
            return or_(*(_text(TEXT_COLUMNS[c], pattern) for c in columns))
        case p.KeyIs(key):
            # A key the case had before it moved project still finds it.
            moved = select(t.case_key_aliases.c.case_id).where(t.case_key_aliases.c.key == key)
            return or_(C.key == key, C.id.in_(moved.scalar_subquery()))
        case p.NumberIs(number):
            return C.number == number
        case p.RefIs():
            return _ref(predicate)
        case p.IsSet(column):
            return SET_COLUMNS[column].is_not(None)
        case p.TimeRange(column, low, high, include_low, include_high):
            return _range(TIME_COLUMNS[column], low, high, include_low, include_high)
        case p.DateRange(column, low, high, include_low, include_high):
            return _range(C.due_date, low, high, include_low, include_high)
        case p.AttributeMatch(key, pattern):
            return _attribute(key, pattern)
        case p.CustomAttributeMatch(key, pattern):
            return _custom_attribute(key, pattern)
        case p.MetadataIs(key, value):
            held = C.metadata[key].as_string()
            # A case without the key is outside, also under NOT (two-valued, like `_range`).
            return and_(held.is_not(None), held == value)
        case p.InsightMatch(which, value):
            return _insight(which, value)
    raise TypeError(f"unknown predicate {predicate!r}")


def _text(column: ColumnElement[str], pattern: p.Pattern) -> ColumnElement[bool]:
    folded = func.lower(column)
    if not pattern.glob:
        return folded.like(f"%{like_escape(pattern.text.lower())}%", escape="\\")
    body = glob_to_like(pattern.text.lower())
    # From the start of the value, or from the start of any later word.
    return or_(folded.like(f"{body}%", escape="\\"), folded.like(f"% {body}%", escape="\\"))


def _ref(predicate: p.RefIs) -> ColumnElement[bool]:
    if predicate.column == "assignee":
        return _assignee(predicate)
    column = {"creator": C.created_by, "project": C.project_id, "type": C.type_id}[predicate.column]
    # IS NOT NULL keeps the result two-valued should the column be empty.
    return and_(column.is_not(None), _names(column, predicate))


def _assignee(predicate: p.RefIs) -> ColumnElement[bool]:
    """Any assignee of the case: the first (`cases.assignee_id`, position 0 in
    `case_assignees`) or another one (position > 0, rare). Two index lookups OR-ed, which
    PostgreSQL combines as a BitmapOr (see `AnyOf`), so "my open cases" stays an index scan on
    (assignee_id, status) instead of a join over every open case."""
    ca = x.case_assignees.c
    if predicate.id is not None:
        first: ColumnElement[bool] = C.assignee_id == predicate.id
        others = select(ca.case_id).where(ca.user_id == predicate.id, ca.position > 0)
    else:
        users = _user_lookup(predicate)
        first = any_of(C.assignee_id, users)
        others = select(ca.case_id).where(ca.user_id.in_(users.scalar_subquery()), ca.position > 0)
    # IS NOT NULL keeps the result two-valued, so `-assignee:x` includes unassigned cases.
    return or_(and_(C.assignee_id.is_not(None), first), any_of(C.id, others))


def _user_lookup(predicate: p.RefIs) -> Select[tuple[uuid.UUID]]:
    users = t.users.c
    if predicate.number is not None:
        return select(users.id).where(users.number == predicate.number)
    return select(users.id).where(users.email == (predicate.name or ""))


class AnyOf(BinaryExpression[bool]):
    """`column IN (subquery)`, written `column = ANY (ARRAY(subquery))` on PostgreSQL: there
    the subquery runs once and an index on `column` answers the rest, also as one arm of an
    OR, where an IN subquery would be a filter on every row."""

    inherit_cache = True


@compiles(AnyOf, "postgresql")
def _any_of_postgresql(element: AnyOf, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.left, **kw)} = ANY (ARRAY{compiler.process(element.right, **kw)})"


def any_of(column: ColumnElement[uuid.UUID], query: Select[tuple[uuid.UUID]]) -> AnyOf:
    found = column.in_(query)
    assert isinstance(found, BinaryExpression)
    return AnyOf(found.left, found.right, found.operator, type_=found.type, negate=found.negate)


def _names(column: ColumnElement[uuid.UUID], predicate: p.RefIs) -> ColumnElement[bool]:
    """`column` holds the id of what `predicate` names by id, number or name."""
    if predicate.id is not None:
        return column == predicate.id
    projects, types = t.projects.c, t.case_types.c
    if predicate.column == "creator":
        lookup = _user_lookup(predicate)
    elif predicate.column == "project" and predicate.number is not None:
        lookup = select(projects.id).where(projects.number == predicate.number)
    elif predicate.column == "project":
        lookup = select(projects.id).where(projects.key == (predicate.name or "").upper())
    elif predicate.number is None:
        lookup = select(types.id).where(func.lower(types.name) == (predicate.name or ""))
    else:
        raise TypeError("case types have no numbers")
    return column.in_(lookup.scalar_subquery())


def _range(
    column: ColumnElement[object], low: object, high: object, include_low: bool, include_high: bool
) -> ColumnElement[bool]:
    # IS NOT NULL first: a missing time is outside every range, also under NOT.
    conditions: list[ColumnElement[bool]] = [column.is_not(None)]
    if low is not None:
        conditions.append(column >= low if include_low else column > low)
    if high is not None:
        conditions.append(column <= high if include_high else column < high)
    return and_(*conditions)


def _attribute(key: str, pattern: p.Pattern | None) -> ColumnElement[bool]:
    a = t.case_attributes.c
    match = [a.case_id == C.id, a.key == key]
    if pattern is not None:
        if pattern.glob:
            match.append(a.value_folded.like(glob_to_like(pattern.text.lower()), escape="\\"))
        else:
            # Attribute values behave like tags: the whole value, case-insensitively.
            match.append(a.value_folded == pattern.text.lower())
    return exists().where(*match)


def _custom_attribute(key: str, pattern: p.Pattern | None) -> ColumnElement[bool]:
    v = t.case_custom_values.c
    match = [v.case_id == C.id, v.key == key]
    if pattern is not None:
        if pattern.glob:
            match.append(v.value_folded.like(glob_to_like(pattern.text.lower()), escape="\\"))
        else:
            match.append(v.value_folded == pattern.text.lower())
    return exists().where(*match)


def _insight(which: str, value: str) -> ColumnElement[bool]:
    i = t.case_insights.c
    if which == "type":
        return exists().where(i.case_id == C.id, i.type == value.upper())
    return exists().where(i.case_id == C.id, i.resource_id == value)
