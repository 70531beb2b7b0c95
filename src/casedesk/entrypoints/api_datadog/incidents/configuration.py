"""Datadog dialect: an incident's own configuration, and the operations about Datadog
products casedesk does not host (Google Chat and Meet, On-Call pages, ServiceNow records,
AI postmortems), which answer 400 with a sentence saying so instead of pretending."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from casedesk.domain.errors import DomainError, NotFound
from casedesk.domain.incidents import commands as ic
from casedesk.domain.incidents.incident import Incident, IncidentItem
from casedesk.domain.incidents.items import CONFIGURATION_FLAGS, ItemKind
from casedesk.domain.vocab import Scope
from casedesk.entrypoints.api_datadog.incidents.mapping import iso, users_ref
from casedesk.entrypoints.api_datadog.schemas import Wire
from casedesk.entrypoints.http.deps import Context, context

router = APIRouter()
Reader = Annotated[Context, Depends(context(Scope.INCIDENT_READ))]
Writer = Annotated[Context, Depends(context(Scope.INCIDENT_WRITE))]
Admin = Annotated[Context, Depends(context(Scope.INCIDENT_SETTINGS_WRITE))]
Doc = dict[str, Any]


class NotHosted(DomainError):
    """An operation about a product casedesk does not host; answered with 400, a status
    every one of these operations declares."""

    def __init__(self, product: str) -> None:
        super().__init__(
            f"{product} is a Datadog product that casedesk does not host, so this operation is not available"
        )


# -- per-incident configuration ----------------------------------------------------------


class ConfigurationAttributes(Wire):
    execute_integrations: bool | None = None
    execute_notification_rules: bool | None = None
    include_in_analytics: bool | None = None
    include_in_search: bool | None = None


class ConfigurationData(Wire):
    type: str = "incidents_configurations"
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
    incident = ctx.container.incidents.incident(ref).incident
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


# -- products casedesk does not host -----------------------------------------------------


def refuse(product: str) -> Any:
    def endpoint(ctx: Reader) -> Doc:
        raise NotHosted(product)

    return endpoint


NOT_HOSTED = [
    ("POST", "/incidents/config/google-chat-configurations", "CreateIncidentGoogleChatConfiguration",
     "Google Chat"),
    ("PATCH", "/incidents/config/google-chat-configurations/{id}", "UpdateIncidentGoogleChatConfiguration",
     "Google Chat"),
    ("POST", "/incidents/config/google-meet-configurations", "CreateIncidentGoogleMeetConfiguration",
     "Google Meet"),
    ("PATCH", "/incidents/config/google-meet-configurations/{id}", "UpdateIncidentGoogleMeetConfiguration",
     "Google Meet"),
    ("POST", "/incidents/{incident_id}/ai/postmortem", "GetIncidentAIPostmortem", "Bits AI (AI postmortems)"),
    ("POST", "/incidents/{incident_id}/cases/page", "CreatePageFromIncident", "On-Call (paging)"),
    ("POST", "/incidents/{incident_id}/page", "CreateOnCallPageFromIncident", "On-Call (paging)"),
    ("POST", "/incidents/{incident_id}/pages/link", "LinkPageToIncident", "On-Call (paging)"),
    ("POST", "/incidents/{incident_id}/servicenow-records", "CreateIncidentServiceNowRecord",
     "The ServiceNow integration"),
]  # fmt: skip

for method, path, name, product in NOT_HOSTED:
    router.add_api_route(path, refuse(product), methods=[method], name=name)
