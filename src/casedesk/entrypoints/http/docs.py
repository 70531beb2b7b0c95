"""`/docs` (Swagger UI) and `/redoc` with their assets served by casedesk itself.

FastAPI's pages load their JavaScript, CSS and favicon from CDNs, so on a machine without
internet they are blank. The `fastapi-offline` package (a dependency) ships those assets as
package data; they are mounted under `/docs/assets` and the pages point there.
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"
# The validator badge would send the document to an outside service.
SWAGGER_UI_PARAMETERS = {"validatorUrl": None}


def serve_docs(app: FastAPI) -> None:
    assets = resources.files("fastapi_offline").joinpath("static")
    app.mount(ASSETS, StaticFiles(directory=str(assets)), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    def under_root(request: Request, path: str) -> str:
        """`path` behind the prefix a reverse proxy serves casedesk under, if any."""
        return str(request.scope.get("root_path", "")).rstrip("/") + path

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=under_root(request, openapi_url),
            title=f"{app.title} API",
            swagger_js_url=under_root(request, f"{ASSETS}/swagger-ui-bundle.js"),
            swagger_css_url=under_root(request, f"{ASSETS}/swagger-ui.css"),
            swagger_favicon_url=under_root(request, f"{ASSETS}/favicon.png"),
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        return get_redoc_html(
            openapi_url=under_root(request, openapi_url),
            title=f"{app.title} API",
            redoc_js_url=under_root(request, f"{ASSETS}/redoc.standalone.js"),
            redoc_favicon_url=under_root(request, f"{ASSETS}/favicon.png"),
            with_google_fonts=False,
        )
