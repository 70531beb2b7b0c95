"""The HTTP application factory. Each dialect is a mounted sub-application that renders its own
errors; the one OpenAPI document (`/openapi.json`) lists the operations of all of them."""

from __future__ import annotations

import re

from fastapi import FastAPI
from starlette.routing import Mount

from casedesk.bootstrap import Container
from casedesk.entrypoints import api_datadog, api_tines
from casedesk.entrypoints.http.deps import RequestSlots
from casedesk.entrypoints.http.docs import serve_docs
from casedesk.entrypoints.http.openapi import serve_openapi


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
    mounted = {
        api_datadog.PREFIX: api_datadog.create_subapp(container),
        api_tines.PREFIX: api_tines.create_subapp(container),
    }
    # One gate for the pool, whichever dialect a request reaches.
    slots = RequestSlots(container.request_slots)
    for prefix, dialect in mounted.items():
        dialect.state.request_slots = slots
        app.mount(prefix, dialect)
    any_path_text_reaches_its_dialect(app)
    serve_openapi(app, mounted)
    serve_docs(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
