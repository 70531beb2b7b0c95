"""Notifications end to end on a running `casedesk serve`: a webhook configured through
Datadog's integration API, a project rule naming it, a case created through the API; the
server's own worker delivers it, signed with the secret `casedesk webhooks secret` shows,
and the delivery log says so."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.api import dd
from tests.api.channels import unique
from tests.receivers.webhook import receiving
from tests.support import Server

HOOKS = "/api/v1/integration/webhooks/configuration/webhooks"


def new_case(http: httpx.Client, project: dict[str, Any], title: str, priority: str = "P2") -> dict[str, Any]:
    body = {
        "data": {
            "type": "case",
            "attributes": {"title": title, "type_id": dd.STANDARD, "priority": priority},
            "relationships": {"project": {"data": {"id": project["id"], "type": "project"}}},
        }
    }
    created = http.post("/api/v2/cases", json=body)
    assert created.status_code == 201, created.text
    return dict(created.json()["data"])


def rule_for(http: httpx.Client, project: dict[str, Any], hook: str, query: str) -> None:
    attributes = {
        "is_enabled": True,
        "query": query,
        "recipients": [{"type": "HTTP", "data": {"name": hook}}],
        "triggers": [{"type": "CASE_CREATED"}],
    }
    body = {"data": {"type": "notification_rule", "attributes": attributes}}
    made = http.post(f"/api/v2/cases/projects/{project['id']}/notification_rules", json=body)
    assert made.status_code == 201, made.text


def test_a_rule_s_webhook_hears_of_a_matching_case_signed_and_logged(
    server: Server, http: httpx.Client, project: dict[str, Any]
) -> None:
    hook = unique("siem")
    made = http.post(HOOKS, json={"name": hook, "url": "https://hooks.example.com/placeholder"})
    assert made.status_code == 201, made.text
    shown = server.cli("webhooks", "secret", hook, "--json")
    assert shown.returncode == 0, shown.stderr
    secret = json.loads(shown.stdout)["secret"]
    with receiving(secret) as receiver:
        moved = http.put(f"{HOOKS}/{hook}", json={"url": receiver.url})
        assert moved.status_code == 200, moved.text
        rule_for(http, project, hook, "priority:P2")
        case = new_case(http, project, "Disk full on db-1")
        receiver.wait_for(lambda r: len(r.accepted) == 1)
    [request] = receiver.requests
    assert request.verified
    sent = json.loads(request.body)
    assert sent["type"] == "case.created"
    assert sent["data"]["subject"]["key"] == case["attributes"]["key"]
    assert sent["data"]["subject"]["priority"] == "P2"
    listed = server.cli("deliveries", "list", "--case", case["attributes"]["key"], "--json")
    assert listed.returncode == 0, listed.stderr
    [delivery] = json.loads(listed.stdout)
    assert (delivery["id"], delivery["status"]) == (request.webhook_id, "delivered")


def test_a_case_the_rule_s_query_leaves_out_is_not_sent(
    server: Server, http: httpx.Client, project: dict[str, Any]
) -> None:
    hook = unique("siem")
    made = http.post(HOOKS, json={"name": hook, "url": "https://hooks.example.com/placeholder"})
    assert made.status_code == 201, made.text
    secret = json.loads(server.cli("webhooks", "secret", hook, "--json").stdout)["secret"]
    with receiving(secret) as receiver:
        assert http.put(f"{HOOKS}/{hook}", json={"url": receiver.url}).status_code == 200
        rule_for(http, project, hook, "priority:P1")
        new_case(http, project, "Only a P2")
        wanted = new_case(http, project, "A P1", priority="P1")
        # Events are planned in the order they were recorded: once the P1 case's delivery
        # has arrived, the P2 case's event was planned too, and called for nothing.
        receiver.wait_for(lambda r: len(r.accepted) == 1)
    keys = [json.loads(r.body)["data"]["subject"]["key"] for r in receiver.requests]
    assert keys == [wanted["attributes"]["key"]]
