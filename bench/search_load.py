"""Search and count over a million cases: casedesk's API against the same SQL run directly.

    .venv/bin/python -m bench.search_load [--cases 1000000] [--repeat 30] [--keep]
                                          [--database-url URL] [--phases before,after]

Creates a throwaway PostgreSQL database, runs `casedesk init` and `casedesk serve`, creates
users and projects through the API, COPYs the cases in (bench/search_data.py), then times each
query (one client, one request at a time) through the API, as the SQL casedesk emits for it
(bench/search_measure.py) and as the SQL this benchmark proposes (bench/search_shapes.py), on
the migrated schema and again after a set of DDL (`DDL_SETS`). See bench/README.md for how
to read the tables.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bench import search_data as data
from bench.cases_load import exit_on_sigterm, showing_logs_on_error
from bench.dataset import psycopg_url
from bench.harness import Keys, Server, casedesk_init, running_server, throwaway_database
from bench.load import HttpConnection, run_async
from bench.search_measure import COUNT, SHAPES, Query, Timing, capture, explain, measure, parse
from bench.search_shapes import capped_count, proposed_statements

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
ADMIN_EMAIL = "bench@example.com"
PHASES = ("before", "after")

# Every statement is idempotent (IF [NOT] EXISTS), so that a set can be applied to any
# schema along the way: the migrated one, or one a --baseline-ddl set has changed.
TRIGRAM = (
    # Free text is `lower(column) LIKE '%term%'` on three columns, OR-ed: only trigram indexes
    # on all three let PostgreSQL answer it without reading every row (a BitmapOr).
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *(
        f"CREATE INDEX IF NOT EXISTS ix_cases_{c}_trgm ON cases USING gin (lower({c}) gin_trgm_ops)"
        for c in ("title", "description", "key")
    ),
)
ATTRIBUTE_LOOKUP = (
    # With case_id in the lookup index, `EXISTS (… key = ? AND value_folded = ?)` is answered
    # from the index alone; it replaces the (key, value_folded) index it extends.
    "CREATE INDEX IF NOT EXISTS ix_case_attributes_key_value_case"
    " ON case_attributes (key, value_folded, case_id)",
    "DROP INDEX IF EXISTS ix_case_attributes_lookup",
)
DDL_SETS = {
    # Migration 0006, chosen with this benchmark for the SQL casedesk emits today.
    "0006": (
        *TRIGRAM,
        # `status:` and `priority:` compare the text columns, which had no index (the older
        # ones are on status_rank and priority_urgency): counts read the whole table.
        "CREATE INDEX IF NOT EXISTS ix_cases_status_priority ON cases (status, priority)",
        # The priority sort is `priority_urgency DESC, number DESC`; the (priority_urgency,
        # created_at) index makes PostgreSQL sort a whole priority's rows.
        "CREATE INDEX IF NOT EXISTS ix_cases_priority_number ON cases (priority_urgency, number)",
        # "My open cases" (`assignee:me status:open`), counted from the index alone; it
        # replaces the (assignee_id) index it extends.
        "CREATE INDEX IF NOT EXISTS ix_cases_assignee_status ON cases (assignee_id, status)",
        "DROP INDEX IF EXISTS ix_cases_assignee",
        *ATTRIBUTE_LOOKUP,
    ),
    # The schema before migration 0006, to measure what it changed: --baseline-ddl pre-0006.
    "pre-0006": (
        *(f"DROP INDEX IF EXISTS ix_cases_{c}_trgm" for c in ("title", "description", "key")),
        "DROP INDEX IF EXISTS ix_cases_status_priority",
        "DROP INDEX IF EXISTS ix_cases_priority_number",
        "CREATE INDEX IF NOT EXISTS ix_cases_assignee ON cases (assignee_id)",
        "DROP INDEX IF EXISTS ix_cases_assignee_status",
        "CREATE INDEX IF NOT EXISTS ix_case_attributes_lookup ON case_attributes (key, value_folded)",
        "DROP INDEX IF EXISTS ix_case_attributes_key_value_case",
    ),
    # What the SQL of search_shapes.py needs, from either schema: it filters and sorts on
    # status_rank and priority_urgency, which the (status_rank, created_at) and
    # (priority_urgency, created_at) indexes of migration 0001 serve, so 0006's text-column
    # and (priority_urgency, number) indexes go, and the assignee index takes the rank.
    "proposed": (
        *TRIGRAM,
        "CREATE INDEX IF NOT EXISTS ix_cases_assignee_status_rank ON cases (assignee_id, status_rank)",
        "DROP INDEX IF EXISTS ix_cases_assignee",
        "DROP INDEX IF EXISTS ix_cases_assignee_status",
        "DROP INDEX IF EXISTS ix_cases_status_priority",
        "DROP INDEX IF EXISTS ix_cases_priority_number",
        *ATTRIBUTE_LOOKUP,
    ),
}


@dataclass(frozen=True)
class Options:
    cases: int
    database_url: str
    repeat: int
    warmup: int
    budget: float
    seed: int
    keep: bool
    phases: tuple[str, ...]
    baseline_ddl: tuple[str, ...]
    ddl: tuple[str, ...]
    group_bys: tuple[str, ...]
    explain: Path | None
    plan_cache_mode: str


@dataclass
class Phase:
    name: str
    timings: list[Timing]
    notes: list[str]


def queries(people: list[data.Person], projects: list[data.Project]) -> list[Query]:
    """From one row in a thousand to seven in ten (bench/README.md gives each share)."""
    return [
        Query("everything", ""),
        Query("selective", f"status:open priority:P1 project:{projects[0].key} env:prod"),
        Query("assignee", f"assignee:{people[9].email} status:open"),
        Query("broad", "status:closed"),
        Query("phrase", '"disk full"'),
        Query("rare word", "panic"),
        Query("attribute", "service:svc-42"),
        Query("last 7 days", "created_at:>now-7d"),
    ]


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def libpq_url(url: str) -> str:
    """The URL psycopg.connect takes (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def say(message: str) -> None:
    print(message, flush=True)


# -- phases ------------------------------------------------------------------------------


def run_phase(
    name: str, server: Server, keys: Keys, database_url: str, query_list: list[Query], options: Options
) -> Phase:
    engine = create_engine(psycopg_url(database_url), poolclass=NullPool)
    phase = Phase(name=name, timings=[], notes=[f"load average before: {load_average()}"])
    me = uuid.UUID(keys.user_id)
    say(f"{name}: {len(query_list) * len(SHAPES)} measurements of {options.repeat} repetitions")
    try:
        with psycopg.connect(libpq_url(database_url)) as raw:
            for query in query_list:
                predicate = parse(query, me)
                capped = capped_count(engine, predicate)
                for shape in SHAPES:
                    statements = capture(engine, predicate, shape, options.group_bys)
                    proposed = proposed_statements(engine, predicate, shape, statements)
                    timing = Timing(query, shape, statements, proposed, capped)
                    run_async(_measure(server, keys, raw, timing, options))
                    timing.load = load_average().split()[0]
                    phase.timings.append(timing)
                    say(
                        f"  {query.name:<12}{shape:<11}p50 ms: API {timing.p('api', 50):8.2f}   "
                        f"SQL {timing.p('sql', 50):8.2f}   proposed {timing.p('proposed', 50):8.2f}"
                    )
            if options.explain is not None:
                write_plans(options.explain, phase, raw)
    finally:
        engine.dispose()
    phase.notes.append(f"load average after: {load_average()}")
    return phase


async def _measure(
    server: Server, keys: Keys, raw: psycopg.Connection[Any], timing: Timing, options: Options
) -> None:
    http = HttpConnection("127.0.0.1", server.port)
    try:
        await measure(
            http,
            keys,
            server.port,
            raw,
            timing,
            options.group_bys,
            options.warmup,
            options.repeat,
            options.budget,
        )
    finally:
        await http.close()


def write_plans(path: Path, phase: Phase, raw: psycopg.Connection[Any]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each count and page statement, appended to `path`."""
    with path.open("a") as out:
        for timing in phase.timings:
            for side, statements in (("casedesk", timing.statements), ("proposed", timing.proposed)):
                # A search's count is the count row's statement again; its page is its own.
                wanted = [s for s in statements if s.is_count == (timing.shape == COUNT)]
                for statement in wanted if timing.shape == COUNT else wanted[:1]:
                    out.write(f"\n## {phase.name} | {timing.query.name} | {timing.shape} | {side}\n")
                    out.write(f"{statement.sql}\n-- {statement.params!r}\n")
                    out.write(explain(raw, statement) + "\n")


def apply_ddl(database_url: str, statements: Sequence[str]) -> list[str]:
    """Runs each statement (timed), then VACUUM ANALYZE (expression indexes get statistics);
    answers one line per statement, one per new index with its size, one per dropped index."""
    lines: list[str] = []
    sizes = (
        "SELECT indexname, pg_relation_size(format('%I', indexname)::regclass)"
        " FROM pg_indexes WHERE schemaname = 'public'"
    )
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        before: dict[str, int] = dict(conn.execute(sizes).fetchall())
        for statement in statements:
            started = time.perf_counter()
            conn.execute(statement.encode())
            lines.append(f"{time.perf_counter() - started:7.1f} s  {statement}")
        after: dict[str, int] = dict(conn.execute(sizes).fetchall())
    started = time.perf_counter()
    data.vacuum_analyze(database_url)
    lines.append(f"{time.perf_counter() - started:7.1f} s  VACUUM (ANALYZE) of the loaded tables")
    for name in sorted(after.keys() - before.keys()):
        lines.append(f"           new index {name}: {int(after[name]) / 2**20:.1f} MB")
    lines += [f"           dropped index {name}" for name in sorted(before.keys() - after.keys())]
    return lines


def run(options: Options) -> tuple[data.LoadReport, list[Query], list[Phase], list[str]]:
    phases: list[Phase] = []
    ddl_lines: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="casedesk-search-bench-") as logs,
        throwaway_database(options.database_url, keep=options.keep) as database_url,
        showing_logs_on_error(Path(logs)),
    ):
        database = make_url(database_url).database
        say(f"database {database}{' (kept)' if options.keep else ''}; server log in {logs}")
        if options.plan_cache_mode != "auto":
            # Set on the database before anything connects, so every session has it, the
            # server's pooled ones included.
            with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
                conn.execute(
                    f'ALTER DATABASE "{database}" SET plan_cache_mode = {options.plan_cache_mode}'.encode()
                )
        keys = casedesk_init(database_url, ADMIN_EMAIL)
        argv = [sys.executable, "-m", "casedesk", "serve", "--workers", "1"]
        with running_server("casedesk", argv, database_url, Path(logs)) as server:
            people = data.create_people(server, keys)
            projects = data.create_projects(server, keys)
            loaded = data.load_cases(
                libpq_url(database_url), people, projects, options.cases, options.seed, say
            )
            query_list = queries(people, projects)
            if options.baseline_ddl:
                say("applying the baseline DDL")
                ddl_lines += ["baseline:", *apply_ddl(database_url, options.baseline_ddl)]
            if "before" in options.phases:
                first = "migrated schema" + (" + baseline DDL" if options.baseline_ddl else "")
                phases.append(run_phase(first, server, keys, database_url, query_list, options))
            if "after" in options.phases:
                say("applying the DDL")
                ddl_lines += ["between the phases:", *apply_ddl(database_url, options.ddl)]
                phases.append(run_phase("with the DDL", server, keys, database_url, query_list, options))
        if options.keep:
            say(f'kept: psql {libpq_url(database_url)}   (drop with: DROP DATABASE "{database}")')
    return loaded, query_list, phases, ddl_lines


# -- reporting ---------------------------------------------------------------------------


def phase_table(phase: Phase) -> list[str]:
    lines = [
        "",
        f"{phase.name} ({'; '.join(phase.notes)})",
        f"{'':<23}{'':>12}{'---------- casedesk ----------':>38}{'':>7}{'-- proposed SQL --':>19}",
        f"{'query':<12}{'sort':<11}{'rows':>8}{'n':>4}"
        f"{'API p50':>9}{'API p99':>9}{'SQL p50':>9}{'SQL p99':>9}"
        f"{'ratio':>7}{'count':>8}{'p50':>8}{'p99':>8}{'capped':>8}  load",
    ]
    for t in phase.timings:
        rows = "?" if t.rows is None else str(t.rows)
        shape = "(count)" if t.shape == COUNT else t.shape
        capped = f"{t.p('cap', 50):>8.2f}" if t.shape == COUNT else f"{'':>8}"
        lines.append(
            f"{t.query.name:<12}{shape:<11}{rows:>8}{len(t.api_ms):>4}"
            f"{t.p('api', 50):>9.2f}{t.p('api', 99):>9.2f}"
            f"{t.p('sql', 50):>9.2f}{t.p('sql', 99):>9.2f}{t.ratio:>7.2f}{t.p('count', 50):>8.2f}"
            f"{t.p('proposed', 50):>8.2f}{t.p('proposed', 99):>8.2f}{capped}  {t.load}"
        )
    lines += [f"  {t.query.name} {t.shape}: {d}" for t in phase.timings for d in t.disagreements]
    return lines


def comparison(before: Phase, after: Phase) -> list[str]:
    lines = [
        "",
        f"{before.name} → {after.name}: p50 ms, and how many times faster",
        f"{'query':<12}{'sort':<11}{'API':>9}{'after':>9}{'×':>6}{'SQL':>9}{'after':>9}{'×':>6}"
        f"{'proposed':>10}{'after':>9}{'×':>6}",
    ]
    for b, a in zip(before.timings, after.timings, strict=True):
        shape = "(count)" if b.shape == COUNT else b.shape
        line = f"{b.query.name:<12}{shape:<11}"
        for side in ("api", "sql", "proposed"):
            first, then = b.p(side, 50), a.p(side, 50)
            width = 10 if side == "proposed" else 9
            line += f"{first:>{width}.2f}{then:>9.2f}{first / then:>6.1f}"
        lines.append(line)
    return lines


def report(
    loaded: data.LoadReport,
    query_list: list[Query],
    phases: list[Phase],
    ddl_lines: list[str],
    options: Options,
) -> str:
    lines = [
        "",
        f"casedesk search bench: {loaded.cases} cases, page size 25, one client, "
        f"{options.repeat} repetitions (n: fewer once a row took {options.budget:g} s) after "
        f"{options.warmup} warm-up, p99 = nearest rank, plan_cache_mode {options.plan_cache_mode}",
        f"load: {loaded.cases} cases + {loaded.attribute_rows} attribute rows + {loaded.assignee_rows} "
        f"assignee rows by COPY in {loaded.copy_s:.1f} s, VACUUM ANALYZE {loaded.vacuum_s:.1f} s, "
        f"cases with its indexes {loaded.table_mb:.0f} MB",
        "",
        "queries (filter=…; the count rows use GET /api/v2/cases/count?query_filter=…"
        + (f"&group_bys={','.join(options.group_bys)}" if options.group_bys else "")
        + "):",
    ]
    lines += [f"  {q.name:<12}{q.filter or '(no filter)'}" for q in query_list]
    for phase in phases:
        lines += phase_table(phase)
    if ddl_lines:
        lines += ["", "DDL applied:", *ddl_lines]
    if len(phases) == 2:
        lines += comparison(phases[0], phases[1])
    return "\n".join(lines)


# -- command line ------------------------------------------------------------------------


def read_ddl(name: str) -> tuple[str, ...]:
    if name in DDL_SETS:
        return DDL_SETS[name]
    return tuple(s.strip() for s in Path(name).read_text().split(";") if s.strip())


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search_load",
        description="Search and count over many cases: casedesk's API against the same SQL, "
        "before and after candidate indexes.",
    )
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases to load (default 1000000)")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_ADMIN_URL,
        help=f"any database on the PostgreSQL server to use (default {DEFAULT_ADMIN_URL})",
    )
    parser.add_argument("--repeat", type=int, default=30, help="measured repetitions per row (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured repetitions first (default 3)")
    parser.add_argument(
        "--budget",
        type=float,
        default=60,
        help="seconds per row after which it stops repeating, once 10 are measured (default 60)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--phases", default="before,after", help="before, after or both (default)")
    sets = ", ".join(DDL_SETS)
    parser.add_argument(
        "--ddl",
        default="proposed",
        help=f"DDL between the phases: one of {sets} (default proposed) or a file of ;-separated statements",
    )
    parser.add_argument(
        "--baseline-ddl",
        help=f"DDL right after the load, before the first phase: one of {sets} or a file",
    )
    parser.add_argument("--group-bys", default="", help="facets for the count rows, e.g. status,priority")
    parser.add_argument(
        "--plan-cache-mode",
        choices=("auto", "force_custom_plan"),
        default="auto",
        help="PostgreSQL's plan_cache_mode for the run's database (default auto, PostgreSQL's own)",
    )
    parser.add_argument("--explain", type=Path, help="append EXPLAIN (ANALYZE, BUFFERS) of each query here")
    args = parser.parse_args(argv)
    phases = tuple(p.strip() for p in args.phases.split(",") if p.strip())
    if not phases or set(phases) - set(PHASES):
        parser.error("--phases takes before, after or before,after")
    if args.cases < 1 or args.repeat < 1 or args.warmup < 0:
        parser.error("--cases and --repeat must be at least 1")
    return Options(
        cases=args.cases,
        database_url=args.database_url,
        repeat=args.repeat,
        warmup=args.warmup,
        budget=args.budget,
        seed=args.seed,
        keep=args.keep,
        phases=phases,
        baseline_ddl=read_ddl(args.baseline_ddl) if args.baseline_ddl else (),
        ddl=read_ddl(args.ddl),
        group_bys=tuple(g.strip() for g in args.group_bys.split(",") if g.strip()),
        explain=args.explain,
        plan_cache_mode=args.plan_cache_mode,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    try:
        loaded, query_list, phases, ddl_lines = run(options)
    except KeyboardInterrupt:
        print(
            "interrupted; server stopped" + ("" if options.keep else " and database dropped"), file=sys.stderr
        )
        return 130
    print(report(loaded, query_list, phases, ddl_lines, options))
    return 0


if __name__ == "__main__":
    sys.exit(main())
