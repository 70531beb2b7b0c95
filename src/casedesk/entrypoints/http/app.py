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
from casedesk.entrypoints import api_datadog
from casedesk.entrypoints.api_datadog import errors as dd_errors

log = logging.getLogger(__name__)


def operation_name(request: Request) -> str | None:
    route: Any = request.scope.get("route")
    return getattr(route, "name", None)


def create_app(container: Container) -> FastAPI:
    app = FastAPI(title="casedesk", version="0.1.0")
    app.state.container = container
    app.include_router(api_datadog.router())

    @app.exception_handler(DomainError)
    def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return dd_errors.from_domain(operation_name(request), exc)

    @app.exception_handler(RequestValidationError)
    def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return dd_errors.from_request_validation(operation_name(request), exc)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return dd_errors.error_response(operation_name(request), exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"errors": ["internal error"]}, status_code=500)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
