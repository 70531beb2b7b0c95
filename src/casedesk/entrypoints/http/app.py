"""The HTTP application factory: mounts each dialect and renders errors in its dialect."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from casedesk.bootstrap import Container
from casedesk.domain.errors import DomainError
from casedesk.entrypoints import api_datadog, api_tines
from casedesk.entrypoints.api_datadog import errors as dd_errors
from casedesk.entrypoints.api_tines import errors as tines_errors
from casedesk.entrypoints.http.docs import serve_docs
from casedesk.entrypoints.http.openapi import route_name, serve_openapi

log = logging.getLogger(__name__)


def operation_name(request: Request) -> str | None:
    route: Any = request.scope.get("route")
    return getattr(route, "name", None)


def request_parameters(request: Request) -> frozenset[str]:
    return frozenset(request.path_params) | frozenset(request.query_params.keys())


def is_tines(request: Request) -> bool:
    """Errors answer in the dialect of the path: `/api/v1` is Tines', the rest Datadog's."""
    return request.url.path.startswith(api_tines.PREFIX + "/")


def create_app(container: Container) -> FastAPI:
    app = FastAPI(
        title="casedesk",
        version="0.1.0",
        docs_url=None,  # served by serve_docs, without CDN assets
        redoc_url=None,
        generate_unique_id_function=route_name,
    )
    app.state.container = container
    app.include_router(api_datadog.router())
    app.include_router(api_tines.router())
    serve_openapi(app)
    serve_docs(app)

    @app.exception_handler(DomainError)
    def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        if is_tines(request):
            return tines_errors.from_domain(exc)
        return dd_errors.from_domain(operation_name(request), exc, request_parameters(request))

    @app.exception_handler(RequestValidationError)
    def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        if is_tines(request):
            return tines_errors.from_request_validation(exc)
        return dd_errors.from_request_validation(operation_name(request), exc)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if is_tines(request):
            return tines_errors.error_response(exc.status_code, str(exc.detail))
        return dd_errors.error_response(operation_name(request), exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if is_tines(request):
            return tines_errors.error_response(500, "internal error")
        return JSONResponse({"errors": ["internal error"]}, status_code=500)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
