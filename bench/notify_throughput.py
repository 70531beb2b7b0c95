"""Deliveries per second from a recorded backlog, with one and with two worker processes.

    .venv/bin/python -m bench.notify_throughput [--database-url URL|sqlite] [--events N]
                                                [--workers 1,2] [--concurrency C]

For each worker count: migrates a throwaway database, records N case changes through the
message bus (one outbox event each, one webhook destination each), fans them all out into
deliveries in this process (timed on its own), then starts the `bench.notify_worker`
processes and times, from when they are all ready, until the loopback receiver has every
delivery. Prints events/s of the fan-out, deliveries/s of the send, the worker processes' CPU
time per delivery (user + system, from /proc; steadier than the rate on a shared machine)
and the load average at the end.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from datetime import UTC, datetime

from bench.notify_support import (
    HookPlanner,
    container,
    cpu_seconds,
    database,
    receiving,
    record_backlog,
    start_worker,
    stop_workers,
)
from casedesk.services.reactions.notify.fanout import PlanFor

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def fan_out_all(url: str, events: int) -> float:
    """Fans the whole backlog out; returns the seconds it took."""
    db = container(url)
    try:
        plan = PlanFor(HookPlanner())
        began, fanned = time.perf_counter(), 0
        while fanned < events:
            done = db.delivery_queue.fan_out(plan, "bench", datetime.now(UTC), 500)
            if not done.messages and not done.failed:
                raise RuntimeError(f"only {fanned} of {events} events fanned out")
            fanned += done.messages + done.failed
        return time.perf_counter() - began
    finally:
        db.close()


def workers_cpu(processes: list[subprocess.Popen[str]]) -> float:
    return sum(cpu_seconds(p.pid) or 0.0 for p in processes)


def one_run(url: str, events: int, workers: int, concurrency: int) -> tuple[float, float, float, float, int]:
    """(record s, fan-out s, delivery s, worker CPU s while delivering, deliveries timed) for
    one worker count on a fresh database."""
    with database(url) as db_url, receiving() as receiver:
        db = container(db_url)
        try:
            recorded = record_backlog(db, events)
        finally:
            db.close()
        fanned = fan_out_all(db_url, events)
        processes = [start_worker(db_url, receiver.url, concurrency=concurrency) for _ in range(workers)]
        try:
            # Timed from when every worker is ready: start-up (imports, bootstrap) left out,
            # and so are the few deliveries the first worker made while the others started.
            began, before = time.perf_counter(), receiver.distinct
            started_cpu = workers_cpu(processes)
            if not receiver.wait_for(events, timeout=events):
                raise RuntimeError(f"only {receiver.distinct} of {events} deliveries arrived")
            sent = time.perf_counter() - began
            cpu = workers_cpu(processes) - started_cpu
        finally:
            stop_workers(processes)
        return recorded, fanned, sent, cpu, events - before


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"or 'sqlite' (default {DEFAULT_URL})")
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated")
    parser.add_argument("--concurrency", type=int, default=40, help="sends in flight per worker (default 40)")
    args = parser.parse_args()
    backend = "sqlite" if args.database_url.startswith("sqlite") else "postgresql"
    print(f"{args.events} events × 1 webhook on {backend}, concurrency {args.concurrency} per worker:")
    print("workers  record ev/s  fan-out ev/s  deliveries/s  worker CPU ms/delivery  (delivery s)")
    for workers in (int(w) for w in args.workers.split(",")):
        recorded, fanned, sent, cpu, timed = one_run(
            args.database_url, args.events, workers, args.concurrency
        )
        print(
            f"{workers:7d}  {args.events / recorded:11.0f}  {args.events / fanned:12.0f}"
            f"  {timed / sent:12.0f}  {cpu * 1000 / timed:22.2f}  ({sent:.1f} s)",
            flush=True,
        )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
