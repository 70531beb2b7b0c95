"""Refuses request bodies over a size, before anything reads, parses or authenticates them.

A pure ASGI middleware around one dialect's application. A declared `Content-Length` over the
bound is refused before a byte of the body is read. Otherwise the body is read here, up to
the bound, before the application is called: a chunked body is refused as soon as it crosses
the bound, and no request holds a database connection while its client is still sending.
The application then reads the buffered body as if from the client.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# How a dialect answers a refusal: (status, message) → its error body.
Refusal = Callable[[int, str], Response]


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int, refuse: Refusal) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self.too_large(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break  # the client went away: let the application see it
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self.too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, replay(messages, receive), send)

    async def too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = self.refuse(413, f"the request body is larger than the {self.max_bytes} bytes allowed")
        # The rest of the body is not read; the server closes the connection after answering.
        refusal.headers["Connection"] = "close"
        await refusal(scope, receive, send)


def content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length before we are called
    return None


def replay(messages: list[Message], receive: Receive) -> Receive:
    """The buffered messages, then the client's (a disconnect, once the answer is sent)."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
