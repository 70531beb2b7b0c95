"""Datadog dialect: case counts (`GET /api/v2/cases/count`, `POST /api/v2/cases/aggregate`).

Both filter with the case search syntax and group by the facets status, priority, assignee
(email, or `none`), project (key) and type (name).

- CountCases answers one group per facet, each with its most frequent values, plus a
  `total` member: the number of matching cases (the contract's attributes have no total, and
  the official client keeps unknown members: `response.data.attributes["total"]`).
- AggregateCases answers `total` and one group per combination of the facets' values, most
  frequent first. `group` is the combination's values joined by `|` in the order the facets
  were asked for (just the value for one facet, as in the contract's example `OPEN`);
  `value` is `[count]`; a `by` member beyond the contract's maps each facet to its value, for values that
  themselves contain `|`."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import Field

from casedesk.entrypoints.api_datadog.access import CaseReader as Reader
from casedesk.entrypoints.api_datadog.wire import QUERY_MAX as WIRE_QUERY_MAX
from casedesk.entrypoints.api_datadog.wire import Wire
from casedesk.entrypoints.http.routing import dialect_router
from casedesk.services.bus import utc_now
from casedesk.services.ports.case_counts import (
    MAX_GROUPS,
    CaseAggregation,
    CaseCounts,
    distinct,
    parse_facet,
)
from casedesk.services.search.cases import parse_case_query

router = dialect_router()
Doc = dict[str, Any]

# Query text is bounded by the search parser (the configured query length); group_bys by this.
QUERY_MAX = 2000
DEFAULT_LIMIT = 100
GROUP_SEPARATOR = "|"
# Names a result by the question that produced it, so the same question has the same id.
RESULT_NAMESPACE = uuid.UUID("6b1f4c52-8f0e-4d5c-9a43-1f7d2c0e9b61")


class AggregateGroupBy(Wire):
    groups: list[str] = Field(max_length=50)
    limit: int = Field(ge=1, le=MAX_GROUPS)


class AggregateAttributes(Wire):
    query_filter: str = Field(max_length=WIRE_QUERY_MAX)
    group_by: AggregateGroupBy


class AggregateData(Wire):
    type: Literal["aggregate"]
    attributes: AggregateAttributes


class CaseAggregateRequest(Wire):
    data: AggregateData


def result_id(*parts: object) -> str:
    return str(uuid.uuid5(RESULT_NAMESPACE, "\n".join(str(part) for part in parts)))


def count_document(counts: CaseCounts, question: tuple[object, ...]) -> Doc:
    groups = [
        {
            "group": facet.facet.value,
            "group_values": [{"value": v.value, "count": v.count} for v in facet.values],
        }
        for facet in counts.facets
    ]
    return {
        "data": {
            "id": result_id("count", *question),
            "type": "count",
            "attributes": {"total": counts.total, "groups": groups},
        }
    }


def aggregate_document(aggregation: CaseAggregation, question: tuple[object, ...]) -> Doc:
    names = [facet.value for facet in aggregation.facets]
    groups = [
        {
            "group": GROUP_SEPARATOR.join(group.values),
            "value": [float(group.count)],
            "by": dict(zip(names, group.values, strict=True)),
        }
        for group in aggregation.groups
    ]
    return {
        "data": {
            "id": result_id("aggregate", *question),
            "type": "aggregate",
            "attributes": {"total": float(aggregation.total), "groups": groups},
        }
    }


@router.get("/cases/count", name="CountCases")
def count_cases(
    ctx: Reader,
    query_filter: Annotated[str | None, Query()] = None,
    group_bys: Annotated[str | None, Query(max_length=QUERY_MAX)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_GROUPS)] = DEFAULT_LIMIT,
) -> Doc:
    names = [name for name in (group_bys or "").split(",") if name.strip()]
    facets = distinct(parse_facet(name, "group_bys") for name in names)
    predicate = parse_case_query(query_filter, now=utc_now(), me=ctx.principal.user_id, field="query_filter")
    counts = ctx.services.read.count_cases(ctx.visibility, predicate, facets, limit)
    return count_document(counts, (query_filter or "", [f.value for f in facets], limit))


@router.post("/cases/aggregate", name="AggregateCases")
def aggregate_cases(body: CaseAggregateRequest, ctx: Reader) -> Doc:
    attrs = body.data.attributes
    groups = attrs.group_by.groups
    facets = distinct(parse_facet(name, f"group_by/groups/{i}") for i, name in enumerate(groups))
    predicate = parse_case_query(
        attrs.query_filter, now=utc_now(), me=ctx.principal.user_id, field="query_filter"
    )
    aggregation = ctx.services.read.aggregate_cases(ctx.visibility, predicate, facets, attrs.group_by.limit)
    question = (attrs.query_filter, [f.value for f in facets], attrs.group_by.limit)
    return aggregate_document(aggregation, question)
