"""A delivery worker process for the delivery benchmarks: `python -m bench.notify_worker
HOOK_URL CONCURRENCY`, on the database and settings of the environment (CASEDESK_*), with the
benchmarks' planner and webhook (notify_support.py). Prints `ready`, works until SIGTERM.
With BENCH_PROFILE=FILE set, the work runs under cProfile and its statistics go to FILE."""

from __future__ import annotations

import asyncio
import cProfile
import os
import signal
import sys

from bench.notify_support import HookPlanner, one_hook
from casedesk.bootstrap import bootstrap
from casedesk.entrypoints.worker_run import WorkerRun


def main() -> None:
    hook_url, concurrency = sys.argv[1], int(sys.argv[2])
    container = bootstrap()
    parts = container.worker(planner=HookPlanner(), destinations=one_hook(hook_url), concurrency=concurrency)
    run = WorkerRun(parts)

    async def work() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        print("ready", flush=True)
        await run.run(stop)

    profile_to = os.environ.get("BENCH_PROFILE")
    profiler = cProfile.Profile() if profile_to else None
    try:
        if profiler is not None:
            profiler.enable()
        asyncio.run(work())
    finally:
        if profiler is not None and profile_to:
            profiler.disable()
            profiler.dump_stats(profile_to)
        container.close()


if __name__ == "__main__":
    main()
