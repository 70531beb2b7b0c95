"""One OpenAPI document for the whole application.

FastAPI documents an application's own routes only, not those of the applications mounted in
it, so the document is built here from every dialect's routes, each under its prefix, with the
operation ids each dialect gives its routes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi


def combined_openapi(app: FastAPI, mounted: Mapping[str, FastAPI]) -> dict[str, Any]:
    everything = APIRouter()
    everything.routes.extend(app.routes)
    for prefix, sub in mounted.items():
        everything.include_router(sub.router, prefix=prefix)
    return get_openapi(
        title=app.title,
        version=app.version,
        openapi_version=app.openapi_version,
        description=app.description,
        routes=everything.routes,
    )
