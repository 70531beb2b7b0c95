"""A large outbox backlog draining through one worker process, with its memory sampled.

    .venv/bin/python -m bench.notify_backlog [--database-url URL|sqlite] [--events N]
                                             [--sample S] [--concurrency C]

Migrates a throwaway database and writes N outbox events (case changes about N cases, one
webhook destination each) in bulk, in the shape the message bus writes them, then starts one
`bench.notify_worker` process and lets it fan out and deliver everything to a loopback
receiver. Every `--sample` seconds it prints the elapsed time, the deliveries received so far,
the rate since the last sample and the worker's resident memory (Linux /proc); at the end the
drain rate and the memory at the first and last samples.
"""

from __future__ import annotations

import argparse
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from bench.notify_support import database, receiving, rss_mib, start_worker, stop_workers
from casedesk.adapters.db.engine import build_engine
from casedesk.adapters.db.schema import core

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
CHUNK = 5000


def event_row(n: int, project: str, now: datetime) -> dict[str, Any]:
    case_id = uuid.uuid4()
    key = f"{project}-{n + 1}"
    return {
        "event_id": uuid.uuid4(),
        "kind": "case.created",
        "subject_type": "case",
        "subject_id": case_id,
        "actor_id": None,
        "occurred_at": now,
        "payload": {"id": str(case_id), "key": key, "title": f"bench-case-{n}", "status": "OPEN"},
        "state": "pending",
        "attempts": 0,
        "available_at": now,
    }


def write_backlog(url: str, events: int) -> float:
    """Writes `events` outbox rows in chunks; returns the seconds it took."""
    engine = build_engine(url, pool_size=1)
    began, now = time.perf_counter(), datetime.now(UTC)
    try:
        for start in range(0, events, CHUNK):
            with engine.begin() as conn:
                rows = [event_row(n, "BACKLOG", now) for n in range(start, min(start + CHUNK, events))]
                conn.execute(insert(core.outbox), rows)
    finally:
        engine.dispose()
    return time.perf_counter() - began


def drain(url: str, events: int, sample: float, concurrency: int) -> None:
    with database(url) as db_url, receiving() as receiver:
        print(f"writing {events} outbox events ...", flush=True)
        written = write_backlog(db_url, events)
        print(f"  {written:.1f} s ({events / written:.0f} events/s)")
        print(f"{'t s':>7} {'delivered':>10} {'per s':>7} {'worker RSS MiB':>15}", flush=True)
        began = time.perf_counter()
        [worker] = [start_worker(db_url, receiver.url, concurrency=concurrency)]
        series: list[float] = []
        last_count, last_at = 0, began
        try:
            while True:
                done = receiver.wait_for(events, timeout=sample)
                now, count, rss = time.perf_counter(), receiver.distinct, rss_mib(worker.pid)
                if rss is not None:
                    series.append(rss)
                rate = (count - last_count) / (now - last_at)
                shown = "n/a" if rss is None else f"{rss:.1f}"
                print(f"{now - began:7.0f} {count:10d} {rate:7.0f} {shown:>15}", flush=True)
                last_count, last_at = count, now
                if done:
                    break
                if worker.poll() is not None:
                    raise RuntimeError("the worker process died")
        finally:
            stop_workers([worker])
        took = time.perf_counter() - began
        print(f"drained {events} events (fan-out and delivery) in {took:.0f} s: {events / took:.0f}/s")
        if series:
            first, last, peak = series[0], series[-1], max(series)
            print(f"worker RSS: first sample {first:.1f} MiB, last {last:.1f} MiB, max {peak:.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"or 'sqlite' (default {DEFAULT_URL})")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--sample", type=float, default=5.0, help="seconds between samples (default 5)")
    parser.add_argument("--concurrency", type=int, default=40, help="sends in flight (default 40)")
    args = parser.parse_args()
    drain(args.database_url, args.events, args.sample, args.concurrency)


if __name__ == "__main__":
    main()
