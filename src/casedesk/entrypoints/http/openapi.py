"""`/openapi.json`: one document for the whole application, with each dialect's answers declared.

FastAPI documents an application's own routes only, not those of the applications mounted in
it, so the document is built from every dialect's routes, each under its prefix. Operation ids
are the routes' names (`route_name`), which for the Datadog dialect are Datadog's operationIds.
The document is built on its first request and kept (as FastAPI does); the contract is read
then, not at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from casedesk.entrypoints import api_datadog
from casedesk.entrypoints.api_datadog import openapi as datadog_openapi
from casedesk.entrypoints.api_tines import openapi as tines_openapi
from casedesk.entrypoints.http.openapi_refs import references, resolve


def route_name(route: APIRoute) -> str:
    return route.name


def every_route(app: FastAPI, mounted: Mapping[str, FastAPI]) -> APIRouter:
    everything = APIRouter()
    everything.routes.extend(app.routes)
    for prefix, dialect in mounted.items():
        everything.include_router(dialect.router, prefix=prefix, generate_unique_id_function=route_name)
    return everything


def openapi_document(app: FastAPI, mounted: Mapping[str, FastAPI]) -> dict[str, Any]:
    routes = every_route(app, mounted).routes
    document = get_openapi(title=app.title, version=app.version, routes=routes)
    contract = datadog_openapi.Contract.load()
    datadog_openapi.forget_generated_bodies(document, contract)
    tines_openapi.describe(document, foreign=(api_datadog.V1_PREFIX,))
    datadog_openapi.describe_own(document, contract)
    drop_unreferenced_schemas(document)
    datadog_openapi.describe(document, contract)
    return document


def drop_unreferenced_schemas(document: dict[str, Any]) -> None:
    """Removes the schemas nothing points at any more: FastAPI's own validation-error shapes
    (casedesk never answers them) and the request models the contract's bodies replace."""
    schemas = document.get("components", {}).get("schemas", {})
    used = references(document["paths"])
    pending = list(used)
    while pending:
        target = resolve(document, pending.pop())
        for ref in references(target):
            if ref not in used:
                used.add(ref)
                pending.append(ref)
    for name in [n for n in schemas if f"#/components/schemas/{n}" not in used]:
        del schemas[name]


def serve_openapi(app: FastAPI, mounted: Mapping[str, FastAPI]) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_document(app, mounted)
        return app.openapi_schema

    # FastAPI's documented way to replace the document is to replace the method.
    app.openapi = openapi  # type: ignore[method-assign]
