"""ASGI factory for multi-process serving:
`uvicorn --factory casedesk.entrypoints.http.asgi:create --workers N`."""

from __future__ import annotations

from fastapi import FastAPI

from casedesk.bootstrap import bootstrap
from casedesk.entrypoints.http.app import create_app


def create() -> FastAPI:
    return create_app(bootstrap())
