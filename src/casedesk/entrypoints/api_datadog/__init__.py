"""The Datadog-compatible dialect: `/api/v2`, and Datadog's v1 integration configuration
under `/api/v1/integration` (the rest of `/api/v1` is Tines'), each a sub-application with its
own error handlers, so every error under its prefix (unknown paths and methods included)
answers in Datadog's error schema, the one each operation declares."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from casedesk.domain.errors import DomainError
from casedesk.entrypoints.api_datadog import (
    application_keys,
    audit,
    deliveries,
    errors,
    maintenance,
    projects,
    roles,
    users,
)
from casedesk.entrypoints.api_datadog.cases import (
    attributes,
    bulk,
    case_types,
    counts,
    links,
    move,
    notification_rules,
    views,
    watchers,
)
from casedesk.entrypoints.api_datadog.cases import routes as cases
from casedesk.entrypoints.api_datadog.incidents.router import incident_routers
from casedesk.entrypoints.api_datadog.integrations import pagerduty, slack, teams, webhooks
from casedesk.entrypoints.http.deps import ServiceProvider
from casedesk.entrypoints.http.hygiene import http_error_headers
from casedesk.entrypoints.http.routing import one_router, serve

PREFIX = "/api/v2"
# Mounted before Tines' `/api/v1`, so these paths reach Datadog's dialect.
V1_PREFIX = "/api/v1/integration"
log = logging.getLogger(__name__)


def operation_id(route: APIRoute) -> str:
    """Each route's name is Datadog's operationId (`CreateCase`), and so is its OpenAPI id."""
    return route.name


def router() -> APIRouter:
    return one_router(
        [
            # Fixed paths first: `/cases/projects` and `/cases/types` must win over
            # `/cases/{case_id}`.
            projects.router,
            notification_rules.router,
            case_types.router,
            bulk.router,  # /cases/bulk
            counts.router,  # /cases/count, /cases/aggregate
            links.router,  # /cases/link
            views.router,  # /cases/views
            cases.router,
            attributes.router,
            watchers.router,
            move.router,
            maintenance.router,
            users.router,
            roles.router,
            application_keys.router,
            audit.router,
            deliveries.router,
            *incident_routers(),
            teams.router,
        ]
    )


def v1_router() -> APIRouter:
    """Datadog's v1 integration configuration, under V1_PREFIX."""
    return one_router([webhooks.router, pagerduty.router, slack.router])


def operation_name(request: Request) -> str | None:
    """The operation the request reached, which decides its error schema; None when no
    route matched (an unknown path)."""
    route: Any = request.scope.get("route")
    return getattr(route, "name", None)


def request_parameters(request: Request) -> frozenset[str]:
    return frozenset(request.path_params) | frozenset(request.query_params.keys())


def create_subapp(container: ServiceProvider, routes: APIRouter | None = None) -> FastAPI:
    """The dialect, to mount at PREFIX (or its v1 routes, `v1_router()`, at V1_PREFIX); its
    schema is part of the application's document."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, generate_unique_id_function=operation_id)
    app.state.container = container
    serve(app, routes if routes is not None else router())

    @app.exception_handler(DomainError)
    def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return errors.from_domain(operation_name(request), exc, request_parameters(request))

    @app.exception_handler(RequestValidationError)
    def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return errors.from_request_validation(operation_name(request), exc)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        response = errors.error_response(operation_name(request), exc.status_code, str(exc.detail))
        response.headers.update(http_error_headers(app, request, exc))
        return response

    @app.exception_handler(Exception)
    def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return errors.error_response(operation_name(request), 500, "internal error")

    return app
