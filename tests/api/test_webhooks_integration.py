"""Webhooks and their custom variables, configured with the official client's
WebhooksIntegrationApi as Datadog's users do."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v1.api.webhooks_integration_api import WebhooksIntegrationApi
from datadog_api_client.v1.model.webhooks_integration import WebhooksIntegration
from datadog_api_client.v1.model.webhooks_integration_custom_variable import (
    WebhooksIntegrationCustomVariable,
)
from datadog_api_client.v1.model.webhooks_integration_custom_variable_update_request import (
    WebhooksIntegrationCustomVariableUpdateRequest,
)
from datadog_api_client.v1.model.webhooks_integration_encoding import WebhooksIntegrationEncoding
from datadog_api_client.v1.model.webhooks_integration_update_request import (
    WebhooksIntegrationUpdateRequest,
)
from sqlalchemy import text

from casedesk.bootstrap import Container
from casedesk.domain.notifications.destinations import ChannelKind
from tests.api import accounts, dd
from tests.api.channels import client_as, unique
from tests.support import Server

HOOKS = "/api/v1/integration/webhooks/configuration/webhooks"
VARIABLES = "/api/v1/integration/webhooks/configuration/custom-variables"


@pytest.fixture(scope="module")
def api(dd_client: ApiClient) -> WebhooksIntegrationApi:
    return WebhooksIntegrationApi(dd_client)


@pytest.fixture(scope="module")
def read_only_api(server: Server) -> Iterator[WebhooksIntegrationApi]:
    with client_as(server, accounts.new_keys(server, role="read_only")) as client:
        yield WebhooksIntegrationApi(client)


def test_create_get_update_delete(api: WebhooksIntegrationApi, server: Server) -> None:
    name = unique("hook")
    receiver = f"http://127.0.0.1:{9}/hooks/casedesk"
    created = api.create_webhooks_integration(
        WebhooksIntegration(
            name=name,
            url=receiver,
            payload='{"title": "$CASE_TITLE"}',
            custom_headers='{"Authorization": "Bearer $TOKEN"}',
            encode_as=WebhooksIntegrationEncoding.JSON,
        )
    )
    assert not created._unparsed
    assert (created.name, created.url, created.payload, created.custom_headers, created.encode_as) == (
        name,
        receiver,
        '{"title": "$CASE_TITLE"}',
        '{"Authorization": "Bearer $TOKEN"}',
        WebhooksIntegrationEncoding.JSON,
    )
    assert api.get_webhooks_integration(name).to_dict() == created.to_dict()

    renamed = unique("renamed")
    updated = api.update_webhooks_integration(
        name,
        WebhooksIntegrationUpdateRequest(
            name=renamed, encode_as=WebhooksIntegrationEncoding.FORM, payload=None
        ),
    )
    assert (updated.name, updated.url, updated.payload, updated.encode_as.value) == (
        renamed,
        receiver,
        None,
        "form",
    )
    assert updated.custom_headers == '{"Authorization": "Bearer $TOKEN"}'
    with pytest.raises(ApiException) as gone:
        api.get_webhooks_integration(name)
    assert gone.value.status == 404

    api.delete_webhooks_integration(renamed)
    with pytest.raises(ApiException) as deleted:
        api.get_webhooks_integration(renamed)
    assert deleted.value.status == 404
    with pytest.raises(ApiException) as twice:
        api.delete_webhooks_integration(renamed)
    assert twice.value.status == 404


@pytest.mark.parametrize(
    ("body", "pointer", "says"),
    [
        ({"url": "ftp://example.com/x"}, "/url", "http or https"),
        ({"url": "not a url"}, "/url", "without spaces"),
        ({"url": "http://10.1.2.3/hook"}, "/url", "not a public address"),
        ({"url": "http://169.254.169.254/latest/meta-data"}, "/url", "not a public address"),
        ({"url": "http://[::ffff:169.254.169.254]/"}, "/url", "not a public address"),
        ({"url": "http://0xa9fea9fe/"}, "/url", "not a public address"),
        ({"custom_headers": "not json"}, "/custom_headers", "JSON object"),
        ({"custom_headers": '["a"]'}, "/custom_headers", "JSON object"),
        ({"custom_headers": '{"webhook-signature": "x"}'}, "/custom_headers", "sets the webhook-signature"),
        ({"custom_headers": '{"X-A": 1}'}, "/custom_headers", "one-line string"),
        ({"name": "has space"}, "/name", "letters, digits"),
        ({"encode_as": "xml"}, "/encode_as", "encode_as"),
        ({"url": 5}, "/url", "must be a string"),
    ],
)
def test_bad_webhooks_are_400s_pointing_at_the_member(
    http: httpx.Client, body: dict[str, object], pointer: str, says: str
) -> None:
    sent = {"name": unique("hook"), "url": "https://example.com/hook", **body}
    response = http.post(HOOKS, json=sent)
    assert response.status_code == 400, response.text
    [message] = response.json()["errors"]
    assert message.startswith(f"{pointer}: "), message
    assert says in message, message


def test_a_taken_name_is_refused(api: WebhooksIntegrationApi, http: httpx.Client) -> None:
    name = unique("hook")
    api.create_webhooks_integration(WebhooksIntegration(name=name, url="https://example.com/a"))
    response = http.post(HOOKS, json={"name": name, "url": "https://example.com/b"})
    assert response.status_code == 400
    assert response.json()["errors"][0].startswith("/name: ")
    other = unique("hook")
    api.create_webhooks_integration(WebhooksIntegration(name=other, url="https://example.com/c"))
    renaming = http.put(f"{HOOKS}/{other}", json={"name": name})
    assert renaming.status_code == 400
    assert renaming.json()["errors"][0].startswith("/name: ")


def test_an_update_is_checked_like_a_creation(api: WebhooksIntegrationApi, http: httpx.Client) -> None:
    name = unique("hook")
    api.create_webhooks_integration(WebhooksIntegration(name=name, url="https://example.com/a"))
    refused = http.put(f"{HOOKS}/{name}", json={"url": "http://192.168.1.1/"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0].startswith("/url: ")
    assert api.get_webhooks_integration(name).url == "https://example.com/a"
    missing = http.put(f"{HOOKS}/{unique('nobody')}", json={"url": "https://example.com/b"})
    assert missing.status_code == 404


def test_custom_variables_never_answer_a_secret(
    api: WebhooksIntegrationApi, http: httpx.Client, container: Container
) -> None:
    plain = "PLAIN_" + unique("v").upper().replace("-", "_")
    secret = "TOKEN_" + unique("v").upper().replace("-", "_")
    shown = api.create_webhooks_integration_custom_variable(
        WebhooksIntegrationCustomVariable(name=plain, value="prod", is_secret=False)
    )
    assert (shown.name, shown.value, shown.is_secret) == (plain, "prod", False)
    hidden = api.create_webhooks_integration_custom_variable(
        WebhooksIntegrationCustomVariable(name=secret, value="s3cr3t-value", is_secret=True)
    )
    assert (hidden.name, hidden.is_secret) == (secret, True)
    assert "value" not in hidden.to_dict()
    raw = http.get(f"{VARIABLES}/{secret}")
    assert raw.status_code == 200
    assert raw.json() == {"name": secret, "is_secret": True}
    assert "s3cr3t-value" not in raw.text

    changed = api.update_webhooks_integration_custom_variable(
        plain, WebhooksIntegrationCustomVariableUpdateRequest(value="staging")
    )
    assert changed.value == "staging"
    api.update_webhooks_integration_custom_variable(
        secret, WebhooksIntegrationCustomVariableUpdateRequest(value="rotated-value")
    )
    assert "value" not in api.get_webhooks_integration_custom_variable(secret).to_dict()

    # The worker gets them: secret ones with the secrets, the others with the config.
    hook = unique("hook")
    api.create_webhooks_integration(WebhooksIntegration(name=hook, url="https://example.com/v"))
    found = container.destinations.find(ChannelKind.WEBHOOK, hook)
    assert found is not None
    assert found.config["variables"][plain] == "staging"
    assert found.secrets[secret] == "rotated-value"
    assert secret not in found.config["variables"]
    # At rest the secret is sealed: its row does not hold it.
    with container.engine.connect() as conn:
        stored = conn.execute(text("SELECT value FROM webhook_variables WHERE name = :n"), {"n": secret})
        assert "rotated-value" not in stored.scalar_one()

    api.delete_webhooks_integration_custom_variable(plain)
    with pytest.raises(ApiException) as gone:
        api.get_webhooks_integration_custom_variable(plain)
    assert gone.value.status == 404


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"name": "lower_case", "value": "v", "is_secret": False}, "/name"),
        ({"name": "OK_NAME", "value": "v", "is_secret": "yes"}, "/is_secret"),
        ({"name": "OK_NAME", "is_secret": False}, "/value"),
    ],
)
def test_bad_custom_variables_are_400s(http: httpx.Client, body: dict[str, object], pointer: str) -> None:
    response = http.post(VARIABLES, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0].startswith(f"{pointer}: ")


def test_everyone_reads_only_admins_write(
    api: WebhooksIntegrationApi, read_only_api: WebhooksIntegrationApi
) -> None:
    name = unique("hook")
    api.create_webhooks_integration(WebhooksIntegration(name=name, url="https://example.com/r"))
    assert read_only_api.get_webhooks_integration(name).url == "https://example.com/r"
    with pytest.raises(ApiException) as refused:
        read_only_api.create_webhooks_integration(WebhooksIntegration(name=unique("h"), url="https://e.com"))
    assert refused.value.status == 403
    assert "manage_integrations" in dd.error_messages(refused.value)[0]
    with pytest.raises(ApiException) as delete:
        read_only_api.delete_webhooks_integration(name)
    assert delete.value.status == 403


def test_changes_are_audited_without_secrets(api: WebhooksIntegrationApi, container: Container) -> None:
    name = "AUDIT_" + unique("v").upper().replace("-", "_")
    api.create_webhooks_integration_custom_variable(
        WebhooksIntegrationCustomVariable(name=name, value="never-in-the-log", is_secret=True)
    )
    entries = container.identity.audit_entries(limit=50)
    entry = next(e for e in entries if e.target_id == name)
    assert entry.action.value == "channel.created"
    assert entry.target_type == "webhook_variable"
    assert "never-in-the-log" not in str(entry.data)


def test_unknown_integration_paths_answer_in_datadogs_body(http: httpx.Client) -> None:
    unknown = http.get("/api/v1/integration/nothing/here")
    assert unknown.status_code == 404
    assert all(isinstance(m, str) for m in unknown.json()["errors"])
    wrong_method = http.patch(f"{HOOKS}/x", json={})
    assert wrong_method.status_code == 405
    assert isinstance(wrong_method.json()["errors"][0], str)
    # The rest of /api/v1 is still Tines'.
    tines = http.get("/api/v1/nothing/here")
    assert tines.status_code == 404
    assert "error" in tines.json()
