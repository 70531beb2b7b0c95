"""An incident's sub-resources through the official client: todos, attachments, impacts,
responders, integration metadata and timestamp overrides, with their 400 and 404 answers."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.incidents_api import IncidentsApi
from datadog_api_client.v2.api.users_api import UsersApi
from datadog_api_client.v2.model.attachment_data_attributes_attachment_type import (
    AttachmentDataAttributesAttachmentType,
)
from datadog_api_client.v2.model.create_attachment_request import CreateAttachmentRequest
from datadog_api_client.v2.model.create_attachment_request_data import CreateAttachmentRequestData
from datadog_api_client.v2.model.create_attachment_request_data_attributes import (
    CreateAttachmentRequestDataAttributes,
)
from datadog_api_client.v2.model.create_attachment_request_data_attributes_attachment import (
    CreateAttachmentRequestDataAttributesAttachment,
)
from datadog_api_client.v2.model.incident_attachment_type import IncidentAttachmentType
from datadog_api_client.v2.model.incident_impact_create_attributes import IncidentImpactCreateAttributes
from datadog_api_client.v2.model.incident_impact_create_data import IncidentImpactCreateData
from datadog_api_client.v2.model.incident_impact_create_request import IncidentImpactCreateRequest
from datadog_api_client.v2.model.incident_impact_patch_attributes import IncidentImpactPatchAttributes
from datadog_api_client.v2.model.incident_impact_patch_data import IncidentImpactPatchData
from datadog_api_client.v2.model.incident_impact_patch_request import IncidentImpactPatchRequest
from datadog_api_client.v2.model.incident_impact_type import IncidentImpactType
from datadog_api_client.v2.model.incident_integration_metadata_attributes import (
    IncidentIntegrationMetadataAttributes,
)
from datadog_api_client.v2.model.incident_integration_metadata_create_data import (
    IncidentIntegrationMetadataCreateData,
)
from datadog_api_client.v2.model.incident_integration_metadata_create_request import (
    IncidentIntegrationMetadataCreateRequest,
)
from datadog_api_client.v2.model.incident_integration_metadata_patch_data import (
    IncidentIntegrationMetadataPatchData,
)
from datadog_api_client.v2.model.incident_integration_metadata_patch_request import (
    IncidentIntegrationMetadataPatchRequest,
)
from datadog_api_client.v2.model.incident_integration_metadata_type import IncidentIntegrationMetadataType
from datadog_api_client.v2.model.incident_related_object import IncidentRelatedObject
from datadog_api_client.v2.model.incident_responder_data_request import IncidentResponderDataRequest
from datadog_api_client.v2.model.incident_responder_relationships_request import (
    IncidentResponderRelationshipsRequest,
)
from datadog_api_client.v2.model.incident_responder_request import IncidentResponderRequest
from datadog_api_client.v2.model.incident_responder_type import IncidentResponderType
from datadog_api_client.v2.model.incident_responder_user_relationship import IncidentResponderUserRelationship
from datadog_api_client.v2.model.incident_responder_user_relationship_data import (
    IncidentResponderUserRelationshipData,
)
from datadog_api_client.v2.model.incident_timestamp_override_data_attributes_request import (
    IncidentTimestampOverrideDataAttributesRequest,
)
from datadog_api_client.v2.model.incident_timestamp_override_data_request import (
    IncidentTimestampOverrideDataRequest,
)
from datadog_api_client.v2.model.incident_timestamp_override_patch_data_attributes_request import (
    IncidentTimestampOverridePatchDataAttributesRequest,
)
from datadog_api_client.v2.model.incident_timestamp_override_patch_data_request import (
    IncidentTimestampOverridePatchDataRequest,
)
from datadog_api_client.v2.model.incident_timestamp_override_patch_request import (
    IncidentTimestampOverridePatchRequest,
)
from datadog_api_client.v2.model.incident_timestamp_override_request import IncidentTimestampOverrideRequest
from datadog_api_client.v2.model.incident_timestamp_override_type import IncidentTimestampOverrideType
from datadog_api_client.v2.model.incident_timestamp_type import IncidentTimestampType
from datadog_api_client.v2.model.incident_todo_assignee_array import IncidentTodoAssigneeArray
from datadog_api_client.v2.model.incident_todo_attributes import IncidentTodoAttributes
from datadog_api_client.v2.model.incident_todo_create_data import IncidentTodoCreateData
from datadog_api_client.v2.model.incident_todo_create_request import IncidentTodoCreateRequest
from datadog_api_client.v2.model.incident_todo_patch_data import IncidentTodoPatchData
from datadog_api_client.v2.model.incident_todo_patch_request import IncidentTodoPatchRequest
from datadog_api_client.v2.model.incident_todo_type import IncidentTodoType
from datadog_api_client.v2.model.patch_attachment_request import PatchAttachmentRequest
from datadog_api_client.v2.model.patch_attachment_request_data import PatchAttachmentRequestData
from datadog_api_client.v2.model.patch_attachment_request_data_attributes import (
    PatchAttachmentRequestDataAttributes,
)
from datadog_api_client.v2.model.patch_attachment_request_data_attributes_attachment import (
    PatchAttachmentRequestDataAttributesAttachment,
)
from datadog_api_client.v2.model.postmortem_attachment_request import PostmortemAttachmentRequest
from datadog_api_client.v2.model.postmortem_attachment_request_attributes import (
    PostmortemAttachmentRequestAttributes,
)
from datadog_api_client.v2.model.postmortem_attachment_request_data import PostmortemAttachmentRequestData
from datadog_api_client.v2.model.slack_integration_metadata import SlackIntegrationMetadata
from datadog_api_client.v2.model.slack_integration_metadata_channel_item import (
    SlackIntegrationMetadataChannelItem,
)

from tests.api import dd
from tests.api import incidents_dd as idd


def status_of(call: object, *args: object) -> int:
    with pytest.raises(ApiException) as caught:
        call(*args)  # type: ignore[operator]
    return int(caught.value.status)


# -- todos -------------------------------------------------------------------------------


def todo_request(content: str, assignees: list[str]) -> IncidentTodoCreateRequest:
    attrs = IncidentTodoAttributes(content=content, assignees=IncidentTodoAssigneeArray(assignees))
    return IncidentTodoCreateRequest(
        data=IncidentTodoCreateData(type=IncidentTodoType.INCIDENT_TODOS, attributes=attrs)
    )


def test_todo_lifecycle(incidents_api: IncidentsApi) -> None:
    incident = idd.create(incidents_api).data
    created = incidents_api.create_incident_todo(incident.id, todo_request("Restart the db", ["@ann"]))
    assert not created._unparsed
    todo = created.data
    assert todo.type.value == "incident_todos"
    assert todo.attributes.content == "Restart the db"
    assert todo.attributes.assignees.value == ["@ann"]
    assert todo.attributes.completed is None
    assert todo.attributes.incident_id == incident.id

    done = (idd.at("2026-01-01T10:00:00+00:00")).isoformat()
    patch = IncidentTodoPatchRequest(
        data=IncidentTodoPatchData(
            type=IncidentTodoType.INCIDENT_TODOS,
            attributes=IncidentTodoAttributes(
                content="Restart the primary", assignees=IncidentTodoAssigneeArray(["@ann"]), completed=done
            ),
        )
    )
    updated = incidents_api.update_incident_todo(incident.id, todo.id, patch).data.attributes
    assert updated.content == "Restart the primary"
    assert updated.completed is not None

    listed = incidents_api.list_incident_todos(incident.id)
    assert not listed._unparsed
    assert [t.id for t in listed.data] == [todo.id]
    assert listed.meta.pagination.size == 1
    assert incidents_api.get_incident_todo(incident.id, todo.id).data.id == todo.id

    incidents_api.delete_incident_todo(incident.id, todo.id)
    assert incidents_api.list_incident_todos(incident.id).data == []
    assert status_of(incidents_api.get_incident_todo, incident.id, todo.id) == 404


def test_todo_errors(incidents_api: IncidentsApi, http: httpx.Client) -> None:
    incident = idd.create(incidents_api).data
    path = f"/api/v2/incidents/{incident.id}/relationships/todos"
    body = {"data": {"type": "incident_todos", "attributes": {"content": "", "assignees": []}}}
    response = http.post(path, json=body)
    assert response.status_code == 400
    assert dd.only_message(response).startswith("/data/attributes/content")
    response = http.post(path, json={"data": {"type": "incident_todos", "attributes": {"content": "x"}}})
    assert dd.only_message(response).startswith("/data/attributes/assignees")
    # Malformed input is refused even when the incident does not exist.
    response = http.post(f"/api/v2/incidents/{idd.SOME_UUID}/relationships/todos", json=body)
    assert response.status_code == 400
    body["data"]["attributes"]["content"] = "fine"  # type: ignore[index]
    assert http.post(f"/api/v2/incidents/{idd.SOME_UUID}/relationships/todos", json=body).status_code == 404
    assert http.get(f"{path}/not-a-uuid").status_code == 400
    assert status_of(incidents_api.get_incident_todo, incident.id, idd.SOME_UUID) == 404


# -- attachments -------------------------------------------------------------------------


def link_request(url: str, title: str = "Runbook") -> CreateAttachmentRequest:
    return CreateAttachmentRequest(
        data=CreateAttachmentRequestData(
            type=IncidentAttachmentType.INCIDENT_ATTACHMENTS,
            attributes=CreateAttachmentRequestDataAttributes(
                attachment_type=AttachmentDataAttributesAttachmentType.LINK,
                attachment=CreateAttachmentRequestDataAttributesAttachment(document_url=url, title=title),
            ),
        )
    )


def test_attachment_lifecycle(incidents_api: IncidentsApi) -> None:
    incident = idd.create(incidents_api).data
    created = incidents_api.create_incident_attachment(
        incident.id, link_request("https://wiki.example.com/rb")
    )
    assert not created._unparsed
    attachment = created.data
    assert attachment.attributes.attachment.document_url == "https://wiki.example.com/rb"
    assert attachment.attributes.attachment_type.value == "link"
    assert attachment.relationships.incident.data.id == incident.id

    postmortem = incidents_api.create_incident_postmortem_attachment(
        incident.id,
        PostmortemAttachmentRequest(
            data=PostmortemAttachmentRequestData(
                type=IncidentAttachmentType.INCIDENT_ATTACHMENTS,
                attributes=PostmortemAttachmentRequestAttributes(
                    title="Postmortem", content="# What happened"
                ),
            )
        ),
    ).data
    assert postmortem.attributes.attachment_type.value == "postmortem"

    patch = PatchAttachmentRequest(
        data=PatchAttachmentRequestData(
            type=IncidentAttachmentType.INCIDENT_ATTACHMENTS,
            attributes=PatchAttachmentRequestDataAttributes(
                attachment=PatchAttachmentRequestDataAttributesAttachment(title="Runbook v2")
            ),
        )
    )
    updated = incidents_api.update_incident_attachment(incident.id, attachment.id, patch).data.attributes
    assert updated.attachment.title == "Runbook v2"
    assert updated.attachment.document_url == "https://wiki.example.com/rb"

    listed = incidents_api.list_incident_attachments(incident.id)
    assert not listed._unparsed
    assert {a.id for a in listed.data} == {attachment.id, postmortem.id}
    links = incidents_api.list_incident_attachments(incident.id, filter_attachment_type="link").data
    assert [a.id for a in links] == [attachment.id]

    got = incidents_api.get_incident(incident.id, include=[IncidentRelatedObject.ATTACHMENTS])
    assert not got._unparsed
    assert {a.id for a in got.data.relationships.attachments.data} == {attachment.id, postmortem.id}
    assert {i.id for i in got.included} == {attachment.id, postmortem.id}

    incidents_api.delete_incident_attachment(incident.id, attachment.id)
    assert [a.id for a in incidents_api.list_incident_attachments(incident.id).data] == [postmortem.id]


def test_attachment_errors(incidents_api: IncidentsApi, http: httpx.Client) -> None:
    incident = idd.create(incidents_api).data
    assert status_of(incidents_api.create_incident_attachment, incident.id, link_request("ftp://x")) == 400
    response = http.post(
        f"/api/v2/incidents/{incident.id}/attachments/postmortems",
        json={"data": {"type": "incident_attachments", "attributes": {"title": "PM"}}},
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]  # this operation answers with JSON:API error objects
    assert error["source"]["pointer"] == "/data/attributes/attachment/documentUrl"
    assert status_of(incidents_api.delete_incident_attachment, incident.id, idd.SOME_UUID) == 404


# -- impacts -----------------------------------------------------------------------------


def test_impact_lifecycle(incidents_api: IncidentsApi) -> None:
    incident = idd.create(incidents_api).data
    start = incident.attributes.created - timedelta(hours=1)
    created = incidents_api.create_incident_impact(
        incident.id,
        IncidentImpactCreateRequest(
            data=IncidentImpactCreateData(
                type=IncidentImpactType.INCIDENT_IMPACTS,
                attributes=IncidentImpactCreateAttributes(description="Checkout failed", start_at=start),
            )
        ),
    )
    assert not created._unparsed
    impact = created.data
    assert impact.attributes.description == "Checkout failed"
    assert impact.attributes.start_at == start
    assert impact.attributes.end_at is None

    end = start + timedelta(minutes=30)
    patch = IncidentImpactPatchRequest(
        data=IncidentImpactPatchData(
            type=IncidentImpactType.INCIDENT_IMPACTS, attributes=IncidentImpactPatchAttributes(end_at=end)
        )
    )
    patched = incidents_api.patch_incident_impact(incident.id, impact.id, patch).data.attributes
    assert patched.end_at == end
    assert patched.description == "Checkout failed"
    listed = incidents_api.list_incident_impacts(incident.id)
    assert [i.id for i in listed.data] == [impact.id]
    assert [i.id for i in incidents_api.get_incident(incident.id).data.relationships.impacts.data] == [
        impact.id
    ]

    bad = IncidentImpactPatchRequest(
        data=IncidentImpactPatchData(
            type=IncidentImpactType.INCIDENT_IMPACTS,
            attributes=IncidentImpactPatchAttributes(end_at=start - timedelta(minutes=1)),
        )
    )
    assert status_of(incidents_api.patch_incident_impact, incident.id, impact.id, bad) == 400
    incidents_api.delete_incident_impact(incident.id, impact.id)
    assert incidents_api.list_incident_impacts(incident.id).data == []


# -- responders --------------------------------------------------------------------------


def responder_request(user_id: str) -> IncidentResponderRequest:
    return IncidentResponderRequest(
        data=IncidentResponderDataRequest(
            type=IncidentResponderType.INCIDENT_RESPONDERS,
            relationships=IncidentResponderRelationshipsRequest(
                user=IncidentResponderUserRelationship(
                    data=IncidentResponderUserRelationshipData(id=uuid.UUID(user_id), type="users")
                )
            ),
        )
    )


def test_responder_lifecycle(incidents_api: IncidentsApi, users_api: UsersApi) -> None:
    user = users_api.create_user(dd.user_request(dd.unique_email("resp"), "Rae Responder")).data
    incident = idd.create(incidents_api).data
    created = incidents_api.create_incident_responder(incident.id, responder_request(user.id))
    assert not created._unparsed
    responder = created.data
    assert responder.relationships.user.data.id == user.id
    assert {u.id for u in created.included} >= {user.id}
    assert incidents_api.get_incident_responder(incident.id, responder.id).data.id == responder.id
    assert [r.id for r in incidents_api.list_incident_responders(incident.id).data] == [responder.id]
    # One entry per user.
    assert status_of(incidents_api.create_incident_responder, incident.id, responder_request(user.id)) == 400
    assert (
        status_of(incidents_api.create_incident_responder, incident.id, responder_request(idd.SOME_UUID))
        == 400
    )
    incidents_api.delete_incident_responder(incident.id, responder.id)
    assert incidents_api.list_incident_responders(incident.id).data == []


# -- integration metadata ----------------------------------------------------------------


def slack_request(channel: str) -> IncidentIntegrationMetadataCreateRequest:
    return IncidentIntegrationMetadataCreateRequest(
        data=IncidentIntegrationMetadataCreateData(
            type=IncidentIntegrationMetadataType.INCIDENT_INTEGRATIONS,
            attributes=IncidentIntegrationMetadataAttributes(
                integration_type=1,
                metadata=SlackIntegrationMetadata(
                    channels=[
                        SlackIntegrationMetadataChannelItem(
                            channel_id="C0123",
                            channel_name=channel,
                            redirect_url="https://slack.com/app_redirect?channel=C0123",
                        )
                    ]
                ),
            ),
        )
    )


def test_integration_lifecycle(incidents_api: IncidentsApi) -> None:
    incident = idd.create(incidents_api).data
    created = incidents_api.create_incident_integration(incident.id, slack_request("#inc-1"))
    assert not created._unparsed
    integration = created.data
    assert integration.attributes.integration_type == 1
    assert integration.attributes.metadata.channels[0].channel_name == "#inc-1"
    attributes = slack_request("#inc-one").data.attributes
    patch = IncidentIntegrationMetadataPatchRequest(
        data=IncidentIntegrationMetadataPatchData(
            type=IncidentIntegrationMetadataType.INCIDENT_INTEGRATIONS, attributes=attributes
        )
    )
    updated = incidents_api.update_incident_integration(incident.id, integration.id, patch)
    assert updated.data.attributes.metadata.channels[0].channel_name == "#inc-one"
    listed = incidents_api.list_incident_integrations(incident.id)
    assert [i.id for i in listed.data] == [integration.id]
    assert incidents_api.get_incident_integration(incident.id, integration.id).data.id == integration.id
    incidents_api.delete_incident_integration(incident.id, integration.id)
    assert status_of(incidents_api.get_incident_integration, incident.id, integration.id) == 404


def test_integration_metadata_must_match_a_kind(incidents_api: IncidentsApi, http: httpx.Client) -> None:
    incident = idd.create(incidents_api).data
    body = {
        "data": {"type": "incident_integrations", "attributes": {"integration_type": 1, "metadata": {"x": 1}}}
    }
    response = http.post(f"/api/v2/incidents/{incident.id}/relationships/integrations", json=body)
    assert response.status_code == 400
    assert dd.only_message(response).startswith("/data/attributes/metadata")


# -- timestamp overrides -----------------------------------------------------------------


def override_request(kind: str, value: str) -> IncidentTimestampOverrideRequest:
    return IncidentTimestampOverrideRequest(
        data=IncidentTimestampOverrideDataRequest(
            type=IncidentTimestampOverrideType.INCIDENTS_TIMESTAMP_OVERRIDES,
            attributes=IncidentTimestampOverrideDataAttributesRequest(
                timestamp_type=IncidentTimestampType(kind), timestamp_value=idd.at(value)
            ),
        )
    )


def test_timestamp_overrides_move_the_reported_times(incidents_api: IncidentsApi) -> None:
    incident = idd.create(incidents_api).data
    created = incident.attributes.created
    detected = (created - timedelta(minutes=20)).isoformat()
    override = incidents_api.create_timestamp_override(incident.id, override_request("detected", detected))
    assert not override._unparsed
    assert override.data.attributes.timestamp_type.value == "detected"
    attrs = incidents_api.get_incident(incident.id).data.attributes
    assert attrs.detected == idd.at(detected)
    assert attrs.time_to_internal_response == 20 * 60

    later = (created - timedelta(minutes=5)).isoformat()
    patch = IncidentTimestampOverridePatchRequest(
        data=IncidentTimestampOverridePatchDataRequest(
            id=override.data.id,
            type=IncidentTimestampOverrideType.INCIDENTS_TIMESTAMP_OVERRIDES,
            attributes=IncidentTimestampOverridePatchDataAttributesRequest(timestamp_value=idd.at(later)),
        )
    )
    incidents_api.update_timestamp_override(incident.id, override.data.id, patch)
    assert incidents_api.get_incident(incident.id).data.attributes.time_to_internal_response == 5 * 60
    assert (
        status_of(incidents_api.create_timestamp_override, incident.id, override_request("detected", later))
        == 400
    )

    resolved = (created + timedelta(hours=1)).isoformat()
    incidents_api.create_timestamp_override(incident.id, override_request("resolved", resolved))
    assert incidents_api.get_incident(incident.id).data.attributes.time_to_resolve == 3600
    listed = incidents_api.list_timestamp_overrides(incident.id)
    assert len(listed.data) == 2
    incidents_api.delete_timestamp_override(incident.id, override.data.id)
    assert incidents_api.get_incident(incident.id).data.attributes.detected == created
    assert status_of(incidents_api.delete_timestamp_override, incident.id, override.data.id) == 404


def test_sub_resources_of_unknown_or_deleted_incidents_are_404(incidents_api: IncidentsApi) -> None:
    incident = idd.create(incidents_api).data
    incidents_api.delete_incident(incident.id)
    for call in (
        incidents_api.list_incident_todos,
        incidents_api.list_incident_attachments,
        incidents_api.list_incident_impacts,
        incidents_api.list_incident_responders,
        incidents_api.list_incident_integrations,
        incidents_api.list_timestamp_overrides,
    ):
        assert status_of(call, incident.id) == 404
        assert status_of(call, str(uuid.uuid4())) == 404


def test_a_timestamp_override_whose_instant_no_utc_date_holds_is_400(
    incidents_api: IncidentsApi, http: httpx.Client
) -> None:
    incident = idd.create(incidents_api).data
    path = f"/api/v2/incidents/{incident.id}/timestamp-overrides"
    body = {
        "data": {
            "type": "incidents_timestamp_overrides",
            "attributes": {"timestamp_type": "detected", "timestamp_value": "9999-12-31T23:59:59-01:00"},
        }
    }
    response = http.post(path, json=body)
    assert response.status_code == 400, response.text
    assert "/data/attributes/timestamp_value" in response.text
    assert incidents_api.list_timestamp_overrides(incident.id).data == []
