"""Test support: throwaway databases and a real casedesk server in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, MetaData, Table, create_engine, delete, insert, select, text
from sqlalchemy.engine import make_url

from casedesk.adapters.db.engine import build_engine
from casedesk.adapters.db.migrate import upgrade_to_head
from casedesk.config import Settings

# Where the suite runs: SQLite by default, PostgreSQL when this names a server, e.g.
# postgresql://postgres@127.0.0.1:5432/postgres (each run creates and drops its own database).
TEST_DATABASE_ENV = "CASEDESK_TEST_DATABASE_URL"


def backend() -> str:
    url = os.environ.get(TEST_DATABASE_ENV, "")
    return "postgresql" if url.startswith("postgres") else "sqlite"


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Yields the URL of a new, empty database that is removed afterwards."""
    base = os.environ.get(TEST_DATABASE_ENV, "")
    if not base.startswith("postgres"):
        with tempfile.TemporaryDirectory(prefix="casedesk-test-") as folder:
            yield f"sqlite:///{Path(folder) / 'casedesk.db'}"
        return
    name = f"casedesk_test_{uuid.uuid4().hex[:12]}"
    admin_url = make_url(base).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class DatabaseTemplate:
    """A fresh install's database (every migration applied), for tests that each need one of
    their own without paying for the migrations each time.

    On SQLite each use gets a copy of the migrated file. On PostgreSQL one migrated database
    serves the test process: each use first puts it back to what the migrations left (every
    table emptied and refilled with the migrations' rows, every sequence where it was), about
    5 ms. A database per test created from this one as a template would be as exact, but
    CREATE DATABASE writes and syncs whole files: 25 ms on an idle machine and 400 ms on a busy
    one, measured here."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self._engine = engine
        self._contents = Contents.read(engine) if engine is not None else None
        self._in_use = False

    @contextmanager
    def fresh(self) -> Iterator[str]:
        """Yields the URL of a database holding exactly what the template holds, the caller's
        alone until it leaves (one use at a time on PostgreSQL)."""
        if self._engine is None or self._contents is None:
            with tempfile.TemporaryDirectory(prefix="casedesk-test-") as folder:
                path = Path(folder) / "casedesk.db"
                shutil.copyfile(str(make_url(self.url).database), path)
                yield f"sqlite:///{path}"
            return
        if self._in_use:
            raise RuntimeError("the PostgreSQL template database serves one use at a time")
        self._in_use = True
        try:
            self._contents.restore(self._engine)
            yield self.url
        finally:
            self._in_use = False


@dataclass(frozen=True)
class Contents:
    """Every row and sequence position of a PostgreSQL database, to put it back as it was."""

    tables: list[Table]  # parents before children
    rows: dict[str, list[dict[str, Any]]]
    sequences: list[tuple[str, int, int | None]]  # name, start, last value handed out

    @classmethod
    def read(cls, engine: Engine) -> Contents:
        schema = MetaData()
        schema.reflect(engine)
        with engine.connect() as conn:
            rows = {
                table.name: [dict(row) for row in conn.execute(select(table)).mappings()]
                for table in schema.sorted_tables
            }
            sequences = conn.execute(text("SELECT sequencename, start_value, last_value FROM pg_sequences"))
            return cls(schema.sorted_tables, rows, [(name, start, last) for name, start, last in sequences])

    def restore(self, engine: Engine) -> None:
        with engine.begin() as conn:
            for table in reversed(self.tables):
                conn.execute(delete(table))
            for table in self.tables:
                if self.rows[table.name]:
                    conn.execute(insert(table), self.rows[table.name])
            for name, start, last in self.sequences:
                conn.execute(
                    text("SELECT setval(:name, :value, :called)"),
                    {"name": name, "value": start if last is None else last, "called": last is not None},
                )


@contextmanager
def migrated_template() -> Iterator[DatabaseTemplate]:
    """A fresh install's database on the suite's backend, to hand out with `fresh()`."""
    with throwaway_database() as url:
        engine = build_engine(url, pool_size=1)
        upgrade_to_head(engine)
        if url.startswith("sqlite"):
            # Closing the last connection checkpoints the write-ahead log into the file, so
            # that the file alone is the database.
            engine.dispose()
            if Path(f"{make_url(url).database}-wal").exists():
                raise RuntimeError("the template's write-ahead log was not checkpointed")
            yield DatabaseTemplate(url)
            return
        try:
            yield DatabaseTemplate(url, engine)
        finally:
            engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def casedesk(
    database_url: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASEDESK_DATABASE_URL": database_url, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "casedesk", *args], env=env, capture_output=True, text=True, timeout=120
    )


@dataclass(frozen=True)
class Keys:
    """A key pair as `casedesk keys create --json` prints it (`id`: the application key's),
    with its user's id when the maker knows it (`init --json` and `accounts.new_keys` do)."""

    api_key: str
    app_key: str
    id: str = ""
    scopes: tuple[str, ...] = ()
    user_id: str = ""

    @classmethod
    def parse(cls, printed: dict[str, Any], user_id: str = "") -> Keys:
        assert set(printed) - {"user_id"} == {"id", "api_key", "app_key", "scopes"}, printed
        return cls(
            api_key=printed["api_key"],
            app_key=printed["app_key"],
            id=printed["id"],
            scopes=tuple(printed["scopes"]),
            user_id=printed.get("user_id", user_id),
        )


@dataclass(frozen=True)
class Server:
    url: str
    database_url: str
    admin: Keys
    # Where the server keeps its secret key file (CASEDESK_DATA_DIR).
    data_dir: str = ""

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`casedesk` on the server's database, with its data directory (its secret key)."""
        return casedesk(self.database_url, *args, env={"CASEDESK_DATA_DIR": self.data_dir})

    def settings(self) -> Settings:
        """A container's settings on the server's database, which read what the server wrote."""
        return Settings(database_url=self.database_url, data_dir=self.data_dir, outbound_allow=OUTBOUND_ALLOW)


# The private range the suite's servers may send to: the loopback receivers of the tests.
OUTBOUND_ALLOW = "127.0.0.0/8"


@contextmanager
def running_server(
    database_url: str, extra_env: dict[str, str] | None = None, args: tuple[str, ...] = ()
) -> Iterator[Server]:
    """`casedesk init` then `casedesk serve` on a free loopback port, as a user would;
    `extra_env` adds settings (CASEDESK_…) to the server's environment, or replaces them;
    `args` are more options of `serve` (`--no-worker`, `--workers 2`)."""
    done = casedesk(
        database_url, "init", "--admin-email", "admin@example.com", "--name", "Ada Admin", "--json"
    )
    if done.returncode != 0:
        raise RuntimeError(f"casedesk init failed: {done.stderr}")
    admin = Keys.parse(json.loads(done.stdout))
    port = free_port()
    # The suite's one admin key makes far more requests a minute than a client should, and on
    # a loaded machine the race tests' queued writers wait seconds for each other's row locks,
    # which PostgreSQL counts against the statement bound. Both limits are tested on an
    # application of their own (tests/integration/test_configured_limits.py).
    data_dir = tempfile.TemporaryDirectory(prefix="casedesk-data-")
    env = {
        **os.environ,
        "CASEDESK_DATABASE_URL": database_url,
        "CASEDESK_RATE_LIMIT": "10000000",
        "CASEDESK_STATEMENT_TIMEOUT_MS": "120000",
        "CASEDESK_OUTBOUND_ALLOW": OUTBOUND_ALLOW,
        "CASEDESK_DATA_DIR": data_dir.name,
        **(extra_env or {}),
    }
    url = f"http://127.0.0.1:{port}"
    with data_dir, tempfile.NamedTemporaryFile(prefix="casedesk-serve-", suffix=".log") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "casedesk", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(url, process, log.name)
            yield Server(url=url, database_url=database_url, admin=admin, data_dir=data_dir.name)
        finally:
            stop_process(process, timeout=10)


def wait_until_up(url: str, process: subprocess.Popen[bytes], log_path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("casedesk serve exited:\n" + Path(log_path).read_text())
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("casedesk serve did not come up:\n" + Path(log_path).read_text())


@contextmanager
def serving_in_thread(app: Any) -> Iterator[str]:
    """`app` under uvicorn, configured as `casedesk serve` configures it, on a loopback port in
    a thread of this process (so the test sees the app's engine); yields its base URL."""
    import threading

    import uvicorn

    from casedesk.entrypoints.http.serving import config

    port = free_port()
    server = uvicorn.Server(config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the app stopped while starting")
        if time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# -- Prometheus scrapes ---------------------------------------------------------------------

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def metric_samples(response: httpx.Response) -> Samples:
    """Every sample of a 200 scrape in Prometheus' text format, by name and labels."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def metric_value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def stop_process(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM, then SIGKILL when it has not exited within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
