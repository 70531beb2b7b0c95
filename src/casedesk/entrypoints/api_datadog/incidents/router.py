"""The incident routers, in the order they must be matched: fixed paths (`/incidents/search`,
`/incidents/config/…`) before the ones that take an incident id."""

from __future__ import annotations

from fastapi import APIRouter

from casedesk.entrypoints.api_datadog.incidents import configuration as incident_extras
from casedesk.entrypoints.api_datadog.incidents import items as incident_parts
from casedesk.entrypoints.api_datadog.incidents import routes as incidents
from casedesk.entrypoints.api_datadog.incidents import settings as incident_settings


def incident_routers() -> list[APIRouter]:
    return [incident_settings.router, incidents.router, incident_parts.router, incident_extras.router]
