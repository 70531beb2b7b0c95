"""Microsoft Teams Workflows handles, configured with the official client's
MicrosoftTeamsIntegrationApi. The Workflows URL is a bearer secret: never answered."""

from __future__ import annotations

import httpx
import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.microsoft_teams_integration_api import MicrosoftTeamsIntegrationApi
from datadog_api_client.v2.model.microsoft_teams_create_workflows_webhook_handle_request import (
    MicrosoftTeamsCreateWorkflowsWebhookHandleRequest,
)
from datadog_api_client.v2.model.microsoft_teams_update_workflows_webhook_handle_request import (
    MicrosoftTeamsUpdateWorkflowsWebhookHandleRequest,
)
from datadog_api_client.v2.model.microsoft_teams_update_workflows_webhook_handle_request_data import (
    MicrosoftTeamsUpdateWorkflowsWebhookHandleRequestData,
)
from datadog_api_client.v2.model.microsoft_teams_workflows_webhook_handle_attributes import (
    MicrosoftTeamsWorkflowsWebhookHandleAttributes,
)
from datadog_api_client.v2.model.microsoft_teams_workflows_webhook_handle_request_attributes import (
    MicrosoftTeamsWorkflowsWebhookHandleRequestAttributes,
)
from datadog_api_client.v2.model.microsoft_teams_workflows_webhook_handle_request_data import (
    MicrosoftTeamsWorkflowsWebhookHandleRequestData,
)
from datadog_api_client.v2.model.microsoft_teams_workflows_webhook_handle_type import (
    MicrosoftTeamsWorkflowsWebhookHandleType,
)

from casedesk.bootstrap import Container
from casedesk.domain.notifications.destinations import ChannelKind
from tests.api import accounts
from tests.api.channels import TEAMS_URL, client_as, unique
from tests.support import Server

HANDLES = "/api/v2/integration/ms-teams/configuration/workflows-webhook-handles"
TYPE = MicrosoftTeamsWorkflowsWebhookHandleType.WORKFLOWS_WEBHOOK_HANDLE


@pytest.fixture(scope="module")
def api(dd_client: ApiClient) -> MicrosoftTeamsIntegrationApi:
    return MicrosoftTeamsIntegrationApi(dd_client)


def create_request(name: str, url: str = TEAMS_URL) -> MicrosoftTeamsCreateWorkflowsWebhookHandleRequest:
    attributes = MicrosoftTeamsWorkflowsWebhookHandleRequestAttributes(name=name, url=url)
    return MicrosoftTeamsCreateWorkflowsWebhookHandleRequest(
        data=MicrosoftTeamsWorkflowsWebhookHandleRequestData(type=TYPE, attributes=attributes)
    )


def update_request(**attributes: str) -> MicrosoftTeamsUpdateWorkflowsWebhookHandleRequest:
    return MicrosoftTeamsUpdateWorkflowsWebhookHandleRequest(
        data=MicrosoftTeamsUpdateWorkflowsWebhookHandleRequestData(
            type=TYPE, attributes=MicrosoftTeamsWorkflowsWebhookHandleAttributes(**attributes)
        )
    )


def test_list_create_get_update_delete(
    api: MicrosoftTeamsIntegrationApi, http: httpx.Client, container: Container
) -> None:
    name = unique("sre")
    created = api.create_workflows_webhook_handle(create_request(name))
    assert not created._unparsed
    handle = created.data
    assert (handle.type, handle.attributes.name) == (TYPE, name)
    assert api.get_workflows_webhook_handle(handle.id).data.attributes.name == name
    assert [h.id for h in api.list_workflows_webhook_handles(name=name).data] == [handle.id]
    assert handle.id in [h.id for h in api.list_workflows_webhook_handles().data]
    assert api.list_workflows_webhook_handles(name=unique("none")).data == []
    raw = http.get(f"{HANDLES}/{handle.id}")
    assert "sig=" not in raw.text
    assert "logic.azure.com" not in raw.text

    found = container.destinations.find(ChannelKind.TEAMS, name)
    assert found is not None
    assert dict(found.secrets) == {"url": TEAMS_URL}
    assert found.config == {"host": "prod-00.westus.logic.azure.com"}

    renamed = unique("renamed")
    new_url = TEAMS_URL.replace("abc", "def")
    updated = api.update_workflows_webhook_handle(handle.id, update_request(name=renamed, url=new_url))
    assert updated.data.attributes.name == renamed
    moved = container.destinations.find(ChannelKind.TEAMS, renamed)
    assert moved is not None
    assert moved.secrets["url"] == new_url

    api.delete_workflows_webhook_handle(handle.id)
    with pytest.raises(ApiException) as gone:
        api.get_workflows_webhook_handle(handle.id)
    assert gone.value.status == 404


@pytest.mark.parametrize(
    "url",
    [
        "https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456",
        "https://outlook.office.com/webhook/abc/IncomingWebhook/def",
    ],
)
def test_retired_office_365_connectors_are_refused(api: MicrosoftTeamsIntegrationApi, url: str) -> None:
    with pytest.raises(ApiException) as refused:
        api.create_workflows_webhook_handle(create_request(unique("old"), url))
    assert refused.value.status == 400
    [message] = refused.value.body["errors"]
    assert message.startswith("/data/attributes/url: ")
    assert "retired" in message
    assert "Workflows" in message


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        ({"name": "ok", "url": "http://10.0.0.5/flow"}, "/data/attributes/url"),
        ({"name": "ok", "url": "file:///etc/passwd"}, "/data/attributes/url"),
        ({"name": "has space", "url": TEAMS_URL}, "/data/attributes/name"),
        ({"name": "ok"}, "/data/attributes/url"),
    ],
)
def test_bad_handles_are_400s(http: httpx.Client, attributes: dict[str, str], pointer: str) -> None:
    body = {"data": {"type": "workflows-webhook-handle", "attributes": attributes}}
    response = http.post(HANDLES, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0].startswith(f"{pointer}: ")


def test_unknown_and_malformed_ids(http: httpx.Client) -> None:
    assert http.get(f"{HANDLES}/00000000-0000-0000-0000-000000000009").status_code == 404
    malformed = http.get(f"{HANDLES}/not-a-uuid")
    assert malformed.status_code == 400
    assert malformed.json()["errors"][0].startswith('parameter "handle_id": ')


def test_read_only_users_read_but_do_not_write(api: MicrosoftTeamsIntegrationApi, server: Server) -> None:
    handle = api.create_workflows_webhook_handle(create_request(unique("ro"))).data
    with client_as(server, accounts.new_keys(server, role="read_only")) as client:
        reader = MicrosoftTeamsIntegrationApi(client)
        assert reader.get_workflows_webhook_handle(handle.id).data.id == handle.id
        with pytest.raises(ApiException) as refused:
            reader.delete_workflows_webhook_handle(handle.id)
        assert refused.value.status == 403
