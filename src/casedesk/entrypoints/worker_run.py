"""How a delivery worker runs in a process: on the event loop of `casedesk worker`, or in a
thread of its own beside the HTTP server of `casedesk serve`; woken by this process's commits
and, on PostgreSQL, by every process's NOTIFY (a LISTEN connection on a thread)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from casedesk.adapters.db import wakeups
from casedesk.bootstrap import WorkerParts


class WorkerRun:
    """A worker with what it runs on (`Container.worker()`'s parts); the run closes the
    worker's HTTP client when it ends."""

    def __init__(self, parts: WorkerParts) -> None:
        self.worker = parts.worker
        self.client = parts.client
        self.engine = parts.engine

    async def run(self, stop: asyncio.Event) -> None:
        unsubscribe = wakeups.subscribe(self.worker.wake)
        listener = None
        if self.engine.dialect.name == "postgresql":
            listener = wakeups.PgListener(self.engine, self.worker.wake).start()
        try:
            await self.worker.run(stop)
        finally:
            unsubscribe()
            if listener is not None:
                await asyncio.to_thread(listener.stop)
            await self.client.aclose()

    def start_thread(self) -> Callable[[], None]:
        """Runs the worker in a thread of its own (beside an HTTP server); returns the
        function that stops it and waits for the sends in flight."""
        ready = threading.Event()
        loop_box: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []

        async def main() -> None:
            stop = asyncio.Event()
            loop_box.append((asyncio.get_running_loop(), stop))
            ready.set()
            await self.run(stop)

        thread = threading.Thread(target=asyncio.run, args=(main(),), name="casedesk-worker", daemon=True)
        thread.start()
        ready.wait()

        def stop() -> None:
            loop, event = loop_box[0]
            loop.call_soon_threadsafe(event.set)
            thread.join()

        return stop
