"""Request bodies for what surrounds cases: links, views and maintenance windows (JSON:API).

Moving a case takes the contract's `ProjectRelationship`, in `schemas.py`. Values whose
vocabulary or format casedesk checks itself (entity types, relationships, timestamps) are
plain strings here, so the refusal names the member and says what would be accepted.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from casedesk.entrypoints.api_datadog.schemas import Wire

ID_MAX = 100
NAME_MAX = 1000
QUERY_MAX = 10_000


# -- case links ----------------------------------------------------------------------------


class CaseLinkAttributes(Wire):
    parent_entity_type: str = Field(max_length=ID_MAX)
    parent_entity_id: str = Field(max_length=ID_MAX)
    child_entity_type: str = Field(max_length=ID_MAX)
    child_entity_id: str = Field(max_length=ID_MAX)
    relationship: str = Field(max_length=ID_MAX)


class CaseLinkCreate(Wire):
    type: Literal["link"]
    attributes: CaseLinkAttributes


class CaseLinkCreateRequest(Wire):
    data: CaseLinkCreate


# -- case views ----------------------------------------------------------------------------


class CaseViewCreateAttributes(Wire):
    name: str = Field(max_length=NAME_MAX)
    query: str = Field(max_length=QUERY_MAX)
    project_id: str = Field(max_length=ID_MAX)
    np_rule_id: str | None = Field(default=None, max_length=ID_MAX)


class CaseViewCreate(Wire):
    type: Literal["view"]
    attributes: CaseViewCreateAttributes


class CaseViewCreateRequest(Wire):
    data: CaseViewCreate


class CaseViewUpdateAttributes(Wire):
    name: str | None = Field(default=None, max_length=NAME_MAX)
    query: str | None = Field(default=None, max_length=QUERY_MAX)
    np_rule_id: str | None = Field(default=None, max_length=ID_MAX)


class CaseViewUpdate(Wire):
    type: Literal["view"]
    attributes: CaseViewUpdateAttributes = Field(default_factory=CaseViewUpdateAttributes)


class CaseViewUpdateRequest(Wire):
    data: CaseViewUpdate


# -- maintenance windows -------------------------------------------------------------------


class MaintenanceWindowCreateAttributes(Wire):
    name: str = Field(max_length=NAME_MAX)
    query: str = Field(max_length=QUERY_MAX)
    start_at: str = Field(max_length=ID_MAX)
    end_at: str = Field(max_length=ID_MAX)


class MaintenanceWindowCreate(Wire):
    type: Literal["maintenance_window"]
    attributes: MaintenanceWindowCreateAttributes


class MaintenanceWindowCreateRequest(Wire):
    data: MaintenanceWindowCreate


class MaintenanceWindowUpdateAttributes(Wire):
    name: str | None = Field(default=None, max_length=NAME_MAX)
    query: str | None = Field(default=None, max_length=QUERY_MAX)
    start_at: str | None = Field(default=None, max_length=ID_MAX)
    end_at: str | None = Field(default=None, max_length=ID_MAX)


class MaintenanceWindowUpdate(Wire):
    type: Literal["maintenance_window"]
    attributes: MaintenanceWindowUpdateAttributes = Field(default_factory=MaintenanceWindowUpdateAttributes)


class MaintenanceWindowUpdateRequest(Wire):
    data: MaintenanceWindowUpdate
