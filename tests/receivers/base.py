"""What every fake receiver shares: a thread running uvicorn on a loopback port, scripted
answers, token-bucket rate limits on a clock a test may set, and the /_fake routes."""

from __future__ import annotations

import asyncio
import math
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass(frozen=True)
class Scripted:
    """An answer given instead of the real one to the next request for `route` (any route
    when None). `json` wins over `text`; `delay` seconds pass before answering."""

    status: int = 200
    json: Any = None
    text: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    route: str | None = None
    delay: float = 0.0

    def response(self) -> Response:
        if self.json is not None:
            return JSONResponse(self.json, status_code=self.status, headers=self.headers)
        return Response(self.text, status_code=self.status, headers=self.headers)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scripted:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class ManualClock:
    """A clock that moves only when told, so rate limits are exact in tests."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Buckets:
    """Token buckets per key: `burst` requests at once, refilled at `rate` per second."""

    def __init__(self, rate: float, burst: float, clock: Callable[[], float]) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self._state: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float | None:
        """None when a token was taken, else the seconds until one is there."""
        now = self.clock()
        tokens, last = self._state.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1:
            self._state[key] = (tokens - 1, now)
            return None
        self._state[key] = (tokens, now)
        return (1 - tokens) / self.rate


def retry_after_header(wait: float) -> dict[str, str]:
    return {"Retry-After": str(max(1, math.ceil(wait)))}


class Fake:
    """A receiver's shared state and plumbing; subclasses add the vendor's routes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.clock: Callable[[], float] = time.monotonic
        self._script: deque[Scripted] = deque()
        self.requests: list[dict[str, Any]] = []

    def reset(self) -> None:
        """Back to the state a new fake starts in (configuration included)."""
        with self.lock:
            self._script.clear()
            self.requests.clear()
            self.clock = time.monotonic
            self._reset()

    def _reset(self) -> None:
        raise NotImplementedError

    def script(self, *answers: Scripted) -> None:
        """Queues answers for the next matching requests, in order."""
        with self.lock:
            self._script.extend(answers)

    def scripted(self, route: str) -> Scripted | None:
        """Takes the first queued answer meant for `route` (or for any route)."""
        with self.lock:
            for answer in self._script:
                if answer.route in (None, route):
                    self._script.remove(answer)
                    return answer
        return None

    async def answer_scripted(self, route: str) -> Response | None:
        answer = self.scripted(route)
        if answer is None:
            return None
        if answer.delay:
            await asyncio.sleep(answer.delay)
        return answer.response()

    def record(self, request: Request, route: str, body: bytes) -> None:
        entry = {
            "route": route,
            "path": request.url.path,
            "headers": dict(request.headers),
            "size": len(body),
        }
        with self.lock:
            self.requests.append(entry)

    def read_back(self) -> dict[str, Any]:
        raise NotImplementedError

    def routes(self) -> list[Route]:
        raise NotImplementedError

    def app(self) -> Starlette:
        async def script(request: Request) -> Response:
            self.script(*(Scripted.from_json(item) for item in await request.json()))
            return JSONResponse({"queued": True})

        async def log(request: Request) -> Response:
            with self.lock:
                return JSONResponse({"requests": list(self.requests), **self.read_back()})

        async def reset(request: Request) -> Response:
            self.reset()
            return JSONResponse({"reset": True})

        fake_routes = [
            Route("/_fake/script", script, methods=["POST"]),
            Route("/_fake/log", log, methods=["GET"]),
            Route("/_fake/reset", reset, methods=["POST"]),
        ]
        return Starlette(routes=[*fake_routes, *self.routes()])


@dataclass
class Running:
    """A fake being served; `url` has no trailing slash."""

    fake: Any
    url: str


@contextmanager
def serve(fake: Fake) -> Iterator[Running]:
    """Serves `fake` on 127.0.0.1 on a free port, in a thread, until the block ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(fake.app(), log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake receiver did not start")
        time.sleep(0.01)
    try:
        yield Running(fake, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
