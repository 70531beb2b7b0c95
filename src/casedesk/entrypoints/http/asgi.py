"""ASGI entry for multi-process serving (`uvicorn casedesk.entrypoints.http.asgi:app`)."""

from __future__ import annotations

from casedesk.bootstrap import bootstrap
from casedesk.entrypoints.http.app import create_app

app = create_app(bootstrap())
