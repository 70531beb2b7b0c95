"""Pure translation between the wire and an incident's sub-resources (todos, attachments,
impacts, responders, integration metadata, timestamp overrides)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import parse_uuid
from casedesk.domain.incidents.incident import Incident, IncidentItem
from casedesk.domain.incidents.items import ItemKind
from casedesk.domain.users import User
from casedesk.entrypoints.api_datadog.incidents import item_schemas as s
from casedesk.entrypoints.api_datadog.incidents.mapping import (
    attachment_resource,
    incident_user,
    users_ref,
)
from casedesk.entrypoints.api_datadog.wire import iso
from casedesk.entrypoints.http.timestamps import parse_timestamp

# -- wire → attributes (JSON-safe; the aggregate checks them) ------------------------------


def stamp(text: str | None, field: str) -> str | None:
    parsed = parse_timestamp(text, field)
    return parsed.isoformat() if parsed else None


def todo(body: s.TodoRequest, *, partial: bool = False) -> dict[str, Any]:
    """A todo's attributes; a patch leaves `completed` and `due_date` alone unless sent."""
    attrs = body.data.attributes
    changes: dict[str, Any] = {
        "content": attrs.content,
        "assignees": [a if isinstance(a, str) else a.model_dump() for a in attrs.assignees],
        "completed": stamp(attrs.completed, "completed"),
        "due_date": attrs.due_date,
    }
    if partial:
        changes = {k: v for k, v in changes.items() if k in attrs.model_fields_set}
    return changes


def attachment(body: s.AttachmentCreateRequest) -> dict[str, Any]:
    attrs = body.data.attributes
    return {
        "attachment_type": attrs.attachment_type,
        "documentUrl": attrs.attachment.documentUrl,
        "title": attrs.attachment.title,
    }


def attachment_patch(body: s.AttachmentPatchRequest) -> dict[str, Any]:
    link = body.data.attributes.attachment
    return {name: getattr(link, name) for name in link.model_fields_set}


def postmortem(body: s.PostmortemRequest) -> dict[str, Any]:
    attrs = body.data.attributes
    if attrs.postmortem_template_id is not None:
        parse_uuid(attrs.postmortem_template_id, "postmortem_template_id")
    content = attrs.content or "\n\n".join(
        str(cell.attributes.get("definition", {}).get("content", "")) for cell in attrs.cells
    )
    return {"attachment_type": "postmortem", "title": attrs.title or "Postmortem", "content": content}


def impact(body: s.ImpactRequest | s.ImpactPatchRequest) -> dict[str, Any]:
    attrs = body.data.attributes
    changes: dict[str, Any] = {}
    for name in attrs.model_fields_set:
        value = getattr(attrs, name)
        changes[name] = stamp(value, name) if name in ("start_at", "end_at") else value
    if "fields" in changes and changes["fields"] is None:
        changes["fields"] = {}
    return changes


def responder(body: s.ResponderRequest) -> dict[str, Any]:
    user = body.data.relationships.user.data
    if user.type not in ("users", "user"):
        raise ValidationFailed("user", f"got type {user.type!r} expected users")
    return {"user_id": str(parse_uuid(user.id, "user"))}


def integration(body: s.IntegrationRequest) -> dict[str, Any]:
    attrs = body.data.attributes
    return {
        "integration_type": attrs.integration_type,
        "metadata": attrs.metadata.model_dump(exclude_none=True),
        "status": attrs.status,
    }


def override(body: s.OverrideRequest) -> dict[str, Any]:
    attrs = body.data.attributes
    return {
        "timestamp_type": attrs.timestamp_type,
        "timestamp_value": stamp(attrs.timestamp_value, "timestamp_value"),
    }


def override_patch(override_id: uuid.UUID, body: s.OverridePatchRequest) -> dict[str, Any]:
    if parse_uuid(body.data.id, "data/id") != override_id:
        raise ValidationFailed("data/id", "data.id names another timestamp override than the path")
    return {"timestamp_value": stamp(body.data.attributes.timestamp_value, "timestamp_value")}


# -- objects → wire ----------------------------------------------------------------------


def _who(item: IncidentItem) -> dict[str, Any]:
    return {
        "created_by_user": {"data": users_ref(item.created_by)},
        "last_modified_by_user": {"data": users_ref(item.modified_by or item.created_by)},
    }


def _times(item: IncidentItem) -> dict[str, Any]:
    return {"created": iso(item.created_at), "modified": iso(item.modified_at or item.created_at)}


def todo_resource(incident: Incident, item: IncidentItem) -> dict[str, Any]:
    return {
        "id": str(item.id),
        "type": "incident_todos",
        "attributes": {**item.attributes, "incident_id": str(incident.id), **_times(item)},
        "relationships": _who(item),
    }


def impact_resource(incident: Incident, item: IncidentItem) -> dict[str, Any]:
    return {
        "id": str(item.id),
        "type": "incident_impacts",
        "attributes": {**item.attributes, **_times(item)},
        "relationships": {**_who(item), "incident": {"data": {"id": str(incident.id), "type": "incidents"}}},
    }


def responder_resource(incident: Incident, item: IncidentItem) -> dict[str, Any]:
    return {
        "id": str(item.id),
        "type": "incident_responders",
        "attributes": {
            **_times(item),
            "is_billable": False,
            "external_id": None,
            "external_source": None,
            "last_active": None,
            "meta": None,
        },
        "relationships": {
            "user": {"data": users_ref(uuid.UUID(item.attributes["user_id"]))},
            "created_by": {"data": users_ref(item.created_by)},
            "last_modified_by": {"data": users_ref(item.modified_by or item.created_by)},
            "role_assignments": {"data": []},
        },
    }


def integration_resource(incident: Incident, item: IncidentItem) -> dict[str, Any]:
    return {
        "id": str(item.id),
        "type": "incident_integrations",
        "attributes": {**item.attributes, "incident_id": str(incident.id), **_times(item)},
        "relationships": _who(item),
    }


def override_resource(incident: Incident, item: IncidentItem) -> dict[str, Any]:
    return {
        "id": str(item.id),
        "type": "incidents_timestamp_overrides",
        "attributes": {
            **item.attributes,
            "incident_id": str(incident.id),
            "created_at": iso(item.created_at),
            "modified_at": iso(item.modified_at or item.created_at),
            "deleted_at": None,
        },
        "relationships": _who(item),
    }


def attachment_item(incident: Incident, item: IncidentItem) -> dict[str, Any]:
    return attachment_resource(incident.id, item)


RESOURCES: dict[ItemKind, Callable[[Incident, IncidentItem], dict[str, Any]]] = {
    ItemKind.TODO: todo_resource,
    ItemKind.ATTACHMENT: attachment_item,
    ItemKind.IMPACT: impact_resource,
    ItemKind.RESPONDER: responder_resource,
    ItemKind.INTEGRATION: integration_resource,
    ItemKind.TIMESTAMP_OVERRIDE: override_resource,
}


def item_users(items: list[IncidentItem], users: dict[uuid.UUID, User]) -> list[dict[str, Any]]:
    wanted: set[uuid.UUID] = set()
    for item in items:
        wanted.update(u for u in (item.created_by, item.modified_by) if u)
        if "user_id" in item.attributes:
            wanted.add(uuid.UUID(str(item.attributes["user_id"])))
    return [incident_user(users[u]) for u in sorted(wanted, key=str) if u in users]


def items_document(
    incident: Incident, items: list[IncidentItem], users: dict[uuid.UUID, User]
) -> dict[str, Any]:
    return {
        "data": [RESOURCES[item.kind](incident, item) for item in items],
        "included": item_users(items, users),
        "meta": {"pagination": {"offset": 0, "next_offset": len(items), "size": len(items)}},
    }


def item_document(incident: Incident, item: IncidentItem, users: dict[uuid.UUID, User]) -> dict[str, Any]:
    return {"data": RESOURCES[item.kind](incident, item), "included": item_users([item], users)}
