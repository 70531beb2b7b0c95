"""What users may write when they configure channels, checked before anything is stored."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.notifications import channels as ch
from casedesk.domain.notifications import commands as nc
from casedesk.entrypoints.api_datadog.errors import field_location

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://example.com/", "http or https"),
        ("javascript:alert(1)", "http or https"),
        ("https:///no-host", "no host"),
        ("https://example.com:99999/", "not a valid URL"),
        ("https://exa mple.com/", "without spaces"),
        ("", "1 to"),
        ("https://example.com/" + "a" * ch.URL_MAX, "1 to"),
    ],
)
def test_urls_must_be_absolute_http(url: str, says: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        ch.clean_url(url)
    assert refused.value.field == "url"
    assert says in refused.value.message


def test_good_urls_pass() -> None:
    for url in ("https://example.com/hook?x=1", "http://user:pw@127.0.0.1:8080/h", "https://[2001:db8::1]/"):
        assert ch.clean_url(url) == url


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[1]",
        '{"bad name": "x"}',
        '{"Host": "x"}',
        '{"X-A": ["x"]}',
        '{"X-A": "a\\nb"}',
        "[" * 100_000,
    ],
)
def test_custom_headers_are_one_json_object_of_plain_headers(text: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        ch.clean_headers(text)
    assert refused.value.field == "custom_headers"


def test_empty_custom_headers_are_none() -> None:
    assert ch.clean_headers(None) is None
    assert ch.clean_headers("  ") is None
    assert ch.clean_headers('{"Authorization": "Bearer $TOKEN"}') == '{"Authorization": "Bearer $TOKEN"}'


@pytest.mark.parametrize(
    "url",
    [
        "https://contoso.webhook.office.com/webhookb2/a@b/IncomingWebhook/c/d",
        "https://outlook.office.com/webhook/a/IncomingWebhook/b",
        "https://OUTLOOK.office.com/Webhook/x",
    ],
)
def test_retired_teams_connectors_are_refused(url: str) -> None:
    with pytest.raises(ValidationFailed, match="retired"):
        ch.clean_teams_url(url)


def test_workflows_urls_pass() -> None:
    url = "https://prod-12.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=y"
    assert ch.clean_teams_url(url) == url
    other = "https://a1.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/x?sig=y"
    assert ch.clean_teams_url(other) == other


@pytest.mark.parametrize(
    ("name", "clean"), [("#ops", "ops"), ("incidents-prod", "incidents-prod"), (" #a_b ", "a_b")]
)
def test_slack_channel_names_lose_their_hash(name: str, clean: str) -> None:
    assert ch.clean_slack_channel(name) == clean


@pytest.mark.parametrize("name", ["#", "#Ops", "#a b", "#a/b", "#a.b", "#" + "a" * 81])
def test_bad_slack_channel_names(name: str) -> None:
    with pytest.raises(ValidationFailed):
        ch.clean_slack_channel(name)


def test_names_in_handles() -> None:
    assert nc.CreateWebhook(" ops-1 ", "https://example.com").name == "ops-1"
    for bad in ("", "a b", "a@b", "a/b", "x" * 101):
        with pytest.raises(ValidationFailed) as refused:
            nc.CreateWebhook(bad, "https://example.com")
        assert refused.value.field == "name"
    with pytest.raises(ValidationFailed) as service:
        nc.CreatePagerDutyService("a b", "key")
    assert service.value.field == "service_name"
    with pytest.raises(ValidationFailed) as key:
        nc.CreatePagerDutyService("ok", "")
    assert key.value.field == "service_key"
    with pytest.raises(ValidationFailed):
        nc.CreateCustomVariable("lower", "v", is_secret=False)


def test_signing_secrets_and_their_grace_period() -> None:
    fresh = ch.new_signing_secret()
    assert fresh.startswith("whsec_")
    assert len(base64.b64decode(fresh.removeprefix("whsec_"))) == ch.SIGNING_SECRET_BYTES
    assert ch.new_signing_secret() != fresh
    rotated = ch.SigningSecrets(fresh).rotate(NOW)
    assert (rotated.previous, rotated.rotated_at) == (fresh, NOW)
    assert rotated.current != fresh
    assert rotated.previous_at(NOW + timedelta(hours=23)) == fresh
    assert rotated.previous_at(NOW + timedelta(hours=24)) is None
    assert ch.SigningSecrets(fresh).previous_at(NOW) is None


def test_v1_integration_bodies_are_flat() -> None:
    assert field_location("url", "CreateWebhooksIntegration") == {"pointer": "/url"}
    assert field_location("service_key", "UpdatePagerDutyIntegrationService") == {"pointer": "/service_key"}
    assert field_location("url", "CreateWorkflowsWebhookHandle") == {"pointer": "/data/attributes/url"}
    assert field_location("handle_id", "GetWorkflowsWebhookHandle", ["handle_id"]) == {
        "parameter": "handle_id"
    }
