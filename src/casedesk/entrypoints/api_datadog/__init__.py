"""The Datadog-compatible `/api/v2` dialect."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from casedesk.entrypoints.api_datadog import maintenance, projects, users
from casedesk.entrypoints.api_datadog.cases import attributes as case_details
from casedesk.entrypoints.api_datadog.cases import bulk, case_types, counts, links, move, views, watchers
from casedesk.entrypoints.api_datadog.cases import routes as cases
from casedesk.entrypoints.api_datadog.incidents.router import incident_routers
from casedesk.entrypoints.http.text_guard import reject_unstorable_text

PREFIX = "/api/v2"


def router() -> APIRouter:
    api = APIRouter(prefix=PREFIX, dependencies=[Depends(reject_unstorable_text)])
    # Fixed paths first: `/cases/projects` and `/cases/types` must win over `/cases/{case_id}`.
    api.include_router(projects.router)
    api.include_router(case_types.router)
    api.include_router(bulk.router)  # /cases/bulk
    api.include_router(counts.router)  # /cases/count, /cases/aggregate
    api.include_router(links.router)  # /cases/link
    api.include_router(views.router)  # /cases/views
    api.include_router(cases.router)
    api.include_router(case_details.router)
    api.include_router(watchers.router)
    api.include_router(move.router)
    api.include_router(maintenance.router)
    api.include_router(users.router)
    for incident_router in incident_routers():
        api.include_router(incident_router)
    return api
