"""`/docs` (Swagger UI) and `/redoc` with their assets served by casedesk itself.

FastAPI's pages load their JavaScript, CSS and favicon from CDNs, so on a machine without
internet they are blank. The `fastapi-offline` package (a dependency) ships those assets as
package data; they are mounted under `/docs/assets` and the pages point there.

Each page sends a Content-Security-Policy that lets it load only casedesk's own assets and
talk only to casedesk. Beyond that, each needs: Swagger UI, its one inline script (allowed by
its hash, so no other inline script runs); both, inline styles (their components set them)
and `data:` images (icons inside the CSS); ReDoc, a worker made from a `blob:` (its search
index) and `'unsafe-eval'`, since the JSON Schema validator it bundles compiles its checks
with `new Function`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"
# The validator badge would send the document to an outside service.
SWAGGER_UI_PARAMETERS = {"validatorUrl": None}
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'{scripts}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def with_policy(page: HTMLResponse, *, allow_eval: bool = False) -> HTMLResponse:
    """`page` with its Content-Security-Policy: its inline scripts are allowed by hash."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in INLINE_SCRIPT.findall(bytes(page.body).decode())
    ]
    scripts = "".join(f" {h}" for h in [*hashes, *(["'unsafe-eval'"] if allow_eval else [])])
    page.headers["Content-Security-Policy"] = PAGE_POLICY.format(scripts=scripts)
    return page


def serve_docs(app: FastAPI) -> None:
    assets = resources.files("fastapi_offline").joinpath("static")
    app.mount(ASSETS, StaticFiles(directory=str(assets)), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    def under_root(request: Request, path: str) -> str:
        """`path` behind the prefix a reverse proxy serves casedesk under, if any."""
        return str(request.scope.get("root_path", "")).rstrip("/") + path

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=under_root(request, openapi_url),
            title=f"{app.title} API",
            swagger_js_url=under_root(request, f"{ASSETS}/swagger-ui-bundle.js"),
            swagger_css_url=under_root(request, f"{ASSETS}/swagger-ui.css"),
            swagger_favicon_url=under_root(request, f"{ASSETS}/favicon.png"),
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )
        return with_policy(page)

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        page = get_redoc_html(
            openapi_url=under_root(request, openapi_url),
            title=f"{app.title} API",
            redoc_js_url=under_root(request, f"{ASSETS}/redoc.standalone.js"),
            redoc_favicon_url=under_root(request, f"{ASSETS}/favicon.png"),
            with_google_fonts=False,
        )
        return with_policy(page, allow_eval=True)
