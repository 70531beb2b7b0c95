"""Pure translation between the Datadog Incidents wire format and the core's commands and
objects (incidents themselves; their items are in `item_mapping.py`)."""

from __future__ import annotations

import uuid
from typing import Any

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import parse_uuid
from casedesk.domain.incidents import commands as ic
from casedesk.domain.incidents.fields import FieldInput
from casedesk.domain.incidents.incident import IncidentItem
from casedesk.domain.incidents.items import ItemKind
from casedesk.domain.incidents.values import NotificationHandle, TimelineCell
from casedesk.domain.incidents.vocab import FieldKind, TimestampKind, Visibility
from casedesk.domain.users import User
from casedesk.entrypoints.api_datadog.incidents import schemas as s
from casedesk.entrypoints.api_datadog.wire import iso
from casedesk.entrypoints.http.timestamps import parse_timestamp
from casedesk.services.ports.incidents import IncidentDetail

INCLUDABLE = ("users", "attachments")


# -- wire → commands ---------------------------------------------------------------------


def includes(text: str | None) -> frozenset[str]:
    """`include=users,attachments` (CSV, as the client sends arrays here)."""
    wanted = frozenset(part.strip() for part in (text or "").split(",") if part.strip())
    unknown = sorted(wanted - set(INCLUDABLE))
    if unknown:
        raise ValidationFailed("include", f"cannot include {unknown[0]!r}; use {' or '.join(INCLUDABLE)}")
    return wanted


def fields(given: dict[str, s.FieldValue] | None) -> dict[str, FieldInput]:
    found: dict[str, FieldInput] = {}
    for name, selection in (given or {}).items():
        value = selection.value
        found[name] = FieldInput(
            FieldKind(selection.type), tuple(value) if isinstance(value, list) else value
        )
    return found


def commander(relationships: Any) -> uuid.UUID | None:
    relationship = getattr(relationships, "commander_user", None) if relationships else None
    if relationship is None or relationship.data is None:
        return None
    return parse_uuid(relationship.data.id, "commander_user")


def handles(given: list[s.NotificationHandle]) -> tuple[NotificationHandle, ...]:
    return tuple(NotificationHandle(h.handle, h.display_name) for h in given)


def create_incident(body: s.IncidentCreateRequest) -> ic.CreateIncident:
    attrs = body.data.attributes
    type_id = attrs.incident_type_uuid
    return ic.CreateIncident(
        title=attrs.title,
        customer_impacted=attrs.customer_impacted,
        customer_impact_scope=attrs.customer_impact_scope,
        fields=fields(attrs.fields),
        incident_type_id=parse_uuid(type_id, "incident_type_uuid") if type_id else None,
        initial_cells=tuple(TimelineCell(c.content.content, c.important) for c in attrs.initial_cells),
        is_test=attrs.is_test,
        notification_handles=handles(attrs.notification_handles),
        commander_id=commander(body.data.relationships),
    )


def update_incident(ref: ic.IncidentRef, body: s.IncidentUpdateRequest) -> ic.UpdateIncident:
    data = body.data
    if ref.id is not None and parse_uuid(data.id, "data/id") != ref.id:
        raise ValidationFailed("data/id", "data.id names another incident than the path")
    attrs, sent = data.attributes, data.attributes.model_fields_set
    changes: dict[str, Any] = {}
    if "title" in sent:
        changes["title"] = attrs.title or ""
    for name in ("customer_impacted", "customer_impact_scope"):
        if name in sent:
            changes[name] = getattr(attrs, name)
    for name in ("customer_impact_start", "customer_impact_end", "detected"):
        if name in sent:
            changes[name] = parse_timestamp(getattr(attrs, name), name)
    if "customer_impacted" in changes and changes["customer_impacted"] is None:
        raise ValidationFailed("customer_impacted", "customer_impacted is true or false")
    if "notification_handles" in sent:
        changes["notification_handles"] = handles(attrs.notification_handles or [])
    relationships = data.relationships
    if relationships is not None and "commander_user" in relationships.model_fields_set:
        changes["commander_id"] = commander(relationships)
    return ic.UpdateIncident(incident=ref, fields=fields(attrs.fields), **changes)


def import_incident(body: s.IncidentImportRequest) -> ic.ImportIncident:
    attrs, rels = body.data.attributes, body.data.relationships
    declared_by = rels.declared_by_user if rels else None
    type_id = attrs.incident_type_uuid
    return ic.ImportIncident(
        title=attrs.title,
        declared=parse_timestamp(attrs.declared, "declared"),
        detected=parse_timestamp(attrs.detected, "detected"),
        resolved=parse_timestamp(attrs.resolved, "resolved"),
        fields=fields(attrs.fields),
        incident_type_id=parse_uuid(type_id, "incident_type_uuid") if type_id else None,
        visibility=Visibility(attrs.visibility),
        commander_id=commander(rels),
        declared_by=(
            parse_uuid(declared_by.data.id, "declared_by_user") if declared_by and declared_by.data else None
        ),
    )


# -- objects → wire ----------------------------------------------------------------------


def users_ref(user_id: uuid.UUID | None) -> dict[str, Any] | None:
    return {"id": str(user_id), "type": "users"} if user_id else None


def refs(items: list[IncidentItem], kind: ItemKind, wire_type: str) -> dict[str, Any]:
    return {"data": [{"id": str(i.id), "type": wire_type} for i in items if i.kind is kind]}


def incident_resource(detail: IncidentDetail) -> dict[str, Any]:
    incident, metrics = detail.incident, detail.incident.metrics
    modified_by = incident.modified_by or incident.created_by
    declared_by = incident.declared_by or incident.created_by
    attributes: dict[str, Any] = {
        "public_id": incident.public_id,
        "title": incident.title,
        "state": incident.state.value,
        "severity": incident.severity.value,
        "fields": incident.shown_fields(),
        "customer_impacted": incident.impact.impacted,
        "customer_impact_scope": incident.impact.scope,
        "customer_impact_start": iso(incident.impact.start),
        "customer_impact_end": iso(incident.impact.end),
        "customer_impact_duration": metrics.customer_impact_duration,
        "time_to_detect": metrics.time_to_detect,
        "time_to_internal_response": metrics.time_to_internal_response,
        "time_to_repair": metrics.time_to_repair,
        "time_to_resolve": metrics.time_to_resolve,
        "created": iso(incident.created_at),
        "modified": iso(incident.modified_at or incident.created_at),
        "declared": iso(incident.effective(TimestampKind.DECLARED)),
        "detected": iso(incident.effective(TimestampKind.DETECTED)),
        "resolved": iso(incident.effective(TimestampKind.RESOLVED)),
        "archived": None,
        "case_id": detail.case_number,
        "incident_type_uuid": str(incident.incident_type_id),
        "is_test": incident.is_test,
        "visibility": incident.visibility.value,
        "notification_handles": [h.as_data() for h in incident.notification_handles],
        "declared_by_uuid": str(declared_by),
        "declared_by": None,
        "non_datadog_creator": None,
        "commander_user_uuid": str(incident.commander_id) if incident.commander_id else None,
        "created_by_uuid": str(incident.created_by),
        "last_modified_by_uuid": str(modified_by),
    }
    return {
        "id": str(incident.id),
        "type": "incidents",
        "attributes": attributes,
        "relationships": {
            "commander_user": {"data": users_ref(incident.commander_id)},
            "created_by_user": {"data": users_ref(incident.created_by)},
            "last_modified_by_user": {"data": users_ref(modified_by)},
            "declared_by_user": {"data": users_ref(declared_by)},
            "responders": refs(incident.items, ItemKind.RESPONDER, "incident_responders"),
            "attachments": refs(incident.items, ItemKind.ATTACHMENT, "incident_attachments"),
            "impacts": refs(incident.items, ItemKind.IMPACT, "incident_impacts"),
            "integrations": refs(incident.items, ItemKind.INTEGRATION, "incident_integrations"),
            "user_defined_fields": {"data": []},
        },
    }


def incident_user(user: User) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "type": "users",
        "attributes": {
            "uuid": str(user.id),
            "email": user.email,
            "handle": user.handle,
            "name": user.name,
            "icon": "",
        },
    }


def attachment_resource(incident_id: uuid.UUID, item: IncidentItem) -> dict[str, Any]:
    attrs = item.attributes
    return {
        "id": str(item.id),
        "type": "incident_attachments",
        "attributes": {
            "attachment_type": attrs["attachment_type"],
            "attachment": {"documentUrl": attrs["documentUrl"], "title": attrs["title"]},
            "modified": iso(item.modified_at or item.created_at),
        },
        "relationships": {
            "incident": {"data": {"id": str(incident_id), "type": "incidents"}},
            "last_modified_by_user": {"data": users_ref(item.modified_by or item.created_by)},
        },
    }


def included(
    incidents: list[IncidentDetail], users: dict[uuid.UUID, User], wanted: frozenset[str]
) -> list[Any]:
    found: list[Any] = []
    if "users" in wanted:
        found.extend(incident_user(u) for u in users.values())
    if "attachments" in wanted:
        for detail in incidents:
            incident = detail.incident
            found.extend(attachment_resource(incident.id, a) for a in incident.items_of(ItemKind.ATTACHMENT))
    return found


def incident_document(detail: IncidentDetail, wanted: frozenset[str]) -> dict[str, Any]:
    return {"data": incident_resource(detail), "included": included([detail], detail.users, wanted)}


def pagination(offset: int, count: int) -> dict[str, Any]:
    return {"pagination": {"offset": offset, "next_offset": offset + count, "size": count}}
