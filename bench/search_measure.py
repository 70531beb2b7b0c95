"""Timing one search or count through casedesk's API and, alternately, the same SQL on the
database directly.

The SQL is not rewritten here: casedesk's own read model (`SqlReadModel.search_cases`,
`count_cases`) is run once in this process with every statement it sends to the driver
recorded, and those statements, with their parameters, are what the raw side replays through
plain psycopg. So "raw SQL" is exactly the database work of one request (count, page, the
page's insights and users), and API ÷ raw is what everything else costs.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import psycopg
from sqlalchemy import Engine, event

from bench.harness import Keys
from bench.load import HttpConnection, build_request, percentile
from casedesk.adapters.db.cases.queries import SqlReadModel
from casedesk.entrypoints.api_datadog.cases.counts import DEFAULT_LIMIT
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.case_counts import distinct, parse_facet
from casedesk.services.ports.case_queries import CaseQuery, CaseSort, CaseSortField
from casedesk.services.search.cases import parse_case_query
from casedesk.services.search.predicates import Predicate

PAGE_SIZE = 25
COUNT_CAP = 10_000
MIN_REPEAT = 10
COUNT = "count"
SORTS = ("created_at", "priority")
SHAPES = (*SORTS, COUNT)


@dataclass(frozen=True)
class Query:
    name: str
    filter: str


@dataclass(frozen=True)
class Statement:
    sql: str
    params: Any  # as SQLAlchemy handed them to psycopg (a mapping for its pyformat style)

    @property
    def is_count(self) -> bool:
        """A total or a facet's counts (as opposed to the page and what the page loads)."""
        return "count(*)" in re.split(r"\sfrom\s", self.sql.lower(), maxsplit=1)[0]


@dataclass
class Timing:
    """One query in one shape: casedesk's statements, the proposed ones (search_shapes.py)
    and the capped count, with the milliseconds of each side per repetition."""

    query: Query
    shape: str
    statements: list[Statement]
    proposed: list[Statement]
    capped: Statement
    api_ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    count_ms: list[float] = field(default_factory=list)
    proposed_ms: list[float] = field(default_factory=list)
    cap_ms: list[float] = field(default_factory=list)
    rows: int | None = None
    disagreements: list[str] = field(default_factory=list)
    load: str = ""  # the machine's 1-minute load average when the measurement ended

    def p(self, side: str, q: float) -> float:
        return percentile(sorted(getattr(self, f"{side}_ms")), q)

    @property
    def ratio(self) -> float:
        sql = self.p("sql", 50)
        return self.p("api", 50) / sql if sql > 0 else float("nan")


def api_target(query: Query, shape: str, group_bys: Sequence[str]) -> str:
    if shape == COUNT:
        params = [f"query_filter={quote(query.filter)}"] if query.filter else []
        params += [f"group_bys={quote(','.join(group_bys))}"] if group_bys else []
        return "/api/v2/cases/count" + ("?" + "&".join(params) if params else "")
    params = [f"filter={quote(query.filter)}"] if query.filter else []
    params += [f"sort%5Bfield%5D={shape}", "sort%5Basc%5D=false", f"page%5Bsize%5D={PAGE_SIZE}"]
    return "/api/v2/cases?" + "&".join(params)


def parse(query: Query, me: uuid.UUID) -> Predicate:
    return parse_case_query(query.filter or None, now=datetime.now(UTC), me=me)


def capture(engine: Engine, predicate: Predicate, shape: str, group_bys: Sequence[str]) -> list[Statement]:
    """The statements casedesk's read model sends for this search or count, in order."""
    read = SqlReadModel(engine)
    captured: list[Statement] = []

    def record(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        captured.append(Statement(sql, params))

    event.listen(engine, "before_cursor_execute", record)
    try:
        if shape == COUNT:
            facets = distinct(parse_facet(name, "group_bys") for name in group_bys)
            read.count_cases(Visibility.everything(), predicate, facets, DEFAULT_LIMIT)
        else:
            sort = CaseSort({"created_at": CaseSortField.CREATED, "priority": CaseSortField.PRIORITY}[shape])
            read.search_cases(
                CaseQuery(
                    Visibility.everything(), filter=predicate, sort=sort, page_size=PAGE_SIZE, page_number=1
                )
            )
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return captured


def replay(conn: psycopg.Connection[Any], statements: list[Statement]) -> tuple[float, float, int, list[str]]:
    """Runs the statements in one transaction as the read model does (it reads every row);
    answers total ms, ms of the count statements, the first count, the first page's ids."""
    total: int | None = None
    ids: list[str] | None = None
    count_s = 0.0
    started = time.perf_counter()
    with conn.cursor() as cur:
        for statement in statements:
            began = time.perf_counter()
            cur.execute(statement.sql.encode(), statement.params)
            rows = cur.fetchall()
            if statement.is_count:
                count_s += time.perf_counter() - began
                total = int(rows[0][0]) if total is None else total
            elif ids is None:
                ids = [str(row[0]) for row in rows]
    conn.rollback()
    elapsed = time.perf_counter() - started
    return elapsed * 1000, count_s * 1000, total if total is not None else -1, ids or []


async def measure(
    http: HttpConnection,
    keys: Keys,
    port: int,
    raw: psycopg.Connection[Any],
    timing: Timing,
    group_bys: Sequence[str],
    warmup: int,
    repeat: int,
    budget_s: float,
) -> None:
    """One request, then the replays, `warmup + repeat` times: interleaved, so that every side
    sees the same caches and the same neighbours' load; the warm-up ones are not kept. Stops
    early once `budget_s` has passed and MIN_REPEAT rounds are kept: a query that takes
    seconds (free text without an index) would otherwise hold a run for half an hour."""
    headers = {"DD-API-KEY": keys.api_key, "DD-APPLICATION-KEY": keys.app_key}
    request = build_request(
        "GET", api_target(timing.query, timing.shape, group_bys), f"127.0.0.1:{port}", headers
    )
    deadline = time.perf_counter() + budget_s
    for n in range(warmup + repeat):
        if len(timing.api_ms) >= min(MIN_REPEAT, repeat) and time.perf_counter() > deadline:
            break
        await reopen_if_closed(http)
        started = time.perf_counter()
        status, body = await http.exchange(request)
        api_ms = (time.perf_counter() - started) * 1000
        if status != 200:
            raise RuntimeError(f"{timing.query.filter!r} ({timing.shape}) answered {status}: {body[:300]!r}")
        sql_ms, count_ms, total, ids = replay(raw, timing.statements)
        proposed_ms, _, proposed_total, proposed_ids = replay(raw, timing.proposed)
        # The capped count is the same statement for every shape of a query: timed once.
        cap_ms, _, capped, _ = replay(raw, [timing.capped]) if timing.shape == COUNT else (0.0, 0.0, 0, [])
        if n == 0:
            api_total, api_ids = api_answer(timing, body, ids)
            timing.rows = api_total
            timing.disagreements += disagreement("SQL", (api_total, api_ids), (total, ids))
            expected = (api_total, api_ids)
            timing.disagreements += disagreement("proposed SQL", expected, (proposed_total, proposed_ids))
            if timing.shape == COUNT:
                timing.disagreements += disagreement("capped count", min(api_total, COUNT_CAP + 1), capped)
        if n >= warmup:
            timing.api_ms.append(api_ms)
            timing.sql_ms.append(sql_ms)
            timing.count_ms.append(count_ms)
            timing.proposed_ms.append(proposed_ms)
            if timing.shape == COUNT:
                timing.cap_ms.append(cap_ms)


async def reopen_if_closed(http: HttpConnection) -> None:
    """uvicorn closes a keep-alive connection after 5 idle seconds, and the replays of a slow
    query take longer than that: reconnect before the clock starts, not inside a timing. The
    pause lets the event loop (blocked during the replays) take in the server's close."""
    await asyncio.sleep(0.001)
    if http.reader is not None and http.reader.at_eof():
        await http.close()
    if http.reader is None:
        http.reader, http.writer = await asyncio.open_connection(http.host, http.port)


def api_answer(timing: Timing, body: bytes, sql_ids: list[str]) -> tuple[int, list[str]]:
    """The total and page ids the API answered (a count answers no page: the SQL's is kept)."""
    doc: Mapping[str, Any] = json.loads(body)
    if timing.shape == COUNT:
        return int(doc["data"]["attributes"]["total"]), sql_ids
    return int(doc["meta"]["total_cases"]), [str(d["id"]) for d in doc["data"]]


def disagreement(side: str, expected: object, found: object) -> list[str]:
    """Recorded rather than fatal: a `now-7d` boundary can pass a case between two sides."""
    return [] if expected == found else [f"{side} found {found!r:.200}, the API {expected!r:.200}"]


def explain(conn: psycopg.Connection[Any], statement: Statement) -> str:
    with conn.cursor() as cur:
        cur.execute(b"EXPLAIN (ANALYZE, BUFFERS) " + statement.sql.encode(), statement.params)
        plan = "\n".join(str(row[0]) for row in cur.fetchall())
    conn.rollback()
    return plan
