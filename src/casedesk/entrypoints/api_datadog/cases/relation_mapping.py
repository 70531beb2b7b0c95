"""Pure translation for links, watchers, moves, views and maintenance windows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from casedesk.domain import commands as c
from casedesk.domain.cases.links import CaseLink, EntityRef, Relationship
from casedesk.domain.cases.views import CaseView
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef, parse_uuid
from casedesk.domain.maintenance import MaintenanceWindow
from casedesk.domain.projects.project import KEY_PATTERN
from casedesk.domain.users import User
from casedesk.entrypoints.api_datadog import schemas as s
from casedesk.entrypoints.api_datadog.cases import relation_schemas as sr
from casedesk.entrypoints.api_datadog.mapping import iso, user_ref

# -- wire → commands -----------------------------------------------------------------------


def create_link(body: sr.CaseLinkCreateRequest) -> c.CreateCaseLink:
    attrs = body.data.attributes
    return c.CreateCaseLink(
        parent=EntityRef.parse(
            attrs.parent_entity_type,
            attrs.parent_entity_id,
            type_field="parent_entity_type",
            id_field="parent_entity_id",
        ),
        child=EntityRef.parse(
            attrs.child_entity_type,
            attrs.child_entity_id,
            type_field="child_entity_type",
            id_field="child_entity_id",
        ),
        relationship=Relationship.parse(attrs.relationship),
    )


def link_query(
    entity_type: str, entity_id: str, relationship: str | None
) -> tuple[EntityRef, Relationship | None]:
    entity = EntityRef.parse(entity_type, entity_id, type_field="entity_type", id_field="entity_id")
    return entity, Relationship.parse(relationship) if relationship else None


def move_case(ref: CaseRef, body: s.ProjectRelationship) -> c.MoveCaseToProject:
    project = body.data.id.strip()
    try:
        uuid.UUID(project)
    except ValueError:
        if not KEY_PATTERN.match(project.upper()):
            raise ValidationFailed(
                "project", f"{body.data.id!r} is neither a project UUID nor a project key like SEC"
            ) from None
    return c.MoveCaseToProject(case=ref, project=project)


def create_view(body: sr.CaseViewCreateRequest) -> c.CreateCaseView:
    attrs = body.data.attributes
    return c.CreateCaseView(
        project_id=parse_uuid(attrs.project_id, "project_id"),
        name=attrs.name,
        query=attrs.query,
        np_rule_id=attrs.np_rule_id,
    )


def update_view(view_id: uuid.UUID, body: sr.CaseViewUpdateRequest) -> c.UpdateCaseView:
    attrs = body.data.attributes
    return c.UpdateCaseView(view_id=view_id, name=attrs.name, query=attrs.query, np_rule_id=attrs.np_rule_id)


def timestamp(text: str, field: str) -> datetime:
    """An ISO 8601 time with its zone (`2026-06-01T00:00:00Z`, `…+02:00`), in UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(field, f"{text!r} is not an ISO 8601 time like 2026-06-01T00:00:00Z") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationFailed(field, f"{text!r} has no time zone; add one, e.g. 2026-06-01T00:00:00Z")
    return moment.astimezone(UTC)


def create_window(body: sr.MaintenanceWindowCreateRequest) -> c.CreateMaintenanceWindow:
    attrs = body.data.attributes
    return c.CreateMaintenanceWindow(
        name=attrs.name,
        query=attrs.query,
        start_at=timestamp(attrs.start_at, "start_at"),
        end_at=timestamp(attrs.end_at, "end_at"),
    )


def update_window(window_id: uuid.UUID, body: sr.MaintenanceWindowUpdateRequest) -> c.UpdateMaintenanceWindow:
    attrs = body.data.attributes
    return c.UpdateMaintenanceWindow(
        window_id=window_id,
        name=attrs.name,
        query=attrs.query,
        start_at=timestamp(attrs.start_at, "start_at") if attrs.start_at is not None else None,
        end_at=timestamp(attrs.end_at, "end_at") if attrs.end_at is not None else None,
    )


# -- objects → wire ------------------------------------------------------------------------


def link_resource(link: CaseLink) -> dict[str, Any]:
    return {
        "id": str(link.id),
        "type": "link",
        "attributes": {
            "parent_entity_type": link.parent.type.value,
            "parent_entity_id": str(link.parent.id),
            "child_entity_type": link.child.type.value,
            "child_entity_id": str(link.child.id),
            "relationship": link.relationship.value,
        },
    }


def watcher_resource(user: User) -> dict[str, Any]:
    # A watcher is a user's subscription to one case; the user's id identifies it there.
    return {
        "id": str(user.id),
        "type": "watcher",
        "relationships": {"user": {"data": {"id": str(user.id), "type": "user"}}},
    }


def view_resource(view: CaseView) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "name": view.name,
        "query": view.query,
        "created_at": iso(view.created_at),
    }
    # The contract's members are not nullable: absent rather than null.
    if view.modified_at is not None:
        attributes["modified_at"] = iso(view.modified_at)
    if view.np_rule_id is not None:
        attributes["np_rule_id"] = view.np_rule_id
    return {
        "id": str(view.id),
        "type": "view",
        "attributes": attributes,
        "relationships": {
            "created_by": user_ref(view.created_by),
            "modified_by": user_ref(view.modified_by),
            "project": {"data": {"id": str(view.project_id), "type": "project"}},
        },
    }


def window_resource(window: MaintenanceWindow) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "name": window.name,
        "query": window.query,
        "start_at": iso(window.start_at),
        "end_at": iso(window.end_at),
    }
    if window.created_by is not None:
        attributes["created_by"] = str(window.created_by)
    if window.updated_by is not None:
        attributes["updated_by"] = str(window.updated_by)
    return {"id": str(window.id), "type": "maintenance_window", "attributes": attributes}
