"""Latency from a case change to its webhook receiver, with the in-process worker.

    .venv/bin/python -m bench.notify_latency [--database-url URL|sqlite] [--changes N]
                                             [--interval S]

Migrates a throwaway database, starts the worker in a thread of this process (as `casedesk
serve` does), then creates N cases through the message bus one at a time, `--interval` apart,
each matched to one webhook on a loopback receiver. Latency runs from just before the command
is handled to the arrival of the signed POST at the receiver: the commit, the wake-up, the
fan-out, the claim and the send. Prints p50, p99 and the worst, in milliseconds.
"""

from __future__ import annotations

import argparse
import time

from bench.notify_support import (
    HookPlanner,
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"or 'sqlite' (default {DEFAULT_URL})")
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--interval", type=float, default=0.02, help="seconds between changes (default 0.02)")
    args = parser.parse_args()
    latencies = measure(args.database_url, args.changes, args.interval)
    backend = "sqlite" if args.database_url.startswith("sqlite") else "postgresql"
    print(f"case change → webhook receiver, in-process worker, {backend}, {len(latencies)} changes:")
    print(
        f"  p50 {percentile(latencies, 50):.1f} ms   p99 {percentile(latencies, 99):.1f} ms"
        f"   max {max(latencies):.1f} ms"
    )


if __name__ == "__main__":
    main()
