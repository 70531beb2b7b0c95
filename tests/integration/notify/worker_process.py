"""A delivery worker process for the tests that kill one: `python -m
tests.integration.notify.worker_process HOOK_URL SECRET`, on the database and settings of the
environment (CASEDESK_*), with the tests' planner and destinations (support.py says why)."""

from __future__ import annotations

import asyncio
import signal
import sys

from casedesk.bootstrap import bootstrap
from casedesk.entrypoints.worker_run import WorkerRun
from tests.integration.notify.support import HookPlanner, StaticDestinations, webhook


def main() -> None:
    url, secret = sys.argv[1], sys.argv[2]
    destinations = StaticDestinations()
    destinations.add(webhook("ops", url, secret))
    container = bootstrap()
    run = WorkerRun(container.worker(planner=HookPlanner(["ops"]), destinations=destinations))

    async def work() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        print("ready", flush=True)
        await run.run(stop)

    try:
        asyncio.run(work())
    finally:
        container.close()


if __name__ == "__main__":
    main()
