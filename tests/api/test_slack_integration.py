"""Slack channels, configured with the official client's SlackIntegrationApi on an account
added at the command line (`casedesk slack accounts add`)."""

from __future__ import annotations

import httpx
import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v1.api.slack_integration_api import SlackIntegrationApi
from datadog_api_client.v1.model.slack_integration_channel import SlackIntegrationChannel
from datadog_api_client.v1.model.slack_integration_channel_display import SlackIntegrationChannelDisplay

from casedesk.bootstrap import Container
from casedesk.domain.notifications.destinations import ChannelKind
from tests.api import accounts
from tests.api.channels import add_slack_account, client_as, unique
from tests.support import Server

BASE = "/api/v1/integration/slack/configuration/accounts"


@pytest.fixture(scope="module")
def api(dd_client: ApiClient) -> SlackIntegrationApi:
    return SlackIntegrationApi(dd_client)


@pytest.fixture(scope="module")
def account(server: Server) -> str:
    return add_slack_account(server, token="xoxb-111-222-abc")


def test_list_create_get_update_delete(api: SlackIntegrationApi, account: str, container: Container) -> None:
    channel = "#" + unique("incidents")
    created = api.create_slack_integration_channel(
        account,
        SlackIntegrationChannel(
            name=channel, display=SlackIntegrationChannelDisplay(snapshot=False, mute_buttons=True)
        ),
    )
    assert not created._unparsed
    assert created.name == channel
    assert created.display.to_dict() == {
        "message": True,
        "notified": True,
        "snapshot": False,
        "tags": True,
        "mute_buttons": True,
    }
    listed = api.get_slack_integration_channels(account)
    assert channel in [c.name for c in listed.value]
    bare = channel.removeprefix("#")
    assert api.get_slack_integration_channel(account, bare).to_dict() == created.to_dict()

    found = container.destinations.find(ChannelKind.SLACK, f"{account}/{channel}")
    assert found is not None
    assert found.name == f"{account}/{bare}"
    assert found.config["channel"] == bare
    assert found.config["display"]["snapshot"] is False
    assert dict(found.secrets) == {"token": "xoxb-111-222-abc"}

    renamed = "#" + unique("renamed")
    updated = api.update_slack_integration_channel(
        account,
        bare,
        SlackIntegrationChannel(name=renamed, display=SlackIntegrationChannelDisplay(tags=False)),
    )
    assert updated.name == renamed
    assert (updated.display.tags, updated.display.snapshot) == (False, False)
    assert container.destinations.find(ChannelKind.SLACK, f"{account}/{bare}") is None

    api.remove_slack_integration_channel(account, renamed.removeprefix("#"))
    with pytest.raises(ApiException) as gone:
        api.get_slack_integration_channel(account, renamed.removeprefix("#"))
    assert gone.value.status == 404


def test_an_unknown_account_is_404(api: SlackIntegrationApi, http: httpx.Client) -> None:
    nobody = unique("nobody")
    with pytest.raises(ApiException) as listing:
        api.get_slack_integration_channels(nobody)
    assert listing.value.status == 404
    with pytest.raises(ApiException) as creating:
        api.create_slack_integration_channel(nobody, SlackIntegrationChannel(name="#general"))
    assert creating.value.status == 404
    assert "Slack account" in creating.value.body["errors"][0]


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"name": "#Has Space"}, "/name"),
        ({"name": "#a/b"}, "/name"),
        ({"name": "#ok", "display": {"tags": "yes"}}, "/display/tags"),
        ({"display": {"tags": True}}, "/name"),
    ],
)
def test_bad_channels_are_400s(
    http: httpx.Client, account: str, body: dict[str, object], pointer: str
) -> None:
    response = http.post(f"{BASE}/{account}/channels", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0].startswith(f"{pointer}: ")


def test_a_channel_configured_twice_is_refused(http: httpx.Client, account: str) -> None:
    channel = "#" + unique("dup")
    assert http.post(f"{BASE}/{account}/channels", json={"name": channel}).status_code == 201
    again = http.post(f"{BASE}/{account}/channels", json={"name": channel.removeprefix("#")})
    assert again.status_code == 400
    assert again.json()["errors"][0].startswith("/name: ")


def test_the_token_is_never_answered(http: httpx.Client, account: str) -> None:
    http.post(f"{BASE}/{account}/channels", json={"name": "#" + unique("t")})
    listed = http.get(f"{BASE}/{account}/channels")
    assert listed.status_code == 200
    assert "xoxb" not in listed.text


def test_read_only_users_read_but_do_not_write(server: Server, account: str) -> None:
    with client_as(server, accounts.new_keys(server, role="read_only")) as client:
        reader = SlackIntegrationApi(client)
        reader.get_slack_integration_channels(account)
        with pytest.raises(ApiException) as refused:
            reader.create_slack_integration_channel(account, SlackIntegrationChannel(name="#nope"))
        assert refused.value.status == 403
