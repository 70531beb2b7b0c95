"""How a dialect's routes are declared and served.

FastAPI serves an included router as a branch that it walks on every request: it sums a
version number over every router below it and matches the request at each level more than
once, so with a router per module, finding `POST /api/v2/cases` (the 34th of the Datadog
dialect's routes) cost about 0.25 ms of CPU, and a route further down several times that.
A dialect's routes therefore sit in its application's own router, where matching is one
pass over plain routes; what an include would have given them (the text guard) each module's
router gives them when they are declared.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Depends, FastAPI

from casedesk.entrypoints.http.rendering import DocumentRoute
from casedesk.entrypoints.http.text_guard import reject_unstorable_text


def dialect_router(**options: Any) -> APIRouter:
    """A dialect module's router (`options`: APIRouter's, e.g. `prefix`): each of its routes
    refuses unstorable text before anything else runs, and renders its own document."""
    return APIRouter(route_class=DocumentRoute, dependencies=[Depends(reject_unstorable_text)], **options)


def one_router(routers: Sequence[APIRouter]) -> APIRouter:
    """The routes of `routers`, in order, in one router (each router's prefix and
    dependencies are already in its routes: FastAPI puts them there when a route is added)."""
    flat = APIRouter()
    for router in routers:
        flat.routes.extend(router.routes)
    return flat


def serve(app: FastAPI, router: APIRouter) -> None:
    """Serves `router`'s routes as `app`'s own, after those it has, without a branch."""
    app.router.routes.extend(router.routes)
