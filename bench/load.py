"""A closed-loop HTTP/1.1 load generator.

Each of N clients holds one keep-alive connection and sends its next request as soon as the
previous answer has arrived. The client is a few lines over asyncio streams (uvloop when it is
installed) with pre-built request bytes, so that on a small machine it takes a small share of
the CPU the server and the database need; its CPU use is reported beside the figures so that
this can be checked rather than assumed.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

REQUEST_TIMEOUT_S = 30.0
ERROR_PAUSE_S = 0.01

RequestFactory = Callable[[int], bytes]
"""Builds the complete request (head and body) for the n-th request of a run."""


class Meter(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


class HttpConnection:
    """One keep-alive HTTP/1.1 connection; reconnects after errors or `Connection: close`."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.reader, self.writer
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip().lower()
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            body = await self._read_chunked(reader)
        elif status in (204, 304) or status < 200:
            body = b""
        else:
            body = await reader.read()
            headers["connection"] = "close"
        if headers.get("connection") == "close":
            await self.close()
        return status, body

    @staticmethod
    async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")  # no trailers are sent by uvicorn
                return b"".join(parts)
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)

    async def close(self) -> None:
        writer, self.reader, self.writer = self.writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def build_request(
    method: str, target: str, host: str, headers: dict[str, str], body: bytes | None = None
) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an ascending sequence (NaN when it is empty)."""
    if not ordered:
        return float("nan")
    rank = max(int(-(-q * len(ordered) // 100)), 1)  # ceil(q/100 * n), at least 1
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Result:
    window_s: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + self.errors

    @property
    def rps(self) -> float:
        """Successful answers per second of the measured window."""
        return len(self.latencies_ms) / self.window_s

    def p(self, q: float) -> float:
        return percentile(sorted(self.latencies_ms), q)


T = TypeVar("T")


def run_async(main: Coroutine[Any, Any, T]) -> T:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


def run_load(
    host: str,
    port: int,
    factory: RequestFactory,
    *,
    clients: int,
    duration_s: float,
    warmup_s: float,
    meters: Sequence[Meter] = (),
) -> Result:
    """Drives `clients` connections for `warmup_s + duration_s`; only answers that arrive
    within the last `duration_s` are counted, and `meters` are started and stopped around
    exactly that window."""
    return run_async(_drive(host, port, factory, clients, duration_s, warmup_s, meters))


async def _drive(
    host: str,
    port: int,
    factory: RequestFactory,
    clients: int,
    duration_s: float,
    warmup_s: float,
    meters: Sequence[Meter],
) -> Result:
    result = Result(window_s=duration_s)
    sequence = itertools.count()
    now = time.perf_counter()
    window_start, window_end = now + warmup_s, now + warmup_s + duration_s

    async def client() -> None:
        connection = HttpConnection(host, port)
        try:
            while time.perf_counter() < window_end:
                request = factory(next(sequence))
                started = time.perf_counter()
                error: str | None = None
                try:
                    async with asyncio.timeout(REQUEST_TIMEOUT_S):
                        status, body = await connection.exchange(request)
                    if not 200 <= status < 300:
                        error = f"HTTP {status}: {body[:300]!r}"
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError) as exc:
                    error = f"{type(exc).__name__}: {exc}"
                    await connection.close()
                finished = time.perf_counter()
                if window_start <= finished <= window_end:
                    if error is None:
                        result.latencies_ms.append((finished - started) * 1000)
                    else:
                        result.errors += 1
                        result.first_error = result.first_error or error
                if error is not None:
                    # A refused or broken connection fails at once; do not spin on it.
                    await asyncio.sleep(ERROR_PAUSE_S)
        finally:
            await connection.close()

    async def window() -> None:
        await asyncio.sleep(max(window_start - time.perf_counter(), 0))
        for meter in meters:
            meter.start()
        await asyncio.sleep(max(window_end - time.perf_counter(), 0))
        for meter in meters:
            meter.stop()

    await asyncio.gather(window(), *(client() for _ in range(clients)))
    return result
