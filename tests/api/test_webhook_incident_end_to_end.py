"""Webhooks end to end: an incident notification rule with a notification template and an
incident's own handles, maintenance windows that suppress, and configuration refused with a
pointer. Webhooks are made through Datadog's integration API and signed with the secret
`casedesk webhooks secret` shows; the receiver verifies every request independently."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api import incidents_dd as idd
from tests.api.channels import unique
from tests.api.notifying import RULES, Notifying, eventually, rule_body
from tests.api.test_channels_end_to_end import slack_channel
from tests.receivers.fixtures import Served
from tests.receivers.slack import FakeSlack
from tests.receivers.webhook import WebhookReceiver, receiving

HOOKS = "/api/v1/integration/webhooks/configuration/webhooks"
INCIDENT_RULES = "/api/v2/incidents/config/notification-rules"
TEMPLATES = "/api/v2/incidents/config/notification-templates"
PAYLOAD = '{"title": "$EVENT_TITLE", "message": "$EVENT_MSG", "type": "$EVENT_TYPE"}'


@contextmanager
def hooked(notifying: Notifying, **config: Any) -> Iterator[tuple[str, WebhookReceiver]]:
    """A webhook configured through the API, pointing at a receiver that knows its secret."""
    name = unique("bridge")
    made = notifying.http.post(HOOKS, json={"name": name, "url": "https://hooks.example.com/x", **config})
    assert made.status_code == 201, made.text
    shown = notifying.server.cli("webhooks", "secret", name, "--json")
    assert shown.returncode == 0, shown.stderr
    with receiving(json.loads(shown.stdout)["secret"]) as receiver:
        moved = notifying.http.put(f"{HOOKS}/{name}", json={"url": receiver.url})
        assert moved.status_code == 200, moved.text
        yield name, receiver


def new_template(notifying: Notifying) -> str:
    attributes = {
        "name": unique("page"),
        "subject": "Paging: {{incident.title}}",
        "content": "Severity {{incident.severity}}, state {{incident.state}}: {{incident.url}}",
        "category": "alert",
    }
    made = notifying.http.post(
        TEMPLATES, json={"data": {"type": "notification_templates", "attributes": attributes}}
    )
    assert made.status_code == 201, made.text
    return str(made.json()["data"]["id"])


def test_an_incident_rule_s_template_reaches_its_webhook_and_the_incident_s_handles_hear_of_it(
    notifying: Notifying, fake_slack: Served[FakeSlack]
) -> None:
    account, channel = slack_channel(notifying, fake_slack.fake)
    title = unique("Checkout is down")
    with hooked(notifying, payload=PAYLOAD) as (hook, receiver):
        template = new_template(notifying)
        attributes = {
            "conditions": [{"field": "severity", "values": ["SEV-1"]}],
            "enabled": True,
            "handles": [f"@webhook-{hook}"],
            "trigger": "incident_created_trigger",
            "visibility": "organization",
        }
        made = notifying.http.post(INCIDENT_RULES, json=_incident_rule(attributes, template))
        assert made.status_code == 201, made.text
        incident = notifying.http.post(
            "/api/v2/incidents",
            json=idd.create_body(
                title,
                fields={"severity": {"type": "dropdown", "value": "SEV-1"}},
                notification_handles=[{"handle": f"@slack-{account}/{channel}", "display_name": "Ops"}],
            ),
        )
        assert incident.status_code == 201, incident.text
        receiver.wait_for(lambda r: len(r.accepted) == 1)
    [request] = receiver.requests
    assert request.verified
    sent = json.loads(request.body)
    public_id = incident.json()["data"]["attributes"]["public_id"]
    assert sent["title"] == f"Paging: {title}"
    assert sent["message"] == f"Severity SEV-1, state active: http://127.0.0.1:8000/incidents/{public_id}"
    assert sent["type"] == "incident.created"
    [root] = eventually(lambda: fake_slack.fake.channel(channel).roots, lambda roots: len(roots) == 1)
    assert title in root.text


def _incident_rule(attributes: dict[str, Any], template: str) -> dict[str, Any]:
    relationships = {"notification_template": {"data": {"id": template, "type": "notification_templates"}}}
    return {
        "data": {
            "type": "incident_notification_rules",
            "attributes": attributes,
            "relationships": relationships,
        }
    }


def test_a_change_inside_a_maintenance_window_is_logged_as_suppressed_and_not_sent(
    notifying: Notifying,
) -> None:
    project = notifying.project()
    now = datetime.now(UTC)
    window = {
        "name": unique("upgrade"),
        "query": f"project:{project['attributes']['key']}",
        "start_at": (now - timedelta(minutes=5)).isoformat(),
        "end_at": (now + timedelta(hours=1)).isoformat(),
    }
    made = notifying.http.post(
        "/api/v2/maintenance_windows", json={"data": {"type": "maintenance_window", "attributes": window}}
    )
    assert made.status_code == 201, made.text
    window_id = made.json()["data"]["id"]
    with hooked(notifying) as (hook, receiver):
        notifying.rule(project, {"type": "HTTP", "data": {"name": hook}})
        case = notifying.case(project, "Planned restart")
        key = case["attributes"]["key"]
        notifying.settled(key, 1, "suppressed")
        assert receiver.requests == []
    [listed] = notifying.deliveries("--status", "suppressed", "--case", key)
    assert (listed["status"], listed["suppressed_by"]) == ("suppressed", window_id)
    assert listed["destination"] == hook


def test_handles_that_reach_nothing_are_logged_as_suppressed_beside_what_was_sent(
    notifying: Notifying,
) -> None:
    oncall, workflow = f"@oncall-{unique('sre')}", f"@workflow-{unique('escalate')}"
    with hooked(notifying) as (hook, receiver):
        attributes = {
            "conditions": [{"field": "severity", "values": ["SEV-2"]}],
            "enabled": True,
            "handles": [f"@webhook-{hook}", oncall, "@incident-slack-channel"],
            "trigger": "incident_created_trigger",
            "visibility": "organization",
        }
        made = notifying.http.post(
            INCIDENT_RULES, json={"data": {"type": "incident_notification_rules", "attributes": attributes}}
        )
        assert made.status_code == 201, made.text
        incident = notifying.http.post(
            "/api/v2/incidents",
            json=idd.create_body(
                unique("Queue backed up"),
                fields={"severity": {"type": "dropdown", "value": "SEV-2"}},
                notification_handles=[{"handle": workflow, "display_name": "Escalate"}],
            ),
        )
        assert incident.status_code == 201, incident.text
        public_id = incident.json()["data"]["attributes"]["public_id"]
        receiver.wait_for(lambda r: len(r.accepted) == 1)
        logged = eventually(
            lambda: incident_log(notifying, public_id),
            lambda ds: len(ds) == 4 and all(d["status"] in ("delivered", "suppressed") for d in ds),
        )
    by_destination = {(d["destination"]["kind"], d["destination"]["name"]): d for d in logged}
    assert by_destination[("webhook", hook)]["status"] == "delivered"
    for handle in (oncall, "@incident-slack-channel", workflow):
        shown = by_destination[("unreachable", handle)]
        assert (shown["status"], shown["suppressed_by"]) == ("suppressed", f"unsupported_handle:{handle}")
        assert shown["attempt_count"] == 0
    # The filters find them: by state, and by the destination as the log names it.
    suppressed = notifying.http.get(
        "/api/v2/deliveries", params={"filter[incident]": public_id, "filter[status]": "suppressed"}
    )
    assert suppressed.status_code == 200, suppressed.text
    assert len(suppressed.json()["data"]) == 3
    named = notifying.http.get("/api/v2/deliveries", params={"filter[destination]": f"unreachable:{oncall}"})
    assert named.status_code == 200, named.text
    [found] = named.json()["data"]
    assert found["attributes"]["suppressed_by"] == f"unsupported_handle:{oncall}"
    # Nothing can send it, so retrying it is refused rather than left to die.
    refused = notifying.http.post(f"/api/v2/deliveries/{found['id']}/retry")
    assert refused.status_code == 409, refused.text
    assert oncall in refused.json()["errors"][0]
    listed = [d for d in notifying.deliveries("--status", "suppressed") if d["destination"] == workflow]
    assert [(d["channel"], d["suppressed_by"]) for d in listed] == [
        ("unreachable", f"unsupported_handle:{workflow}")
    ]


def incident_log(notifying: Notifying, public_id: int) -> list[dict[str, Any]]:
    """The attributes of an incident's deliveries, as ListDeliveries answers them."""
    listed = notifying.http.get("/api/v2/deliveries", params={"filter[incident]": public_id})
    assert listed.status_code == 200, listed.text
    return [d["attributes"] for d in listed.json()["data"]]


def test_a_rule_naming_an_unconfigured_destination_is_a_400_at_the_recipient(notifying: Notifying) -> None:
    project = notifying.project()
    with hooked(notifying) as (hook, _):
        good = {"type": "HTTP", "data": {"name": hook}}
        body = rule_body(good)
        body["data"]["attributes"]["recipients"].append({"type": "HTTP", "data": {"name": unique("nowhere")}})
        refused = notifying.http.post(RULES.format(project["id"]), json=body)
    assert refused.status_code == 400, refused.text
    [message] = refused.json()["errors"]
    assert message.startswith("/data/attributes/recipients/1/data/name"), message
    unknown_service = rule_body({"type": "PAGERDUTY_SERVICE", "data": {"service_name": unique("none")}})
    refused = notifying.http.post(RULES.format(project["id"]), json=unknown_service)
    assert refused.status_code == 400, refused.text
    assert refused.json()["errors"][0].startswith("/data/attributes/recipients/0/data/service_name")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.com/in",
        "file:///etc/passwd",
        "http://10.0.0.1/in",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:10.0.0.1]/in",
    ],
)
def test_a_webhook_url_that_is_not_http_or_is_forbidden_is_a_400_at_url(
    notifying: Notifying, url: str
) -> None:
    refused = notifying.http.post(HOOKS, json={"name": unique("bad"), "url": url})
    assert refused.status_code == 400, refused.text
    [message] = refused.json()["errors"]
    assert message.startswith("/url"), message
    name = unique("good")
    assert (
        notifying.http.post(HOOKS, json={"name": name, "url": "https://hooks.example.com/in"}).status_code
        == 201
    )
    moved = notifying.http.put(f"{HOOKS}/{name}", json={"url": url})
    assert moved.status_code == 400, moved.text
    assert moved.json()["errors"][0].startswith("/url")
