"""Datadog dialect: an incident's own configuration (`/incidents/{incident_id}/configurations`):
whether its integrations and notification rules run, and whether analytics and search see it."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from casedesk.domain.errors import NotFound
from casedesk.domain.incidents import commands as ic
from casedesk.domain.incidents.incident import Incident, IncidentItem
from casedesk.domain.incidents.items import CONFIGURATION_FLAGS, ItemKind
from casedesk.entrypoints.api_datadog.access import IncidentWriter as Writer
from casedesk.entrypoints.api_datadog.incidents.mapping import users_ref
from casedesk.entrypoints.api_datadog.wire import Wire, iso
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()
Doc = dict[str, Any]


class ConfigurationAttributes(Wire):
    execute_integrations: bool | None = None
    execute_notification_rules: bool | None = None
    include_in_analytics: bool | None = None
    include_in_search: bool | None = None


class ConfigurationData(Wire):
    type: Literal["incidents_configurations"] = "incidents_configurations"
    # The incident names its one configuration; an id, when sent, must be text.
    id: str | None = None
    attributes: ConfigurationAttributes = ConfigurationAttributes()


class ConfigurationRequest(Wire):
    data: ConfigurationData


def configuration_resource(incident: Incident, item: IncidentItem) -> Doc:
    return {
        "data": {
            "id": str(item.id),
            "type": "incidents_configurations",
            "attributes": {
                **{name: item.attributes[name] for name in CONFIGURATION_FLAGS},
                "incident_id": str(incident.id),
                "created_at": iso(item.created_at),
                "modified_at": iso(item.modified_at or item.created_at),
            },
            "relationships": {
                "created_by_user": {"data": users_ref(item.created_by)},
                "last_modified_by_user": {"data": users_ref(item.modified_by or item.created_by)},
            },
        }
    }


def configuration(ctx: Context, ref: ic.IncidentRef) -> Doc:
    incident = ctx.services.incidents.incident(ctx.visibility, ref).incident
    items = incident.items_of(ItemKind.CONFIGURATION)
    if not items:
        raise NotFound("incident configuration", ref)
    return configuration_resource(incident, items[0])


def flags(body: ConfigurationRequest) -> dict[str, Any]:
    return body.data.attributes.model_dump(exclude_none=True)


@router.post("/incidents/{incident_id}/configurations", name="CreateIncidentConfiguration")
def create_configuration(incident_id: str, body: ConfigurationRequest, ctx: Writer) -> Doc:
    ref = ic.IncidentRef.parse(incident_id)
    ctx.handle(ic.AddIncidentItem(ref, ItemKind.CONFIGURATION, flags(body)))
    return configuration(ctx, ref)


@router.patch("/incidents/{incident_id}/configurations", name="UpdateIncidentConfiguration")
def update_configuration(incident_id: str, body: ConfigurationRequest, ctx: Writer) -> Doc:
    ref = ic.IncidentRef.parse(incident_id)
    item_id = uuid.UUID(configuration(ctx, ref)["data"]["id"])
    ctx.handle(ic.UpdateIncidentItem(ref, ItemKind.CONFIGURATION, item_id, flags(body)))
    return configuration(ctx, ref)
