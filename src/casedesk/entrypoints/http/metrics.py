"""/metrics, and the HTTP measurements it shows.

`RequestMetrics` is a pure ASGI middleware around the whole application (the dialects'
refusals included). It labels a request by its route's template (`/cases/{case_id}` under
the dialect's prefix), read from the scope the router filled in, never by the raw path, so
the number of series stays bounded: a path no route matched is `unmatched`, and a method
outside HTTP's usual ones is `other`.

/metrics is open to whoever reaches it unless `CASEDESK_METRICS_TOKEN` is set, as
Prometheus scrapes without credentials by default; with a token it needs
`Authorization: Bearer <token>`. Its answer holds no case data, only counts.
"""

from __future__ import annotations

import time
from typing import Protocol

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casedesk.entrypoints.metrics_server import admitted


class Telemetry(Protocol):
    """What this module needs of the metrics (adapters/metrics/prometheus.py has them)."""

    content_type: str

    def request(self, method: str, route: str, status: int, seconds: float) -> None: ...

    def exposition(self) -> bytes: ...


METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"


class RequestMetrics:
    def __init__(self, app: ASGIApp, *, telemetry: Telemetry) -> None:
        self.app = app
        self.telemetry = telemetry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        root = scope.get("root_path", "")
        started = time.perf_counter()
        status = 500  # what the server answers when the application fails before answering

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "other"
            self.telemetry.request(method, template(scope, root), status, time.perf_counter() - started)


def template(scope: Scope, root: str) -> str:
    """The matched route's path template, with the prefixes of the mounts it is under; the
    routers leave the innermost route and the mounts' root path in the (shared) scope."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return UNMATCHED
    mounted = str(scope.get("root_path", ""))[len(root) :]
    return mounted + path


def serve_metrics(app: FastAPI, telemetry: Telemetry, token: str) -> None:
    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        # A plain `def`: collecting reads the outbox, which must not block the event loop.
        if not admitted(request.headers.get("authorization", ""), token):
            return PlainTextResponse(
                "a bearer token is required\n", status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        return Response(telemetry.exposition(), media_type=telemetry.content_type)
