"""The Datadog-compatible `/api/v2` dialect."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from casedesk.entrypoints.api_datadog import case_details, case_types, cases, projects, users
from casedesk.entrypoints.http.text_guard import reject_unstorable_text

PREFIX = "/api/v2"


def router() -> APIRouter:
    api = APIRouter(prefix=PREFIX, dependencies=[Depends(reject_unstorable_text)])
    # Fixed paths first: `/cases/projects` and `/cases/types` must win over `/cases/{case_id}`.
    api.include_router(projects.router)
    api.include_router(case_types.router)
    api.include_router(cases.router)
    api.include_router(case_details.router)
    api.include_router(users.router)
    return api
