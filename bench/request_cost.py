"""What one request costs the database: pool checkouts, pings, transactions and statements.

    .venv/bin/python -m bench.request_cost [--database-url URL] [--repeat N]

Runs the real HTTP app (`create_app` under uvicorn, in this process so that the engine's events
can be counted) on a throwaway database: a PostgreSQL one next to the database a
`postgresql://` URL names, or a temporary SQLite file for `sqlite`. Then, one request at a
time over a keep-alive connection, it sends `--repeat` case creations (`POST /api/v2/cases`)
and as many searches (`GET /api/v2/cases?filter=…`), and prints per request:

- checkouts: connections taken from SQLAlchemy's pool (pool `checkout` events);
- pings: round trips checking those connections before use (engine.py pings a connection
  only after a second in the pool, or when the server wrote to it);
- xacts: transactions begun (`begin` events, autobegin included), and how they ended;
- begins: on SQLite, which BEGIN each transaction sent (IMMEDIATE for writes);
- statements: SQL statements sent, not counting BEGIN;
- held: round trips made while holding an identity counter's row lock, from the return of the
  first statement that takes one (`UPDATE counters`, `UPDATE projects SET last_case_number`,
  also as the CTE of a case's insert) to the return of COMMIT, the COMMIT included; under
  concurrent creates every other creator queues behind these round trips, so they bound the
  rate of creation;
- hold ms: the time those round trips and the Python between them took (median);
- lock ms: the same from the start of the statement that takes the lock, so that statement's
  own run included (median; one client, so no wait for the lock): an upper bound of the
  time the lock is held, for a statement that does more after it takes the lock;
- cpu ms: CPU time the server used for the request (median): the process's CPU time less the
  client's thread, so the HTTP server, FastAPI, casedesk, SQLAlchemy and the driver;
- p50 ms: latency from sending the request to reading the whole answer (one client, so
  this is the cost of a request, not throughput).

Counts are taken once the request's connection is back in the pool, so work done after the
answer was sent is counted too. A warm-up request of each kind runs first (the first
connection runs the dialect's own set-up queries).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import Engine, event

from bench.dataset import WORDS, title
from bench.harness import free_port, throwaway_database
from casedesk.bootstrap import Container, bootstrap
from casedesk.config import Settings
from casedesk.domain import users as uc
from casedesk.domain.users import IssuedKeys, Principal
from casedesk.domain.vocab import STANDARD_CASE_TYPE_ID, Scope
from casedesk.entrypoints.http.app import create_app
from casedesk.entrypoints.http.serving import config as serving_config

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SETTLE_TIMEOUT_S = 5.0
# Statements that take the row lock of an identity counter, held until the transaction ends.
COUNTER_LOCK = re.compile(r"\bUPDATE (counters|projects SET last_case_number)\b")


@dataclass
class Tally:
    """What the engine did between two readings."""

    checkouts: int = 0
    pings: int = 0
    begins: int = 0
    commits: int = 0
    rollbacks: int = 0
    statements: int = 0
    held: int = 0  # round trips while holding a counter's row lock, COMMIT included
    hold_s: float = 0.0
    lock_s: float = 0.0  # hold_s and the locking statement's own run
    begin_kinds: Counter[str] = field(default_factory=Counter)


class EngineCounter:
    """Counts an engine's pool checkouts, pings, transactions and statements."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.tally = Tally()
        self._lock = threading.Lock()
        self._held_since: float | None = None  # one request at a time, so one transaction
        self._sent_at = 0.0  # when the statement under way was sent
        self._locked_since: float | None = None
        event.listen(engine, "checkout", self._on_checkout)
        event.listen(engine, "begin", self._on_begin)
        event.listen(engine, "commit", self._on_commit)
        event.listen(engine, "rollback", self._on_rollback)
        event.listen(engine, "before_cursor_execute", self._on_statement)
        event.listen(engine, "after_cursor_execute", self._after_statement)
        # A ping is no event of its own; wrap the dialect's ping of this engine to see it.
        ping: Callable[[Any], bool] = engine.dialect.do_ping

        def counted_ping(dbapi_connection: Any) -> bool:
            self._bump("pings")
            return ping(dbapi_connection)

        setattr(engine.dialect, "do_ping", counted_ping)  # noqa: B010 - an instance attribute
        # Likewise the end of a hold is the return of the DBAPI commit (or rollback).
        commit: Callable[[Any], None] = engine.dialect.do_commit
        rollback: Callable[[Any], None] = engine.dialect.do_rollback

        def timed_commit(dbapi_connection: Any) -> None:
            commit(dbapi_connection)
            self._release(commit=True)

        def timed_rollback(dbapi_connection: Any) -> None:
            rollback(dbapi_connection)
            self._release(commit=False)

        setattr(engine.dialect, "do_commit", timed_commit)  # noqa: B010
        setattr(engine.dialect, "do_rollback", timed_rollback)  # noqa: B010

    def _bump(self, name: str) -> None:
        with self._lock:
            setattr(self.tally, name, getattr(self.tally, name) + 1)

    def _on_checkout(self, *_: Any) -> None:
        self._bump("checkouts")

    def _on_begin(self, _conn: Any) -> None:
        self._bump("begins")

    def _on_commit(self, _conn: Any) -> None:
        self._bump("commits")

    def _on_rollback(self, _conn: Any) -> None:
        self._bump("rollbacks")

    def _on_statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("BEGIN"):
            # SQLite's BEGIN is sent by casedesk's own `begin` listener (engine.py).
            with self._lock:
                self.tally.begin_kinds[statement] += 1
        else:
            self._bump("statements")
            self._sent_at = time.perf_counter()
            if self._held_since is not None:
                self._bump("held")

    def _after_statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if self._held_since is None and COUNTER_LOCK.search(statement):
            self._held_since, self._locked_since = time.perf_counter(), self._sent_at

    def _release(self, *, commit: bool) -> None:
        since, self._held_since = self._held_since, None
        locked, self._locked_since = self._locked_since, None
        if since is not None and locked is not None:
            now = time.perf_counter()
            with self._lock:
                self.tally.hold_s += now - since
                self.tally.lock_s += now - locked
                self.tally.held += commit

    def take(self) -> Tally:
        """The tally since the last call, once every connection is back in the pool."""
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while self.engine.pool.checkedout() and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.001)
        with self._lock:
            tally, self.tally = self.tally, Tally()
        return tally


@contextmanager
def database(url: str) -> Iterator[str]:
    if url.startswith("sqlite"):
        with tempfile.TemporaryDirectory(prefix="casedesk-cost-") as folder:
            yield f"sqlite:///{Path(folder) / 'casedesk.db'}"
    else:
        with throwaway_database(url) as throwaway:
            yield throwaway


@contextmanager
def serving(container: Container) -> Iterator[str]:
    """The real app under uvicorn on a loopback port, in a thread of this process."""
    port = free_port()
    config = serving_config(create_app(container), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def admin_keys(container: Container) -> IssuedKeys:
    container.bus.handle(uc.CreateUser(email="cost@example.com", name="Cost"), Principal.operator())
    keys: IssuedKeys = container.bus.handle(
        uc.CreateKeys(user_email="cost@example.com", scopes=Scope.all(), name="cost"), Principal.operator()
    )
    return keys


def create_body(n: int, project_id: str) -> dict[str, Any]:
    return {
        "data": {
            "type": "case",
            "attributes": {"title": title(n), "type_id": str(STANDARD_CASE_TYPE_ID), "priority": "P3"},
            "relationships": {"project": {"data": {"id": project_id, "type": "project"}}},
        }
    }


@dataclass(frozen=True)
class Row:
    name: str
    tallies: list[Tally]
    latencies_ms: list[float]
    cpu_ms: list[float]


def measure(name: str, counter: EngineCounter, send: Callable[[int], httpx.Response], repeat: int) -> Row:
    send(-1).raise_for_status()  # warm-up, not counted
    counter.take()
    tallies, latencies, cpu = [], [], []
    for n in range(repeat):
        # The client runs on this thread; everything else in the process is the server.
        started, process, client = time.perf_counter(), time.process_time(), time.thread_time()
        answer = send(n)
        latencies.append((time.perf_counter() - started) * 1000)
        tallies.append(counter.take())
        cpu.append(((time.process_time() - process) - (time.thread_time() - client)) * 1000)
        answer.raise_for_status()
    return Row(name, tallies, latencies, cpu)


def run(url: str, repeat: int) -> tuple[str, list[Row]]:
    with database(url) as database_url:
        container = bootstrap(Settings(database_url=database_url), migrate=True)
        try:
            keys = admin_keys(container)
            counter = EngineCounter(container.engine)
            headers = {"DD-API-KEY": keys.api_key, "DD-APPLICATION-KEY": keys.app_key}
            with serving(container) as base, httpx.Client(base_url=base, headers=headers) as client:
                body = {"data": {"type": "project", "attributes": {"name": "Cost", "key": "COST"}}}
                answer = client.post("/api/v2/cases/projects", json=body)
                answer.raise_for_status()
                project_id = answer.json()["data"]["id"]

                def create(n: int) -> httpx.Response:
                    return client.post("/api/v2/cases", json=create_body(n, project_id))

                def search(n: int) -> httpx.Response:
                    word = WORDS[n % len(WORDS)]
                    return client.get("/api/v2/cases", params={"filter": word, "page[size]": 25})

                rows = [
                    measure("create", counter, create, repeat),
                    measure("search", counter, search, repeat),
                ]
            return container.engine.dialect.name, rows
        finally:
            container.close()


def spread(values: list[int]) -> str:
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


def report(backend: str, rows: list[Row], repeat: int) -> str:
    lines = [
        f"request cost on {backend}, {repeat} requests each, one client (per request):",
        f"{'request':<8}{'checkouts':>10}{'pings':>7}{'xacts':>7}{'commits':>9}{'rollbacks':>10}"
        f"{'statements':>11}{'held':>6}{'hold ms':>9}{'lock ms':>9}{'cpu ms':>8}{'p50 ms':>8}  begins",
    ]
    for row in rows:
        t = row.tallies
        kinds: Counter[str] = Counter()
        for tally in t:
            kinds.update(tally.begin_kinds)
        begins = ", ".join(f"{kind} ×{count / len(t):g}" for kind, count in sorted(kinds.items())) or "-"
        lines.append(
            f"{row.name:<8}{spread([x.checkouts for x in t]):>10}{spread([x.pings for x in t]):>7}"
            f"{spread([x.begins for x in t]):>7}{spread([x.commits for x in t]):>9}"
            f"{spread([x.rollbacks for x in t]):>10}{spread([x.statements for x in t]):>11}"
            f"{spread([x.held for x in t]):>6}{statistics.median([x.hold_s * 1000 for x in t]):>9.2f}"
            f"{statistics.median([x.lock_s * 1000 for x in t]):>9.2f}"
            f"{statistics.median(row.cpu_ms):>8.2f}{statistics.median(row.latencies_ms):>8.2f}  {begins}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.request_cost", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_URL,
        help=f"a database on the PostgreSQL server to use, or 'sqlite' (default {DEFAULT_URL})",
    )
    parser.add_argument("--repeat", type=int, default=50, help="requests of each kind (default 50)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    backend, rows = run(args.database_url, args.repeat)
    print(report(backend, rows, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
