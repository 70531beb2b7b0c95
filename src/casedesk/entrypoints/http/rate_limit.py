"""Requests per application key, counted in fixed windows, with Datadog's rate limit headers.

One `FixedWindows` counts for the whole process (both dialects share it, as a key works in
both); `RateLimit` wraps one dialect's application. Counting happens before authentication,
from the key the request presents (its SHA-256 digest, as the keys are stored), so a caller
over the limit costs no database work; a request presenting no key is not counted (it is
refused as unauthenticated without a lookup). Every counted answer carries
`X-RateLimit-Limit`, `-Period`, `-Remaining`, `-Reset` and `-Name`; a refusal is a 429 in
the dialect's body with `Retry-After`.

The counters live in this process: with several worker processes each counts on its own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casedesk.entrypoints.http.body_limit import Refusal
from casedesk.services.keys import digest

NAME = "casedesk_api"


@dataclass(frozen=True)
class Standing:
    """Where one key stands in the current window."""

    limit: int
    period: int
    remaining: int
    reset: int  # seconds until the window ends
    allowed: bool

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Period": str(self.period),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
            "X-RateLimit-Name": NAME,
        }


# Keys counted apart in one window. Keys are counted before they are checked, so a flood of
# made-up keys could otherwise grow the table without bound; past this many, keys not yet
# seen in the window share one count.
MAX_KEYS = 100_000
OVERFLOW = "*"


class FixedWindows:
    """`limit` requests per key in each window of `period` seconds, windows aligned on the
    clock. Only the current window's counts are kept, at most `max_keys` of them. Used from
    the event loop only, so it needs no lock."""

    def __init__(
        self, limit: int, period: int, clock: Callable[[], float] = time.time, max_keys: int = MAX_KEYS
    ) -> None:
        if period < 1:
            raise ValueError("the rate limit period is at least one second")
        self.limit = limit
        self.period = period
        self.clock = clock
        self.max_keys = max_keys
        self._window = -1
        self._counts: dict[str, int] = {}

    def take(self, key: str) -> Standing:
        now = self.clock()
        window = int(now // self.period)
        if window != self._window:
            self._window, self._counts = window, {}
        if key not in self._counts and len(self._counts) >= self.max_keys:
            key = OVERFLOW
        used = self._counts.get(key, 0)
        allowed = used < self.limit
        if allowed:
            used += 1
            self._counts[key] = used
        reset = max(1, math.ceil((window + 1) * self.period - now))
        return Standing(self.limit, self.period, max(0, self.limit - used), reset, allowed)


def presented_app_key(headers: Headers) -> str | None:
    """The application key as either dialect takes it: a bearer token, Datadog's
    `DD-APPLICATION-KEY`, or Tines' `X-User-Token`."""
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return (headers.get("dd-application-key") or headers.get("x-user-token") or "").strip() or None


class RateLimit:
    def __init__(self, app: ASGIApp, *, windows: FixedWindows, refuse: Refusal) -> None:
        self.app = app
        self.windows = windows
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        key = presented_app_key(Headers(scope=scope))
        if key is None:
            await self.app(scope, receive, send)
            return
        standing = self.windows.take(digest(key))
        if not standing.allowed:
            refusal = self.refuse(
                429,
                f"more than {standing.limit} requests in {standing.period} s with this key; "
                f"retry in {standing.reset} s",
            )
            refusal.headers.update({**standing.headers(), "Retry-After": str(standing.reset)})
            await refusal(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(standing.headers())
            await send(message)

        await self.app(scope, receive, send_with_headers)
