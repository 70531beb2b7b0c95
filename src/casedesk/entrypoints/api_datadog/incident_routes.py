"""The incident routers, in the order they must be matched: fixed paths (`/incidents/search`,
`/incidents/config/…`) before the ones that take an incident id."""

from __future__ import annotations

from fastapi import APIRouter

from casedesk.entrypoints.api_datadog import incident_extras, incident_parts, incident_settings, incidents


def incident_routers() -> list[APIRouter]:
    return [incident_settings.router, incidents.router, incident_parts.router, incident_extras.router]
