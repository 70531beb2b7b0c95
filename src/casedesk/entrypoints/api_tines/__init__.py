"""The Tines-compatible `/api/v1` dialect (Tines' v1 Cases API, plus teams and records): a
sub-application with its own error handlers, so every error under its prefix (unknown paths
and methods included) answers in Tines' `{"error": {...}}` body."""

from __future__ import annotations

import logging

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from casedesk.domain.errors import DomainError
from casedesk.entrypoints.api_tines import errors, teams
from casedesk.entrypoints.api_tines.cases import routes as cases
from casedesk.entrypoints.api_tines.cases import subresources
from casedesk.entrypoints.http.deps import ServiceProvider
from casedesk.entrypoints.http.hygiene import http_error_headers
from casedesk.entrypoints.http.routing import one_router, serve

PREFIX = "/api/v1"
log = logging.getLogger(__name__)


def router() -> APIRouter:
    return one_router([teams.router, cases.router, subresources.router])


def create_subapp(container: ServiceProvider) -> FastAPI:
    """The dialect, to mount at PREFIX; its schema is part of the application's document."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.container = container
    serve(app, router())

    @app.exception_handler(DomainError)
    def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return errors.from_domain(exc)

    @app.exception_handler(RequestValidationError)
    def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return errors.from_request_validation(exc)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        response = errors.error_response(exc.status_code, str(exc.detail))
        response.headers.update(http_error_headers(app, request, exc))
        return response

    @app.exception_handler(Exception)
    def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return errors.error_response(500, "internal error")

    return app
