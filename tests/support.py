"""Test support: throwaway databases and a real casedesk server in a subprocess."""

from __future__ import annotations

import json
import os
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

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def casedesk(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASEDESK_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "casedesk", *args], env=env, capture_output=True, text=True, timeout=120
    )


@dataclass(frozen=True)
class Keys:
    user_id: str
    api_key: str
    app_key: str


@dataclass(frozen=True)
class Server:
    url: str
    database_url: str
    admin: Keys


@contextmanager
def running_server(database_url: str) -> Iterator[Server]:
    """`casedesk init` then `casedesk serve` on a free loopback port, as a user would."""
    done = casedesk(
        database_url, "init", "--admin-email", "admin@example.com", "--name", "Ada Admin", "--json"
    )
    if done.returncode != 0:
        raise RuntimeError(f"casedesk init failed: {done.stderr}")
    admin = Keys(**json.loads(done.stdout))
    port = free_port()
    env = {**os.environ, "CASEDESK_DATABASE_URL": database_url}
    url = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile(prefix="casedesk-serve-", suffix=".log") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "casedesk", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(url, process, log.name)
            yield Server(url=url, database_url=database_url, admin=admin)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


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
