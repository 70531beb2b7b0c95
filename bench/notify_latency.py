"""Latency from a case change to its webhook receiver, with the in-process worker.

    .venv/bin/python -m bench.notify_latency [--database-url URL|sqlite] [--changes N]
                                             [--interval S] [--through-http]

Migrates a throwaway database, starts the worker in a thread of this process (as `casedesk
serve` does), then creates N cases through the message bus one at a time, `--interval` apart,
each matched to one webhook on a loopback receiver. Latency runs from just before the command
is handled to the arrival of the signed POST at the receiver: the commit, the wake-up, the
fan-out, the claim and the send. Prints p50, p99 and the worst, in milliseconds.

`--through-http` measures the whole path a user's change takes instead: it runs `casedesk
init` and a real `casedesk serve` (one process, its in-process worker) on the throwaway
database, configures the webhook through Datadog's integration API and a project
notification rule naming it (CASE_CREATED, the real planner), and creates the cases with
`POST /api/v2/cases` one at a time over one keep-alive connection. Latency runs from the
POST's return to the receiver's arrival (negative when the webhook arrives before the 201);
from the POST's start is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.harness import casedesk_init, running_server
from bench.notify_support import (
    HOOK,
    HookPlanner,
    Receiver,
    admin_and_project,
    container,
    create_case,
    database,
    one_hook,
    percentile,
    receiving,
)
from casedesk.entrypoints.worker_run import WorkerRun

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def measure(url: str, changes: int, interval: float) -> list[float]:
    with database(url) as db_url, receiving() as receiver:
        db = container(db_url)
        try:
            admin, project = admin_and_project(db)
            run = WorkerRun(db.worker(planner=HookPlanner(), destinations=one_hook(receiver.url)))
            stop = run.start_thread()
            try:
                started: dict[int, float] = {}
                for n in range(changes):
                    started[n] = time.perf_counter()
                    create_case(db, admin, project, n)
                    time.sleep(interval)
                if not receiver.wait_for(changes, timeout=60):
                    raise RuntimeError(f"only {receiver.distinct} of {changes} notifications arrived")
            finally:
                stop()
        finally:
            db.close()
        return [(receiver.arrived[n] - started[n]) * 1000 for n in range(changes)]


# -- through HTTP -------------------------------------------------------------------------

HOOKS = "/api/v1/integration/webhooks/configuration/webhooks"
STANDARD_TYPE_ID = "00000000-0000-0000-0000-000000000001"


def configure(http: httpx.Client, receiver: Receiver) -> str:
    """The benchmark webhook (Datadog's integration API) and a project whose rule sends it
    every new case; answers the project's id."""
    made = http.post(HOOKS, json={"name": HOOK, "url": receiver.url})
    made.raise_for_status()
    key = "L" + os.urandom(3).hex().upper()
    project = http.post(
        "/api/v2/cases/projects",
        json={"data": {"type": "project", "attributes": {"name": "Bench", "key": key}}},
    )
    project.raise_for_status()
    project_id = str(project.json()["data"]["id"])
    rule = {
        "is_enabled": True,
        "query": "",
        "recipients": [{"type": "HTTP", "data": {"name": HOOK}}],
        "triggers": [{"type": "CASE_CREATED"}],
    }
    made = http.post(
        f"/api/v2/cases/projects/{project_id}/notification_rules",
        json={"data": {"type": "notification_rule", "attributes": rule}},
    )
    made.raise_for_status()
    return project_id


def case_body(n: int, project_id: str) -> dict[str, Any]:
    return {
        "data": {
            "type": "case",
            "attributes": {"title": f"bench-case-{n}", "type_id": STANDARD_TYPE_ID},
            "relationships": {"project": {"data": {"id": project_id, "type": "project"}}},
        }
    }


def measure_http(url: str, changes: int, interval: float) -> tuple[list[float], list[float]]:
    """(from the POST's return, from its start) to the arrival, in ms, per case."""
    with (
        database(url) as db_url,
        receiving() as receiver,
        tempfile.TemporaryDirectory(prefix="casedesk-latency-") as logs,
    ):
        keys = casedesk_init(db_url, "bench@example.com")
        # The receiver is on loopback, which the outbound address policy refuses by default.
        env = {"CASEDESK_OUTBOUND_ALLOW": "127.0.0.0/8", "CASEDESK_DATA_DIR": logs}
        argv = [sys.executable, "-m", "casedesk", "serve"]
        with running_server("casedesk", argv, db_url, Path(logs), env) as server:
            headers = {"DD-API-KEY": keys.api_key, "DD-APPLICATION-KEY": keys.app_key}
            with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
                project_id = configure(http, receiver)
                sent: dict[int, float] = {}
                returned: dict[int, float] = {}
                for n in range(changes):
                    body = case_body(n, project_id)
                    sent[n] = time.perf_counter()
                    http.post("/api/v2/cases", json=body).raise_for_status()
                    returned[n] = time.perf_counter()
                    time.sleep(interval)
                if not receiver.wait_for(changes, timeout=60):
                    raise RuntimeError(f"only {receiver.distinct} of {changes} notifications arrived")
        return (
            [(receiver.arrived[n] - returned[n]) * 1000 for n in range(changes)],
            [(receiver.arrived[n] - sent[n]) * 1000 for n in range(changes)],
        )


def figures(latencies: list[float]) -> str:
    return (
        f"p50 {percentile(latencies, 50):.1f} ms   p99 {percentile(latencies, 99):.1f} ms"
        f"   max {max(latencies):.1f} ms"
    )


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"or 'sqlite' (default {DEFAULT_URL})")
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--interval", type=float, default=0.02, help="seconds between changes (default 0.02)")
    parser.add_argument(
        "--through-http", action="store_true", help="a real casedesk serve, cases by POST /api/v2/cases"
    )
    args = parser.parse_args()
    backend = "sqlite" if args.database_url.startswith("sqlite") else "postgresql"
    before = load()
    if args.through_http:
        after_return, after_start = measure_http(args.database_url, args.changes, args.interval)
        print(f"POST /api/v2/cases → webhook receiver, casedesk serve, {backend}, {len(after_return)} cases:")
        print(f"  from the POST's return  {figures(after_return)}")
        print(f"  from the POST's start   {figures(after_start)}")
    else:
        latencies = measure(args.database_url, args.changes, args.interval)
        print(f"case change → webhook receiver, in-process worker, {backend}, {len(latencies)} changes:")
        print(f"  {figures(latencies)}")
    print(f"  load average (1, 5, 15 min): before {before}, after {load()}")


if __name__ == "__main__":
    main()
