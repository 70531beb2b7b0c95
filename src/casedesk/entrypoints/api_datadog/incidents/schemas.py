"""Request bodies of the Datadog Incidents API (JSON:API), as in the v2 contract.

Unknown members are ignored; every known member is typed so that a wrong value is refused
with a pointer to it before anything is looked up. Timestamps stay strings here and are
parsed by the mapping, which names the member that does not parse.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from casedesk.entrypoints.api_datadog.wire import Wire

SingleKind = Literal["dropdown", "textbox"]
MultiKind = Literal["multiselect", "textarray", "metrictag", "autocomplete"]


class FieldValue(Wire):
    """One field selection; single kinds carry a string, multi kinds a list of strings."""

    type: SingleKind | MultiKind = "dropdown"
    value: str | list[str] | None = None


class UsersRef(Wire):
    id: str
    type: Literal["users"]


class NullableUsersRelationship(Wire):
    data: UsersRef | None


class NotificationHandle(Wire):
    handle: str = ""
    display_name: str = ""


class MarkdownContent(Wire):
    content: str = ""


class InitialCell(Wire):
    cell_type: Literal["markdown"]
    content: MarkdownContent
    important: bool = False


# -- incidents ---------------------------------------------------------------------------


class IncidentCreateAttributes(Wire):
    title: str
    customer_impacted: bool
    customer_impact_scope: str | None = None
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    incident_type_uuid: str | None = None
    initial_cells: list[InitialCell] = Field(default_factory=list)
    is_test: bool = False
    notification_handles: list[NotificationHandle] = Field(default_factory=list)


class IncidentCreateRelationships(Wire):
    commander_user: NullableUsersRelationship | None = None


class IncidentCreateData(Wire):
    type: Literal["incidents"]
    attributes: IncidentCreateAttributes
    relationships: IncidentCreateRelationships | None = None


class IncidentCreateRequest(Wire):
    data: IncidentCreateData


class IncidentUpdateAttributes(Wire):
    title: str | None = None
    customer_impacted: bool | None = None
    customer_impact_scope: str | None = None
    customer_impact_start: str | None = None
    customer_impact_end: str | None = None
    detected: str | None = None
    fields: dict[str, FieldValue] | None = None
    notification_handles: list[NotificationHandle] | None = None


class IncidentUpdateRelationships(Wire):
    commander_user: NullableUsersRelationship | None = None


class IncidentUpdateData(Wire):
    id: str
    type: Literal["incidents"]
    attributes: IncidentUpdateAttributes = Field(default_factory=IncidentUpdateAttributes)
    relationships: IncidentUpdateRelationships | None = None


class IncidentUpdateRequest(Wire):
    data: IncidentUpdateData


class IncidentImportAttributes(Wire):
    title: str = Field(max_length=1024)
    declared: str | None = None
    detected: str | None = None
    resolved: str | None = None
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    incident_type_uuid: str | None = None
    visibility: Literal["organization", "private"] = "organization"


class IncidentImportRelationships(Wire):
    commander_user: NullableUsersRelationship | None = None
    declared_by_user: NullableUsersRelationship | None = None


class IncidentImportData(Wire):
    type: Literal["incidents"]
    attributes: IncidentImportAttributes
    relationships: IncidentImportRelationships | None = None


class IncidentImportRequest(Wire):
    data: IncidentImportData


class IncidentRelationshipData(Wire):
    id: str
    type: Literal["incidents"]


class RelationshipToIncidentRequest(Wire):
    data: IncidentRelationshipData
