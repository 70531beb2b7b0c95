"""What the delivery benchmarks share: a loopback webhook receiver, a planner that sends every
case event to it, a throwaway database, a burst of case changes and worker processes.

The receiver is a small asyncio HTTP/1.1 server on its own thread (keep-alive, answers 200 at
once), so that it is not the limit of what it measures. It records when each request arrived
and the case it was about (the title of every benchmark case carries its number).
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import REPO_ROOT, free_port, throwaway_database
from casedesk.bootstrap import Container, bootstrap
from casedesk.config import Settings
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.notifications.destinations import ChannelKind, Destination
from casedesk.domain.notifications.notices import Notice, NoticeReason
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal, Role
from casedesk.domain.vocab import Scope
from casedesk.services.ports.outbox import OutboxMessage
from casedesk.services.reactions.notify.planned import Planned

SECRET = "whsec_" + "YmVuY2gtYmVuY2gtYmVuY2gtYmVuY2gtYmVuY2gtYmU="
HOOK = "bench"
CASE_NUMBER = re.compile(rb"bench-case-(\d+)")
SETTINGS: dict[str, Any] = {"outbound_allow": "127.0.0.0/8", "worker_poll_ms": 250}


# -- the receiver --------------------------------------------------------------------------


@dataclass
class Receiver:
    """Counts requests and remembers, per case number, when its first request arrived."""

    port: int = field(default_factory=free_port)
    requests: int = 0
    ids: set[str] = field(default_factory=set)
    arrived: dict[int, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @property
    def distinct(self) -> int:
        with self._lock:
            return len(self.ids)

    def record(self, headers: dict[bytes, bytes], body: bytes) -> None:
        now = time.perf_counter()
        found = CASE_NUMBER.search(body)
        with self._lock:
            self.requests += 1
            self.ids.add(headers.get(b"webhook-id", b"").decode())
            if found is not None:
                self.arrived.setdefault(int(found.group(1)), now)

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.distinct < count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                headers: dict[bytes, bytes] = {}
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get(b"content-length", b"0")))
                self.record(headers, body)
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(
        asyncio.start_server(receiver._serve, "127.0.0.1", receiver.port, backlog=512)
    )
    thread = threading.Thread(target=loop.run_forever, name="bench-receiver", daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        asyncio.run_coroutine_threadsafe(_shut(server), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


async def _shut(server: asyncio.Server) -> None:
    """Stops listening and ends the connections still open (the senders' keep-alives)."""
    server.close()
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)


# -- what the worker runs with -------------------------------------------------------------


@dataclass
class HookPlanner:
    """Every case event goes to the one benchmark webhook: the cost of rule matching is not
    what these benchmarks measure (the notification rule tests cover it)."""

    def plan(self, message: OutboxMessage) -> list[Planned]:
        if message.subject_type != "case":
            return []
        payload = message.payload
        notice = Notice(
            event_id=str(message.event_id),
            event_kind=message.kind,
            subject_type=message.subject_type,
            subject_id=str(message.subject_id),
            occurred_at=message.occurred_at.isoformat(),
            title=f"[{payload.get('key')}] {payload.get('title', '')}",
            headline=f"{message.kind} on {message.subject_id}",
            url=f"http://127.0.0.1/cases/{message.subject_id}",
            reason=NoticeReason.RULE,
            subject={"id": str(message.subject_id), "key": payload.get("key"), "title": payload.get("title")},
            change=dict(payload),
        )
        return [Planned(ChannelKind.WEBHOOK, HOOK, notice, None)]


@dataclass
class OneHook:
    destination: Destination

    def find(self, kind: ChannelKind, name: str) -> Destination | None:
        return self.destination if (kind, name) == (ChannelKind.WEBHOOK, HOOK) else None

    def exists(self, kind: ChannelKind, name: str) -> bool:
        return self.find(kind, name) is not None


def one_hook(url: str) -> OneHook:
    return OneHook(Destination(ChannelKind.WEBHOOK, HOOK, {"url": url}, {"signing_secret": SECRET}))


# -- databases and case changes ------------------------------------------------------------


@contextmanager
def database(url: str) -> Iterator[str]:
    """A migrated throwaway database: a temporary SQLite file for `sqlite`, else a new
    database next to the one `url` names."""
    if url.startswith("sqlite"):
        with tempfile.TemporaryDirectory(prefix="casedesk-notify-") as folder:
            yield migrated(f"sqlite:///{Path(folder) / 'casedesk.db'}")
    else:
        with throwaway_database(url) as throwaway:
            yield migrated(throwaway)


def migrated(url: str) -> str:
    subprocess.run(
        [sys.executable, "-m", "casedesk", "migrate"],
        env={**os.environ, "CASEDESK_DATABASE_URL": url},
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    return url


def container(url: str, **settings: Any) -> Container:
    return bootstrap(Settings(database_url=url, **{**SETTINGS, **settings}))


def admin_and_project(db: Container) -> tuple[Principal, str]:
    email = f"bench.{uuid.uuid4().hex[:8]}@example.com"
    user_id = db.bus.handle(uc.CreateUser(email=email, name="Bench", role=Role.ADMIN), Principal.operator())
    admin = Principal(user_id=user_id, email=email, scopes=Scope.all())
    key = "B" + uuid.uuid4().hex[:6].upper()
    db.bus.handle(pc.CreateProject(name="Bench", key=key), admin)
    return admin, key


def create_case(db: Container, admin: Principal, project: str, n: int) -> None:
    db.bus.handle(c.CreateCase(title=f"bench-case-{n}", project=project), admin)


def record_backlog(db: Container, count: int, *, report_every: int = 0) -> float:
    """Creates `count` cases (one outbox event each); returns the seconds it took."""
    admin, project = admin_and_project(db)
    began = time.perf_counter()
    for n in range(count):
        create_case(db, admin, project, n)
        if report_every and (n + 1) % report_every == 0:
            print(f"  recorded {n + 1} events", flush=True)
    return time.perf_counter() - began


# -- worker processes ----------------------------------------------------------------------


def start_worker(url: str, hook_url: str, *, concurrency: int, **env: str) -> subprocess.Popen[str]:
    """`python -m bench.notify_worker` on `url`, returning once it is ready."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.notify_worker", hook_url, str(concurrency)],
        env={**os.environ, "CASEDESK_DATABASE_URL": url, "CASEDESK_OUTBOUND_ALLOW": "127.0.0.0/8", **env},
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        process.kill()
        raise RuntimeError("the worker process did not start")
    return process


def stop_workers(processes: list[subprocess.Popen[str]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time a process has used so far (Linux /proc), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the command name: state is field 3, utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float | None:
    """Resident memory of a process (Linux /proc), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]
