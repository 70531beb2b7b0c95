"""Case create and case search under concurrent load: casedesk against a minimal baseline.

    .venv/bin/python -m bench.cases_load [--clients N] [--duration S] [--workers W]
                                         [--database-url URL]

Creates a throwaway PostgreSQL database, runs `casedesk init` and `casedesk serve` and the
baseline app (bench/baseline_app.py) on free loopback ports, creates a project, seeds cases,
then drives each scenario against each server in turn and prints requests/second, p50 and p99
latency and errors, and the baseline's advantage. See bench/README.md for how to read them.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from bench.dataset import WORDS, seed_cases, title
from bench.harness import (
    ActivitySampler,
    CpuMeter,
    Keys,
    MachineCpuMeter,
    OwnCpuMeter,
    PostgresCpuMeter,
    Server,
    casedesk_init,
    group_pids,
    running_server,
    throwaway_database,
)
from bench.load import RequestFactory, Result, build_request, run_load
from casedesk.config import Settings

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
ADMIN_EMAIL = "bench@example.com"
STANDARD_TYPE_ID = "00000000-0000-0000-0000-000000000001"
SCENARIOS = ("create", "search")
SEARCH_PAGE_SIZE = 25


@dataclass(frozen=True)
class Options:
    clients: int
    duration: float
    warmup: float
    workers: int
    database_url: str
    seed_cases: int
    scenarios: tuple[str, ...]


@dataclass(frozen=True)
class Measurement:
    scenario: str
    server: str
    result: Result
    window_s: float
    server_cpu_s: float | None
    db_cpu_s: float | None
    client_cpu_s: float | None
    machine_cpu_s: float | None
    db_transactions: int
    db_sessions: int
    activity: tuple[float, float, float] | None

    def per_request_ms(self, seconds: float | None) -> float | None:
        answered = len(self.result.latencies_ms)
        return None if seconds is None or not answered else seconds * 1000 / answered

    def cores(self, seconds: float | None) -> float | None:
        return None if seconds is None else seconds / self.window_s

    @property
    def others_cpu_s(self) -> float | None:
        """Busy CPU on the machine that was not the server, PostgreSQL or the client."""
        parts = (self.machine_cpu_s, self.server_cpu_s, self.db_cpu_s, self.client_cpu_s)
        if any(part is None for part in parts):
            return None
        machine, server, db, client = (part or 0.0 for part in parts)
        return max(machine - server - db - client, 0.0)


# -- requests ----------------------------------------------------------------------------


def auth_headers(keys: Keys) -> dict[str, str]:
    return {"DD-API-KEY": keys.api_key, "DD-APPLICATION-KEY": keys.app_key}


def create_body(n: int, project_id: str) -> dict[str, Any]:
    return {
        "data": {
            "type": "case",
            "attributes": {"title": title(n), "type_id": STANDARD_TYPE_ID, "priority": "P3"},
            "relationships": {"project": {"data": {"id": project_id, "type": "project"}}},
        }
    }


def search_target(word: str) -> str:
    return f"/api/v2/cases?filter={word}&page%5Bsize%5D={SEARCH_PAGE_SIZE}"


def create_requests(server: Server, keys: Keys, project_id: str) -> RequestFactory:
    host, headers = f"127.0.0.1:{server.port}", auth_headers(keys)

    def factory(n: int) -> bytes:
        body = json.dumps(create_body(n, project_id)).encode()
        return build_request("POST", "/api/v2/cases", host, headers, body)

    return factory


def search_requests(server: Server, keys: Keys) -> RequestFactory:
    host, headers = f"127.0.0.1:{server.port}", auth_headers(keys)
    prepared = [build_request("GET", search_target(word), host, headers) for word in WORDS]
    return lambda n: prepared[n % len(prepared)]


# -- setup -------------------------------------------------------------------------------


def create_project(server: Server, keys: Keys) -> str:
    body = {"data": {"type": "project", "attributes": {"name": "Bench", "key": "BENCH"}}}
    answer = httpx.post(f"{server.url}/api/v2/cases/projects", json=body, headers=auth_headers(keys))
    answer.raise_for_status()
    return str(answer.json()["data"]["id"])


def check_same_work(casedesk: Server, baseline: Server, keys: Keys, project_id: str) -> None:
    """Fails unless both servers create cases and find the same page for the same search,
    so the figures compare the same work."""
    with httpx.Client(headers=auth_headers(keys), timeout=30) as client:
        for server in (casedesk, baseline):
            answer = client.post(f"{server.url}/api/v2/cases", json=create_body(0, project_id))
            if answer.status_code != 201:
                raise RuntimeError(f"{server.name} create answered {answer.status_code}: {answer.text}")
        for word in WORDS[:4]:
            pages = [client.get(server.url + search_target(word)).json() for server in (casedesk, baseline)]
            found = [([d["id"] for d in page["data"]], page["meta"]["total_cases"]) for page in pages]
            if found[0] != found[1]:
                raise RuntimeError(f"the servers disagree on a search for {word!r}: {found}")


# -- measuring ---------------------------------------------------------------------------


def measure(
    scenario: str, server: Server, factory: RequestFactory, sampler: ActivitySampler, options: Options
) -> Measurement:
    server_cpu = CpuMeter(lambda: group_pids(server.pid))
    db_cpu = PostgresCpuMeter(sampler.backend_pid)
    client_cpu, machine_cpu = OwnCpuMeter(), MachineCpuMeter()
    print(
        f"  {scenario} on {server.name}: {options.warmup:g} s warm-up, {options.duration:g} s measured",
        flush=True,
    )
    result = run_load(
        "127.0.0.1",
        server.port,
        factory,
        clients=options.clients,
        duration_s=options.duration,
        warmup_s=options.warmup,
        meters=(machine_cpu, client_cpu, server_cpu, db_cpu, sampler),
    )
    return Measurement(
        scenario=scenario,
        server=server.name,
        result=result,
        window_s=options.duration,
        server_cpu_s=server_cpu.seconds,
        db_cpu_s=db_cpu.seconds,
        client_cpu_s=client_cpu.seconds,
        machine_cpu_s=machine_cpu.seconds,
        db_transactions=sampler.transactions,
        db_sessions=sampler.sessions,
        activity=sampler.means(),
    )


def run(options: Options) -> list[Measurement]:
    measurements: list[Measurement] = []
    workers = ["--workers", str(options.workers)]
    with (
        tempfile.TemporaryDirectory(prefix="casedesk-bench-") as logs,
        throwaway_database(options.database_url) as database_url,
        showing_logs_on_error(Path(logs)),
    ):
        print(f"database {make_url(database_url).database}; server logs in {logs}", flush=True)
        keys = casedesk_init(database_url, ADMIN_EMAIL)
        casedesk_argv = [sys.executable, "-m", "casedesk", "serve", *workers, "--no-worker"]
        baseline_argv = [sys.executable, "-m", "bench.baseline_app", *workers]
        with running_server("casedesk", casedesk_argv, database_url, Path(logs)) as casedesk:
            project_id = create_project(casedesk, keys)
            seed_cases(database_url, uuid.UUID(project_id), uuid.UUID(keys.user_id), options.seed_cases)
            with running_server("baseline", baseline_argv, database_url, Path(logs)) as baseline:
                check_same_work(casedesk, baseline, keys, project_id)
                sampler = ActivitySampler(options.database_url, str(make_url(database_url).database))
                try:
                    # Search first: both servers then search exactly the seeded rows.
                    for scenario in sorted(options.scenarios, key=lambda s: s != "search"):
                        for server in (casedesk, baseline):
                            factory = (
                                search_requests(server, keys)
                                if scenario == "search"
                                else create_requests(server, keys, project_id)
                            )
                            measurements.append(measure(scenario, server, factory, sampler, options))
                finally:
                    sampler.close()
    return measurements


@contextmanager
def showing_logs_on_error(log_dir: Path) -> Iterator[None]:
    """The logs live in a temporary directory; print their ends before it goes away."""
    try:
        yield
    except Exception:
        for log in sorted(log_dir.glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-25:]
            print(f"--- last lines of {log.name} ---", *tail, sep="\n", file=sys.stderr)
        raise


# -- reporting ---------------------------------------------------------------------------


def fmt(value: float | None, spec: str = ".1f") -> str:
    return "n/a" if value is None else format(value, spec)


def report(measurements: list[Measurement], options: Options) -> str:
    pool = Settings().db_pool_size
    lines = [
        "",
        f"casedesk bench: {options.clients} clients, {options.duration:g} s per scenario after "
        f"{options.warmup:g} s warm-up, {options.workers} worker(s) per server, pool {pool}+{pool} "
        f"per worker, {options.seed_cases} seeded cases, search page size {SEARCH_PAGE_SIZE}",
        "",
        f"{'scenario':<9}{'server':<10}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}",
    ]
    ordered = sorted(measurements, key=lambda m: (SCENARIOS.index(m.scenario), m.server != "casedesk"))
    for m in ordered:
        r = m.result
        lines.append(
            f"{m.scenario:<9}{m.server:<10}{r.requests:>9}{r.rps:>9.1f}{r.p(50):>9.2f}{r.p(99):>9.2f}{r.errors:>8}"
        )
    lines += ["", "overhead (baseline req/s ÷ casedesk req/s; casedesk p50 ÷ baseline p50):"]
    for scenario in SCENARIOS:
        pair = {m.server: m.result for m in measurements if m.scenario == scenario}
        if (
            {"casedesk", "baseline"} <= pair.keys()
            and pair["casedesk"].rps > 0
            and pair["baseline"].p(50) > 0
        ):
            rps_ratio = pair["baseline"].rps / pair["casedesk"].rps
            p50_ratio = pair["casedesk"].p(50) / pair["baseline"].p(50)
            lines.append(f"  {scenario:<8} req/s ×{rps_ratio:.2f}   p50 ×{p50_ratio:.2f}")
    lines += [
        "",
        "CPU per answered request (ms) and cores busy over the measured window:",
        f"{'scenario':<9}{'server':<10}{'server ms':>10}{'postgres ms':>12}"
        f"{'server cores':>13}{'postgres cores':>15}{'client cores':>13}{'others cores':>13}",
    ]
    for m in ordered:
        lines.append(
            f"{m.scenario:<9}{m.server:<10}{fmt(m.per_request_ms(m.server_cpu_s), '.2f'):>10}"
            f"{fmt(m.per_request_ms(m.db_cpu_s), '.2f'):>12}{fmt(m.cores(m.server_cpu_s), '.2f'):>13}"
            f"{fmt(m.cores(m.db_cpu_s), '.2f'):>15}{fmt(m.cores(m.client_cpu_s), '.2f'):>13}"
            f"{fmt(m.cores(m.others_cpu_s), '.2f'):>13}"
        )
    lines += [
        "",
        "database: transactions per answered request, new connections per second, and backends",
        "(mean of 100 ms samples) running a statement, waiting on a lock, idle inside a transaction:",
        f"{'scenario':<9}{'server':<10}{'xacts/req':>10}{'conns/s':>9}"
        f"{'active':>8}{'on lock':>9}{'idle in tx':>11}",
    ]
    for m in ordered:
        answered = len(m.result.latencies_ms)
        xacts = m.db_transactions / answered if answered else None
        active, locked, idle_tx = m.activity or (None, None, None)
        lines.append(
            f"{m.scenario:<9}{m.server:<10}{fmt(xacts, '.2f'):>10}{m.db_sessions / m.window_s:>9.1f}"
            f"{fmt(active):>8}{fmt(locked):>9}{fmt(idle_tx):>11}"
        )
    errors = [m for m in ordered if m.result.first_error]
    for m in errors:
        lines.append(f"first error, {m.scenario} on {m.server}: {m.result.first_error}")
    return "\n".join(lines)


# -- command line ------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.cases_load",
        description="Load casedesk's case create and search, and a minimal baseline doing the same SQL.",
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument(
        "--duration", type=float, default=20, help="measured seconds per scenario (default 20)"
    )
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds first (default 3)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers per server (default 1)")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_ADMIN_URL,
        help=f"any database on the PostgreSQL server to use (default {DEFAULT_ADMIN_URL})",
    )
    parser.add_argument("--seed-cases", type=int, default=10_000, help="cases to search (default 10000)")
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.workers < 1 or args.duration <= 0 or args.warmup < 0:
        parser.error("--clients and --workers must be at least 1, --duration positive")
    return Options(
        clients=args.clients,
        duration=args.duration,
        warmup=args.warmup,
        workers=args.workers,
        database_url=args.database_url,
        seed_cases=args.seed_cases,
        scenarios=SCENARIOS if args.scenario == "all" else (args.scenario,),
    )


def exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Turned into an exception so that the context managers stop the servers and drop the database.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    try:
        measurements = run(options)
    except KeyboardInterrupt:
        print("interrupted; servers stopped and database dropped", file=sys.stderr)
        return 130
    print(report(measurements, options))
    return 0


if __name__ == "__main__":
    sys.exit(main())
