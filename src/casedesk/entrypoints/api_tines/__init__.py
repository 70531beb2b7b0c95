"""The Tines-compatible `/api/v1` dialect (Tines' v1 Cases API, plus teams and records)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from casedesk.entrypoints.api_tines import teams
from casedesk.entrypoints.api_tines.cases import attachments as case_parts
from casedesk.entrypoints.api_tines.cases import routes as cases
from casedesk.entrypoints.http.text_guard import reject_unstorable_text

PREFIX = "/api/v1"


def router() -> APIRouter:
    api = APIRouter(prefix=PREFIX, dependencies=[Depends(reject_unstorable_text)])
    api.include_router(teams.router)
    api.include_router(cases.router)
    api.include_router(case_parts.router)
    return api
