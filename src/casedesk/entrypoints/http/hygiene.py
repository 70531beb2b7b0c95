"""What every answer carries, whichever part of the application gives it, and the methods a
405 lists.

- `X-Content-Type-Options: nosniff`, so a browser never runs a JSON answer as a script or page;
- `Referrer-Policy: no-referrer`, so links followed from the docs pages leak no URL;
- on HTML answers, a `Content-Security-Policy` unless the page set its own (`docs.py` does):
  by default nothing may load, run, or frame the page.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.routing import iter_route_contexts
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casedesk.domain.limits import Limits, in_force

ALWAYS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
HTML_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(ALWAYS)
                html = headers.get("content-type", "").startswith("text/html")
                if html and "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = HTML_POLICY
            await send(message)

        await self.app(scope, receive, send_with_headers)


class LimitsInForce:
    """Puts the configured `Limits` in force for each request (`domain/limits.py`); the
    worker threads that run its routes inherit them."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with in_force(self.limits):
            await self.app(scope, receive, send)


def allowed_methods(routes: list[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route at the request's path takes. Starlette's 405 lists only the
    methods of the first route matching the path, and a path often has one route per method."""
    return sorted(set(_methods_at_path(routes, scope)))


def _methods_at_path(routes: list[BaseRoute], scope: Scope) -> Iterator[str]:
    # FastAPI keeps included routers nested; their route contexts are the routes as served.
    for route in iter_route_contexts(routes):
        # A route at this path for other methods matches PARTIAL; NONE is another path.
        match, _ = route.matches(scope)
        if match != Match.NONE:
            yield from route.methods or ()


def http_error_headers(app: Starlette, request: Request, exc: HTTPException) -> dict[str, str]:
    """The headers of Starlette's error, with a 405's `Allow` listing every method the path
    takes."""
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(app.routes, request.scope))
    return headers
