"""Request bodies of an incident's sub-resources: todos, attachments, impacts, responders,
integration metadata and timestamp overrides (JSON:API, as in the v2 contract)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from casedesk.entrypoints.api_datadog.wire import Wire

# -- todos -------------------------------------------------------------------------------


class AnonymousAssignee(Wire):
    id: str
    icon: str
    name: str
    source: Literal["slack", "microsoft_teams"] = "slack"


class TodoAttributes(Wire):
    content: str
    assignees: list[str | AnonymousAssignee] = Field(max_length=50)
    completed: str | None = None
    due_date: str | None = None


class TodoData(Wire):
    type: Literal["incident_todos"]
    attributes: TodoAttributes


class TodoRequest(Wire):
    data: TodoData


# -- attachments -------------------------------------------------------------------------


class AttachmentLink(Wire):
    documentUrl: str | None = None  # noqa: N815 (the wire's name)
    title: str | None = None


class AttachmentCreateAttributes(Wire):
    attachment: AttachmentLink = Field(default_factory=AttachmentLink)
    attachment_type: Literal["postmortem", "link"] = "link"


class AttachmentCreateData(Wire):
    type: Literal["incident_attachments"]
    attributes: AttachmentCreateAttributes = Field(default_factory=AttachmentCreateAttributes)


class AttachmentCreateRequest(Wire):
    data: AttachmentCreateData


class AttachmentPatchAttributes(Wire):
    attachment: AttachmentLink = Field(default_factory=AttachmentLink)


class AttachmentPatchData(Wire):
    type: Literal["incident_attachments"]
    attributes: AttachmentPatchAttributes = Field(default_factory=AttachmentPatchAttributes)


class AttachmentPatchRequest(Wire):
    data: AttachmentPatchData


class PostmortemCell(Wire):
    id: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    type: str | None = None


class PostmortemAttributes(Wire):
    title: str | None = None
    content: str | None = None
    cells: list[PostmortemCell] = Field(default_factory=list, max_length=200)
    postmortem_template_id: str | None = None


class PostmortemData(Wire):
    type: Literal["incident_attachments"]
    attributes: PostmortemAttributes


class PostmortemRequest(Wire):
    data: PostmortemData


# -- impacts -----------------------------------------------------------------------------


class ImpactAttributes(Wire):
    description: str
    start_at: str
    end_at: str | None = None
    fields: dict[str, Any] | None = None


class ImpactData(Wire):
    type: Literal["incident_impacts"]
    attributes: ImpactAttributes


class ImpactRequest(Wire):
    data: ImpactData


class ImpactPatchAttributes(Wire):
    description: str | None = None
    start_at: str | None = None
    end_at: str | None = None
    fields: dict[str, Any] | None = None


class ImpactPatchData(Wire):
    type: Literal["incident_impacts"]
    attributes: ImpactPatchAttributes = Field(default_factory=ImpactPatchAttributes)


class ImpactPatchRequest(Wire):
    data: ImpactPatchData


# -- responders --------------------------------------------------------------------------


class ResponderUserRef(Wire):
    id: str
    type: str = "users"


class ResponderUser(Wire):
    data: ResponderUserRef


class ResponderRelationships(Wire):
    user: ResponderUser


class ResponderData(Wire):
    type: Literal["incident_responders"]
    relationships: ResponderRelationships


class ResponderRequest(Wire):
    data: ResponderData


# -- integration metadata ----------------------------------------------------------------


class SlackChannel(Wire):
    channel_id: str
    channel_name: str
    redirect_url: str
    team_id: str | None = None


class SlackMetadata(Wire):
    channels: list[SlackChannel] = Field(max_length=100)


class JiraIssue(Wire):
    project_key: str
    account: str
    issue_key: str | None = None
    issuetype_id: str | None = None
    redirect_url: str | None = None


class JiraMetadata(Wire):
    issues: list[JiraIssue] = Field(max_length=100)


class TeamsChannel(Wire):
    ms_tenant_id: str
    ms_channel_id: str
    ms_channel_name: str
    redirect_url: str
    ms_team_id: str | None = None


class TeamsMetadata(Wire):
    teams: list[TeamsChannel] = Field(max_length=100)


class IntegrationAttributes(Wire):
    integration_type: int = Field(ge=1, le=100)
    metadata: SlackMetadata | JiraMetadata | TeamsMetadata
    status: int = Field(default=0, ge=0, le=5)


class IntegrationData(Wire):
    type: Literal["incident_integrations"]
    attributes: IntegrationAttributes


class IntegrationRequest(Wire):
    data: IntegrationData


# -- timestamp overrides -----------------------------------------------------------------


class OverrideAttributes(Wire):
    timestamp_type: Literal["detected", "resolved", "declared"]
    timestamp_value: str


class OverrideData(Wire):
    type: Literal["incidents_timestamp_overrides"]
    attributes: OverrideAttributes


class OverrideRequest(Wire):
    data: OverrideData


class OverridePatchAttributes(Wire):
    timestamp_value: str


class OverridePatchData(Wire):
    id: str
    type: Literal["incidents_timestamp_overrides"]
    attributes: OverridePatchAttributes


class OverridePatchRequest(Wire):
    data: OverridePatchData
