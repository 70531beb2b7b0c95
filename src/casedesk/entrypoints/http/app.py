"""The HTTP application factory. Each dialect is a mounted sub-application that renders its own
errors, refusals of oversized bodies and of callers over their rate limit included; the one
OpenAPI document (`/openapi.json`) lists the operations of all of them."""

from __future__ import annotations

import re

from fastapi import FastAPI
from starlette.routing import Mount

from casedesk.bootstrap import Container
from casedesk.config import Settings
from casedesk.entrypoints import api_datadog, api_tines
from casedesk.entrypoints.api_datadog import errors as datadog_errors
from casedesk.entrypoints.api_tines import errors as tines_errors
from casedesk.entrypoints.http.body_limit import BodyLimit, Refusal
from casedesk.entrypoints.http.deps import RequestSlots
from casedesk.entrypoints.http.docs import serve_docs
from casedesk.entrypoints.http.hygiene import LimitsInForce, SecurityHeaders
from casedesk.entrypoints.http.metrics import RequestMetrics, serve_metrics
from casedesk.entrypoints.http.openapi import serve_openapi
from casedesk.entrypoints.http.rate_limit import FixedWindows, RateLimit


def any_path_text_reaches_its_dialect(app: FastAPI) -> None:
    """Starlette matches a mount's prefix with `.*`, which stops at a newline: a path
    parameter holding a percent-encoded line break (`/cases/%0A`) would miss the dialect and
    be answered outside it. Matching across lines lets the dialect answer in its own body."""
    for route in app.router.routes:
        if isinstance(route, Mount):
            route.path_regex = re.compile(route.path_regex.pattern, re.DOTALL)


def create_app(container: Container) -> FastAPI:
    app = FastAPI(
        title="casedesk",
        version="0.1.0",
        docs_url=None,  # served by serve_docs, without CDN assets
        redoc_url=None,
    )
    app.state.container = container
    telemetry = app.state.telemetry = container.telemetry()
    # In the order they are matched: Datadog's v1 integrations before the rest of /api/v1.
    mounted = {
        api_datadog.PREFIX: api_datadog.create_subapp(container),
        api_datadog.V1_PREFIX: api_datadog.create_subapp(container, api_datadog.v1_router()),
        api_tines.PREFIX: api_tines.create_subapp(container),
    }
    refusals: dict[str, Refusal] = {
        api_datadog.PREFIX: datadog_errors.refusal,
        api_datadog.V1_PREFIX: datadog_errors.refusal,
        api_tines.PREFIX: tines_errors.refusal,
    }
    settings = container.settings
    # One gate for the pool and one count per key, whichever dialect a request reaches.
    slots = RequestSlots(container.request_slots)
    windows = FixedWindows(settings.rate_limit, settings.rate_limit_period_s) if settings.rate_limit else None
    for prefix, dialect in mounted.items():
        dialect.state.request_slots = slots
        guard(dialect, settings, windows, refusals[prefix])
        app.mount(prefix, dialect)
    any_path_text_reaches_its_dialect(app)
    serve_openapi(app, mounted)
    serve_docs(app)
    serve_metrics(app, telemetry, settings.metrics_token)
    # Outermost last: the headers go on every answer, the limits hold in every request, and
    # every request is counted, refusals included.
    app.add_middleware(LimitsInForce, limits=settings.limits())
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestMetrics, telemetry=telemetry)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def guard(dialect: FastAPI, settings: Settings, windows: FixedWindows | None, refuse: Refusal) -> None:
    """The refusals made before the dialect's routes run, answered in its own body: callers
    over their rate limit first (a header check), then bodies over the size."""
    dialect.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, refuse=refuse)
    if windows is not None:
        dialect.add_middleware(RateLimit, windows=windows, refuse=refuse)
