"""The incident routers, in the order they must be matched: fixed paths (`/incidents/search`,
`/incidents/config/…`) before the ones that take an incident id."""

from __future__ import annotations

from fastapi import APIRouter

from casedesk.entrypoints.api_datadog.incidents import configuration, items, not_hosted, routes, settings


def incident_routers() -> list[APIRouter]:
    return [settings.router, routes.router, items.router, configuration.router, not_hosted.router]
