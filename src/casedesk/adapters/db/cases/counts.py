"""Case counts by facet as GROUP BY queries, filtered by the compiled search predicate.

The labels are computed in SQL (status and priority names, the assignee's email, the project
key, the case type name), so grouping, ordering and limiting all happen in the database."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, FromClause, String, and_, func, literal_column, select

from casedesk.adapters.db.cases.filter import compile_predicate
from casedesk.adapters.db.schema import core as t
from casedesk.services.ports.case_counts import (
    UNASSIGNED,
    CaseAggregation,
    CaseCounts,
    CaseFacet,
    FacetCombination,
    FacetCounts,
    Facets,
    FacetValue,
)
from casedesk.services.search import predicates as p

C = t.cases.c
# Aliases, not the tables themselves: the filter's subqueries also select from users,
# projects and case types, and must not be correlated to the joined rows.
ASSIGNEES = t.users.alias("facet_assignee")
PROJECTS = t.projects.alias("facet_project")
TYPES = t.case_types.alias("facet_type")
# Inline, not a bound parameter: PostgreSQL matches the GROUP BY expression to the selected
# one only when they are written identically, and two parameters are two different texts.
NO_ASSIGNEE: ColumnElement[str] = literal_column(f"'{UNASSIGNED}'", String)


def _label(facet: CaseFacet) -> ColumnElement[str]:
    match facet:
        case CaseFacet.STATUS:
            return C.status
        case CaseFacet.PRIORITY:
            return C.priority
        case CaseFacet.ASSIGNEE:
            return func.coalesce(ASSIGNEES.c.email, NO_ASSIGNEE)
        case CaseFacet.PROJECT:
            return PROJECTS.c.key
        case CaseFacet.TYPE:
            return TYPES.c.name


def _source(facets: Facets) -> FromClause:
    """The cases table, joined to what the facets' labels read."""
    source: FromClause = t.cases
    if CaseFacet.ASSIGNEE in facets:
        source = source.outerjoin(ASSIGNEES, ASSIGNEES.c.id == C.assignee_id)
    if CaseFacet.PROJECT in facets:
        source = source.outerjoin(PROJECTS, PROJECTS.c.id == C.project_id)
    if CaseFacet.TYPE in facets:
        source = source.outerjoin(TYPES, TYPES.c.id == C.type_id)
    return source


def _group_counts(
    conn: Connection, condition: ColumnElement[bool], facets: Facets, limit: int
) -> list[FacetCombination]:
    """The `limit` most frequent combinations of the facets' labels among matching cases."""
    labels = [_label(facet) for facet in facets]
    count = func.count()
    query = (
        select(*labels, count)
        .select_from(_source(facets))
        .where(condition)
        .group_by(*labels)
        # Ties are broken by value so that the same data always gives the same groups.
        .order_by(count.desc(), *(label.asc() for label in labels))
        .limit(limit)
    )
    return [
        FacetCombination(values=tuple(str(v) for v in row[:-1]), count=int(row[-1]))
        for row in conn.execute(query).all()
    ]


def _total(conn: Connection, condition: ColumnElement[bool]) -> int:
    return int(conn.execute(select(func.count()).select_from(t.cases).where(condition)).scalar_one())


def count_cases(
    conn: Connection, visible: ColumnElement[bool], predicate: p.Predicate, facets: Facets, limit: int
) -> CaseCounts:
    """`visible`: the caller's visibility as a condition on cases (adapters/db/access.py)."""
    condition = and_(compile_predicate(predicate), visible)
    counts = CaseCounts(total=_total(conn, condition))
    for facet in facets:
        groups = _group_counts(conn, condition, (facet,), limit)
        values = [FacetValue(value=group.values[0], count=group.count) for group in groups]
        counts.facets.append(FacetCounts(facet=facet, values=values))
    return counts


def aggregate_cases(
    conn: Connection, visible: ColumnElement[bool], predicate: p.Predicate, facets: Facets, limit: int
) -> CaseAggregation:
    condition = and_(compile_predicate(predicate), visible)
    aggregation = CaseAggregation(total=_total(conn, condition), facets=facets)
    if facets:
        aggregation.groups = _group_counts(conn, condition, facets, limit)
    return aggregation
