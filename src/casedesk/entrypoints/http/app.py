"""The HTTP application factory. Each dialect is a mounted sub-application that renders its own
errors; the one OpenAPI document (`/openapi.json`) lists the operations of all of them."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from casedesk.bootstrap import Container
from casedesk.entrypoints import api_datadog, api_tines
from casedesk.entrypoints.http.openapi import combined_openapi


def create_app(container: Container) -> FastAPI:
    app = FastAPI(title="casedesk", version="0.1.0")
    app.state.container = container
    mounted = {
        api_datadog.PREFIX: api_datadog.create_subapp(container),
        api_tines.PREFIX: api_tines.create_subapp(container),
    }
    for prefix, dialect in mounted.items():
        app.mount(prefix, dialect)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = combined_openapi(app, mounted)
        return app.openapi_schema

    # FastAPI's documented way to supply the document: replace the app's `openapi` method.
    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
