"""Throwaway databases, server subprocesses and the meters read around a measured window.

Everything here is undone on the way out, whether the run ends, fails or is interrupted:
databases are dropped (`WITH (FORCE)`) and each server is started in its own session so that
its whole process group (uvicorn's supervisor and workers) can be stopped by group id.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bench.dataset import psycopg_url

REPO_ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Keys:
    user_id: str
    api_key: str
    app_key: str


@dataclass(frozen=True)
class Server:
    name: str
    url: str
    port: int
    pid: int
    log_path: Path


def admin_engine(admin_url: str) -> Engine:
    return create_engine(psycopg_url(admin_url), isolation_level="AUTOCOMMIT", poolclass=NullPool)


@contextmanager
def throwaway_database(admin_url: str, *, keep: bool = False) -> Iterator[str]:
    """Yields the URL of a new, empty database on the server `admin_url` names; it is dropped
    afterwards unless `keep` (for looking at plans by hand after a long load)."""
    name = f"casedesk_bench_{uuid.uuid4().hex[:12]}"
    admin = admin_engine(admin_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with deferred_interrupts(), admin.connect() as conn:
            if not keep:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def server_env(database_url: str) -> dict[str, str]:
    # A load run sends far more requests a minute with one key than the default rate limit
    # lets a client send; the benchmarks measure the server, not the limit.
    return {**os.environ, "CASEDESK_DATABASE_URL": database_url, "CASEDESK_RATE_LIMIT": "0"}


def casedesk_init(database_url: str, email: str) -> Keys:
    done = subprocess.run(
        [sys.executable, "-m", "casedesk", "init", "--admin-email", email, "--json"],
        env=server_env(database_url),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"casedesk init failed:\n{done.stderr}")
    printed = json.loads(done.stdout)
    return Keys(user_id=printed["user_id"], api_key=printed["api_key"], app_key=printed["app_key"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(
    name: str, argv: list[str], database_url: str, log_dir: Path, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Runs `argv --host 127.0.0.1 --port P` until the block ends; output goes to a log file
    (a pipe nobody reads would fill up and stall the server mid-run). `env` adds settings
    (CASEDESK_…) to the server's environment."""
    port = free_port()
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*argv, "--host", "127.0.0.1", "--port", str(port)],
            env={**server_env(database_url), **(env or {})},
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, process, log_path)
        yield Server(name=name, url=url, port=port, pid=process.pid, log_path=log_path)
    finally:
        stop_group(process)


def wait_until_up(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{process.args!r} did not come up:\n{log_path.read_text()}")


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (its id is the server's pid), then SIGKILL to
    whatever of the group is left after the grace period (a hung supervisor, a stray worker)."""
    with deferred_interrupts():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT_S)
        # While the group has a member it is still ours: a group id cannot be reused before.
        if process.poll() is None or group_pids(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Holds Ctrl-C and SIGTERM back until the block (a cleanup) has finished, then raises
    them, so that a second Ctrl-C cannot leave a server running or a database behind."""
    caught: list[int] = []
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    for sig in previous:
        signal.signal(sig, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler is not None:
                signal.signal(sig, handler)
    if caught:
        signal.raise_signal(caught[0])


# -- meters ------------------------------------------------------------------------------


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces and parentheses; the fields after it do not.
    return raw[raw.rindex(")") + 2 :].split()


def process_cpu_seconds(pid: int, *, reaped_children: bool = False) -> float | None:
    """utime + stime of a process, plus those of its children it has reaped when asked."""
    fields = _stat_fields(pid)
    if fields is None:
        return None
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def _parent(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[1]) if fields is not None else None


def group_pids(pgid: int) -> list[int]:
    return [pid for pid, fields in _all_stats() if int(fields[2]) == pgid]


def _all_stats() -> Iterator[tuple[int, list[str]]]:
    if not Path("/proc").is_dir():
        return
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                yield int(entry.name), fields


class CpuMeter:
    """CPU seconds a set of processes used between `start` and `stop` (Linux /proc); the set
    is taken at `start`, which suits a server's long-lived process group."""

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        self.pids = pids
        self.before: dict[int, float] = {}
        self.seconds: float | None = None

    def start(self) -> None:
        self.before = {}
        for pid in self.pids():
            cpu = process_cpu_seconds(pid)
            if cpu is not None:
                self.before[pid] = cpu

    def stop(self) -> None:
        used = [(process_cpu_seconds(pid) or before) - before for pid, before in self.before.items()]
        self.seconds = sum(used) if used else None


class OwnCpuMeter:
    """CPU seconds this process (the load generator) used between `start` and `stop`."""

    def __init__(self) -> None:
        self.before = 0.0
        self.seconds: float | None = None

    def start(self) -> None:
        self.before, self.seconds = time.process_time(), None

    def stop(self) -> None:
        self.seconds = time.process_time() - self.before


class MachineCpuMeter:
    """Busy CPU seconds of the whole machine (all cores, from /proc/stat) between `start` and
    `stop`; what the servers, the database and the client did not use was someone else's."""

    def __init__(self) -> None:
        self.before: float | None = None
        self.seconds: float | None = None

    @staticmethod
    def _busy() -> float | None:
        try:
            first = Path("/proc/stat").read_text().splitlines()[0].split()
        except OSError:
            return None
        ticks = [int(v) for v in first[1:]]
        idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
        # guest time is already counted in user time
        return (sum(ticks[:8]) - idle) / CLOCK_TICKS

    def start(self) -> None:
        self.before, self.seconds = self._busy(), None

    def stop(self) -> None:
        after = self._busy()
        if self.before is not None and after is not None:
            self.seconds = after - self.before


class PostgresCpuMeter:
    """CPU seconds the whole local PostgreSQL server used between `start` and `stop`.

    Backends come and go (a pool that overflows opens and closes connections under load),
    so rather than following backends this reads the postmaster: its live children now, plus
    what it has accumulated from children it reaped. It therefore counts every database and
    the background writers too; run the benchmark on an otherwise quiet server."""

    def __init__(self, backend_pid: Callable[[], int | None]) -> None:
        self.backend_pid = backend_pid
        self.postmaster: int | None = None
        self.before = 0.0
        self.seconds: float | None = None

    def _total(self, postmaster: int) -> float:
        total = process_cpu_seconds(postmaster, reaped_children=True) or 0.0
        for _pid, fields in _all_stats():
            if int(fields[1]) == postmaster:
                total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        return total

    def start(self) -> None:
        self.postmaster, self.seconds = None, None
        pid = self.backend_pid()
        parent = _parent(pid) if pid is not None else None
        if parent is not None and Path(f"/proc/{parent}/comm").read_text().startswith("postgres"):
            self.postmaster = parent
            self.before = self._total(parent)

    def stop(self) -> None:
        if self.postmaster is not None:
            self.seconds = self._total(self.postmaster) - self.before


class ActivitySampler:
    """Watches one database from a connection to another (so as not to count itself):
    pg_stat_activity sampled every `interval` seconds on a thread tells how many backends were
    running a statement, waiting on a lock, or idle inside an open transaction while the
    application did something else; pg_stat_database read at `start` and `stop` counts the
    transactions and the new connections (sessions) of the window."""

    ACTIVITY = text(
        """
        SELECT count(*) FILTER (WHERE state = 'active'),
               count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock'),
               count(*) FILTER (WHERE state LIKE 'idle in transaction%')
          FROM pg_stat_activity
         WHERE datname = :db
        """
    )
    COUNTERS = text("SELECT xact_commit + xact_rollback, sessions FROM pg_stat_database WHERE datname = :db")
    BACKENDS = text("SELECT pid FROM pg_stat_activity WHERE datname = :db")

    def __init__(self, admin_url: str, database: str, interval: float = 0.1) -> None:
        self.engine = admin_engine(admin_url)
        self.database = database
        self.interval = interval
        self.samples: list[tuple[int, int, int]] = []
        self.counters_at_start: tuple[int, int] = (0, 0)
        self.transactions = 0
        self.sessions = 0
        self.halt = threading.Event()
        self.thread: threading.Thread | None = None

    def backend_pid(self) -> int | None:
        """The pid of a backend serving the watched database (None if the server is remote)."""
        host = self.engine.url.host
        if host not in (None, "", "localhost", "127.0.0.1", "::1"):
            return None
        with self.engine.connect() as conn:
            pid = conn.execute(self.BACKENDS, {"db": self.database}).scalars().first()
        return int(pid) if pid is not None else None

    def _counters(self) -> tuple[int, int]:
        with self.engine.connect() as conn:
            row = conn.execute(self.COUNTERS, {"db": self.database}).one()
        return int(row[0]), int(row[1])

    def start(self) -> None:
        self.samples = []
        self.counters_at_start = self._counters()
        self.halt.clear()
        self.thread = threading.Thread(target=self._run, name="pg-activity", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.halt.set()
        if self.thread is not None:
            self.thread.join()
            self.thread = None
            transactions, sessions = self._counters()
            self.transactions = transactions - self.counters_at_start[0]
            self.sessions = sessions - self.counters_at_start[1]

    def _run(self) -> None:
        with self.engine.connect() as conn:
            while not self.halt.wait(self.interval):
                row = conn.execute(self.ACTIVITY, {"db": self.database}).one()
                self.samples.append((int(row[0]), int(row[1]), int(row[2])))

    def means(self) -> tuple[float, float, float] | None:
        """Mean number of backends (active, waiting on a lock, idle in transaction)."""
        if not self.samples:
            return None
        n = len(self.samples)
        return (
            sum(s[0] for s in self.samples) / n,
            sum(s[1] for s in self.samples) / n,
            sum(s[2] for s in self.samples) / n,
        )

    def close(self) -> None:
        self.stop()
        self.engine.dispose()
