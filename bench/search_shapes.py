"""The SQL this benchmark proposes instead of casedesk's own, written here, not in src/, so
that its gain is measured on the same data before anyone changes casedesk.

Two changes, both answering the same rows in the same order (the benchmark checks it):

- **filter on the stored ranks**: `status:open` compiles to `status_rank IN (0)` and
  `priority:P1` to `priority_urgency IN (5)` instead of `status IN ('OPEN')` and
  `priority IN ('P1')`. The schema already has `ix_cases_status_created (status_rank,
  created_at)` and `ix_cases_priority_created (priority_urgency, created_at)`; the text
  columns have no index, so today a status or priority filter reads the whole table.
- **sort ties by creation time**: `ORDER BY priority_urgency DESC, created_at DESC, number
  DESC` instead of `priority_urgency DESC, number DESC`, which the priority index cannot
  deliver in order (it sorts a whole priority's rows to find 25). Numbers are handed out in
  creation order, so the order of the cases is the same.

And one change of meaning, measured beside them: a **capped count** that stops at
`COUNT_CAP + 1` matches (the API would then say "more than 10 000").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, and_, false, func, literal, not_, or_, select, true

from bench.search_measure import COUNT, COUNT_CAP, PAGE_SIZE, Statement
from casedesk.adapters.db.cases.filter import compile_predicate
from casedesk.adapters.db.schema import core as t
from casedesk.domain.vocab import CaseStatus, Priority
from casedesk.services.search import predicates as p

C = t.cases.c
ORDER = {
    "created_at": [C.created_at.desc(), C.number.desc()],
    "priority": [C.priority_urgency.desc(), C.created_at.desc(), C.number.desc()],
}


def proposed_condition(predicate: p.Predicate) -> ColumnElement[bool]:
    """casedesk's compiler, but status and priority compare the indexed integer columns."""
    match predicate:
        case p.And(items):
            return and_(true(), *(proposed_condition(i) for i in items))
        case p.Or(items):
            return or_(false(), *(proposed_condition(i) for i in items))
        case p.Not(item):
            return not_(proposed_condition(item))
        case p.EnumIn("status", values):
            return C.status_rank.in_(sorted(CaseStatus(v).sort_rank for v in values))
        case p.EnumIn("priority", values):
            return C.priority_urgency.in_(sorted(Priority(v).urgency for v in values))
    return compile_predicate(predicate)


def _statement(engine: Engine, query: Select[Any]) -> Statement:
    compiled = query.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
    return Statement(str(compiled), compiled.params)


def proposed_statements(
    engine: Engine, predicate: p.Predicate, shape: str, captured: list[Statement]
) -> list[Statement]:
    """The count (and page) in the proposed shape, followed by what casedesk runs after them
    unchanged (the facets' counts, or the page's insights and users)."""
    condition = proposed_condition(predicate)
    count = _statement(engine, select(func.count()).select_from(t.cases).where(condition))
    if shape == COUNT:
        return [count, *captured[1:]]
    page = select(t.cases).where(condition).order_by(*ORDER[shape]).limit(PAGE_SIZE).offset(0)
    return [count, _statement(engine, page), *captured[2:]]


def capped_count(engine: Engine, predicate: p.Predicate) -> Statement:
    matches = (
        select(literal(1)).select_from(t.cases).where(proposed_condition(predicate)).limit(COUNT_CAP + 1)
    )
    return _statement(engine, select(func.count()).select_from(matches.subquery()))
