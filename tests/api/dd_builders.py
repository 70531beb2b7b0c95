"""Official-client builders for links, moves, views and maintenance windows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from datadog_api_client.v2.model.case_link_attributes import CaseLinkAttributes
from datadog_api_client.v2.model.case_link_create import CaseLinkCreate
from datadog_api_client.v2.model.case_link_create_request import CaseLinkCreateRequest
from datadog_api_client.v2.model.case_link_resource_type import CaseLinkResourceType
from datadog_api_client.v2.model.case_view_create import CaseViewCreate
from datadog_api_client.v2.model.case_view_create_attributes import CaseViewCreateAttributes
from datadog_api_client.v2.model.case_view_create_request import CaseViewCreateRequest
from datadog_api_client.v2.model.case_view_resource_type import CaseViewResourceType
from datadog_api_client.v2.model.case_view_update import CaseViewUpdate
from datadog_api_client.v2.model.case_view_update_attributes import CaseViewUpdateAttributes
from datadog_api_client.v2.model.case_view_update_request import CaseViewUpdateRequest
from datadog_api_client.v2.model.maintenance_window_create import MaintenanceWindowCreate
from datadog_api_client.v2.model.maintenance_window_create_attributes import (
    MaintenanceWindowCreateAttributes,
)
from datadog_api_client.v2.model.maintenance_window_create_request import MaintenanceWindowCreateRequest
from datadog_api_client.v2.model.maintenance_window_resource_type import MaintenanceWindowResourceType
from datadog_api_client.v2.model.maintenance_window_update import MaintenanceWindowUpdate
from datadog_api_client.v2.model.maintenance_window_update_attributes import (
    MaintenanceWindowUpdateAttributes,
)
from datadog_api_client.v2.model.maintenance_window_update_request import MaintenanceWindowUpdateRequest
from datadog_api_client.v2.model.project_relationship import ProjectRelationship
from datadog_api_client.v2.model.project_relationship_data import ProjectRelationshipData
from datadog_api_client.v2.model.project_resource_type import ProjectResourceType


def link_request(
    parent: str,
    child: str,
    relationship: str = "BLOCKS",
    *,
    parent_type: str = "CASE",
    child_type: str = "CASE",
) -> CaseLinkCreateRequest:
    return CaseLinkCreateRequest(
        data=CaseLinkCreate(
            type=CaseLinkResourceType.LINK,
            attributes=CaseLinkAttributes(
                parent_entity_type=parent_type,
                parent_entity_id=parent,
                child_entity_type=child_type,
                child_entity_id=child,
                relationship=relationship,
            ),
        )
    )


def link_body(parent: str, child: str, relationship: str = "BLOCKS", **overrides: str) -> dict[str, Any]:
    attributes = {
        "parent_entity_type": "CASE",
        "parent_entity_id": parent,
        "child_entity_type": "CASE",
        "child_entity_id": child,
        "relationship": relationship,
        **overrides,
    }
    return {"data": {"type": "link", "attributes": attributes}}


def project_relationship(project: str) -> ProjectRelationship:
    return ProjectRelationship(data=ProjectRelationshipData(id=project, type=ProjectResourceType.PROJECT))


def view_request(project_id: str, name: str, query: str, **extra: str) -> CaseViewCreateRequest:
    return CaseViewCreateRequest(
        data=CaseViewCreate(
            type=CaseViewResourceType.VIEW,
            attributes=CaseViewCreateAttributes(project_id=project_id, name=name, query=query, **extra),
        )
    )


def view_update(**attributes: str) -> CaseViewUpdateRequest:
    return CaseViewUpdateRequest(
        data=CaseViewUpdate(type=CaseViewResourceType.VIEW, attributes=CaseViewUpdateAttributes(**attributes))
    )


def window_request(
    name: str, query: str, start_at: datetime, end_at: datetime
) -> MaintenanceWindowCreateRequest:
    return MaintenanceWindowCreateRequest(
        data=MaintenanceWindowCreate(
            type=MaintenanceWindowResourceType.MAINTENANCE_WINDOW,
            attributes=MaintenanceWindowCreateAttributes(
                name=name, query=query, start_at=start_at, end_at=end_at
            ),
        )
    )


def window_update(**attributes: Any) -> MaintenanceWindowUpdateRequest:
    return MaintenanceWindowUpdateRequest(
        data=MaintenanceWindowUpdate(
            type=MaintenanceWindowResourceType.MAINTENANCE_WINDOW,
            attributes=MaintenanceWindowUpdateAttributes(**attributes),
        )
    )


def error_objects(body: Any) -> list[dict[str, Any]]:
    """The `errors` of a JSONAPIErrorResponse: objects with status, title, detail, source."""
    assert isinstance(body, dict), body
    errors = body["errors"]
    assert isinstance(errors, list), body
    assert errors, body
    assert all(isinstance(e, dict) and "detail" in e for e in errors), body
    return errors
