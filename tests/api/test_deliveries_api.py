"""The delivery log over HTTP on a running `casedesk serve`: real deliveries made by the
server's own worker to loopback webhook receivers (one of which refuses with a 400, so its
delivery goes dead), read, filtered, paged and retried through `/api/v2/deliveries`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api import accounts, dd
from tests.api.channels import unique
from tests.receivers.webhook import Answer, WebhookReceiver, receiving
from tests.support import Keys, Server

HOOKS = "/api/v1/integration/webhooks/configuration/webhooks"
LOG = "/api/v2/deliveries"


@dataclass
class World:
    ok: WebhookReceiver  # answers 200
    bad: WebhookReceiver  # answers 400 when scripted to
    ok_hook: str
    bad_hook: str
    secrets: tuple[str, str]
    project: dict[str, Any]
    case: dict[str, Any]  # of `project`, told to both hooks
    hidden_case: dict[str, Any]  # of a restricted project nobody but admins sees
    outsider: Keys
    reader: Keys  # read-only role


def new_project(http: httpx.Client) -> dict[str, Any]:
    key = "D" + unique("x")[-6:].upper().replace("-", "")
    body = {"data": {"type": "project", "attributes": {"name": f"Deliveries {key}", "key": key}}}
    made = http.post("/api/v2/cases/projects", json=body)
    assert made.status_code == 201, made.text
    return dict(made.json()["data"])


def new_case(http: httpx.Client, project: dict[str, Any], title: str) -> dict[str, Any]:
    body = {
        "data": {
            "type": "case",
            "attributes": {"title": title, "type_id": dd.STANDARD, "priority": "P2"},
            "relationships": {"project": {"data": {"id": project["id"], "type": "project"}}},
        }
    }
    made = http.post("/api/v2/cases", json=body)
    assert made.status_code == 201, made.text
    return dict(made.json()["data"])


def hook_to(http: httpx.Client, server: Server) -> tuple[str, str]:
    name = unique("log")
    made = http.post(HOOKS, json={"name": name, "url": "https://hooks.example.com/placeholder"})
    assert made.status_code == 201, made.text
    secret = json.loads(server.cli("webhooks", "secret", name, "--json").stdout)["secret"]
    return name, secret


def rule_for(http: httpx.Client, project: dict[str, Any], *hooks: str) -> None:
    attributes = {
        "is_enabled": True,
        "query": "priority:P2",
        "recipients": [{"type": "HTTP", "data": {"name": hook}} for hook in hooks],
        "triggers": [{"type": "CASE_CREATED"}],
    }
    body = {"data": {"type": "notification_rule", "attributes": attributes}}
    made = http.post(f"/api/v2/cases/projects/{project['id']}/notification_rules", json=body)
    assert made.status_code == 201, made.text


def listed(http: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    answer = http.get(LOG, params=params)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["data"])


def settled(
    http: httpx.Client, want: Callable[[list[dict[str, Any]]], bool], **params: Any
) -> list[dict[str, Any]]:
    """The listing once `want` holds for it (the worker runs beside the server)."""
    deadline = time.monotonic() + 20
    while True:
        found = listed(http, **params)
        if want(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def statuses(found: list[dict[str, Any]]) -> dict[str, str]:
    return {d["attributes"]["destination"]["name"]: d["attributes"]["status"] for d in found}


@pytest.fixture(scope="module")
def world(server: Server, http: httpx.Client) -> Iterator[World]:
    ok_hook, ok_secret = hook_to(http, server)
    bad_hook, bad_secret = hook_to(http, server)
    with receiving(ok_secret) as ok, receiving(bad_secret) as bad:
        assert http.put(f"{HOOKS}/{ok_hook}", json={"url": ok.url}).status_code == 200
        assert http.put(f"{HOOKS}/{bad_hook}", json={"url": bad.url}).status_code == 200
        bad.script(Answer(400, body='{"error": "no such tenant"}'))
        project = new_project(http)
        rule_for(http, project, ok_hook, bad_hook)
        case = new_case(http, project, "Disk full on db-1")
        key = case["attributes"]["key"]
        done = settled(
            http, lambda f: statuses(f) == {ok_hook: "delivered", bad_hook: "dead"}, **{"filter[case]": key}
        )
        assert statuses(done) == {ok_hook: "delivered", bad_hook: "dead"}
        restricted = new_project(http)
        made = http.patch(
            f"/api/v2/cases/projects/{restricted['id']}",
            json={"data": {"type": "project", "attributes": {"restricted": True}}},
        )
        assert made.status_code == 200, made.text
        rule_for(http, restricted, ok_hook)
        hidden_case = new_case(http, restricted, "Quiet breach")
        hidden_key = hidden_case["attributes"]["key"]
        found = settled(http, lambda f: statuses(f) == {ok_hook: "delivered"}, **{"filter[case]": hidden_key})
        assert statuses(found) == {ok_hook: "delivered"}
        yield World(
            ok, bad, ok_hook, bad_hook, (ok_secret, bad_secret), project, case, hidden_case,
            outsider=accounts.new_keys(server, label="outsider"),
            reader=accounts.new_keys(server, label="reader", role="read_only"),
        )  # fmt: skip


def of(http: httpx.Client, hook: str, case: dict[str, Any]) -> dict[str, Any]:
    """The case's delivery to `hook`, as listed."""
    found = listed(http, **{"filter[case]": case["attributes"]["key"]})
    [delivery] = [d for d in found if d["attributes"]["destination"]["name"] == hook]
    return delivery


def test_the_log_lists_a_case_s_deliveries_newest_first_with_their_destination(
    http: httpx.Client, world: World
) -> None:
    found = listed(http, **{"filter[case]": world.case["attributes"]["key"]})
    assert statuses(found) == {world.ok_hook: "delivered", world.bad_hook: "dead"}
    for delivery in found:
        attributes = delivery["attributes"]
        assert delivery["type"] == "deliveries"
        assert attributes["destination"]["kind"] == "webhook"
        assert attributes["subject"] == {
            "type": "case",
            "id": world.case["id"],
            "ref": world.case["attributes"]["key"],
        }
        assert attributes["event"]["kind"] == "case.created"
    by_uuid = listed(http, **{"filter[case]": world.case["id"]})
    assert [d["id"] for d in by_uuid] == [d["id"] for d in found]
    created = [d["attributes"]["created_at"] for d in found]
    assert created == sorted(created, reverse=True)


def test_filters_by_status_destination_and_since(http: httpx.Client, world: World) -> None:
    key = world.case["attributes"]["key"]
    [dead] = listed(http, **{"filter[case]": key, "filter[status]": "dead"})
    assert dead["attributes"]["destination"]["name"] == world.bad_hook
    ok = listed(http, **{"filter[destination]": f"webhook:{world.ok_hook}"})
    refs = {d["attributes"]["subject"]["ref"] for d in ok}
    assert {key, world.hidden_case["attributes"]["key"]} <= refs
    assert {d["attributes"]["destination"]["name"] for d in ok} == {world.ok_hook}
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert listed(http, **{"filter[case]": key, "filter[since]": later}) == []
    earlier = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert len(listed(http, **{"filter[case]": key, "filter[since]": earlier})) == 2
    assert listed(http, **{"filter[destination]": "webhook:no-such-hook"}) == []
    assert listed(http, **{"filter[incident]": "999999"}) == []


def test_pages_follow_the_cursor_without_overlap(http: httpx.Client, world: World) -> None:
    params = {"filter[case]": world.case["attributes"]["key"], "page[limit]": 1}
    first = http.get(LOG, params=params)
    assert first.status_code == 200, first.text
    after = first.json()["meta"]["page"]["after"]
    assert after in first.json()["links"]["next"]
    second = http.get(LOG, params={**params, "page[cursor]": after})
    assert second.status_code == 200, second.text
    ids = [first.json()["data"][0]["id"], second.json()["data"][0]["id"]]
    assert len(set(ids)) == 2
    assert "after" not in second.json()["meta"]["page"]


def test_show_has_every_attempt_and_the_notice_and_no_secret(http: httpx.Client, world: World) -> None:
    dead = of(http, world.bad_hook, world.case)
    shown = http.get(f"{LOG}/{dead['id']}")
    assert shown.status_code == 200, shown.text
    attributes = shown.json()["data"]["attributes"]
    [attempt] = attributes["attempts"]
    assert (attempt["number"], attempt["trigger"], attempt["status_code"]) == (1, "initial", 400)
    assert attempt["result"] == "permanent"
    assert "no such tenant" in attempt["snippet"]
    assert attempt["duration_ms"] >= 0
    assert datetime.fromisoformat(attempt["started_at"]) <= datetime.now(UTC)
    assert attributes["notice"]["subject_id"] == world.case["id"]
    for secret in world.secrets:
        assert secret.removeprefix("whsec_") not in shown.text
    assert world.bad.url not in shown.text


def test_retrying_one_delivery_sends_the_same_webhook_id_again(http: httpx.Client, world: World) -> None:
    project = world.project
    world.bad.script(Answer(400))
    case = new_case(http, project, "Retried by hand")
    key = case["attributes"]["key"]
    settled(http, lambda f: statuses(f).get(world.bad_hook) == "dead", **{"filter[case]": key})
    dead = of(http, world.bad_hook, case)
    assert dead["attributes"]["status"] == "dead"
    retried = http.post(f"{LOG}/{dead['id']}/retry")
    assert retried.status_code == 200, retried.text
    assert retried.json()["data"]["id"] == dead["id"]
    world.bad.wait_for(lambda r: dead["id"] in r.accepted)
    sent = [r for r in world.bad.requests if r.webhook_id == dead["id"]]
    assert [r.answered for r in sent] == [400, 200]
    assert all(r.verified for r in sent)
    settled(http, lambda f: statuses(f).get(world.bad_hook) == "delivered", **{"filter[case]": key})
    attempts = http.get(f"{LOG}/{dead['id']}").json()["data"]["attributes"]["attempts"]
    assert [(a["number"], a["trigger"], a["status_code"]) for a in attempts] == [
        (1, "initial", 400),
        (2, "manual", 200),
    ]


def test_retrying_the_dead_in_bulk_answers_how_many(http: httpx.Client, world: World) -> None:
    since = datetime.now(UTC).isoformat()
    world.bad.script(Answer(400))
    case = new_case(http, world.project, "Retried in bulk")
    key = case["attributes"]["key"]
    settled(http, lambda f: statuses(f).get(world.bad_hook) == "dead", **{"filter[case]": key})
    dead = of(http, world.bad_hook, case)
    body = {"data": {"type": "delivery_retry", "attributes": {"status": "dead", "since": since}}}
    answer = http.post(f"{LOG}/retry", json=body)
    assert answer.status_code == 200, answer.text
    attributes = answer.json()["data"]["attributes"]
    assert dead["id"] in attributes["delivery_ids"]
    assert attributes["count"] == len(attributes["delivery_ids"]) >= 1
    world.bad.wait_for(lambda r: dead["id"] in r.accepted)
    again = http.post(f"{LOG}/retry", json=body)
    assert dead["id"] not in again.json()["data"]["attributes"]["delivery_ids"]


def test_unknown_and_hidden_deliveries_are_404(server: Server, http: httpx.Client, world: World) -> None:
    assert http.get(f"{LOG}/msg_unknown").status_code == 404
    assert http.post(f"{LOG}/msg_unknown/retry").status_code == 404
    hidden = of(http, world.ok_hook, world.hidden_case)
    with accounts.http_as(server, accounts.key_headers(world.outsider)) as outsider:
        gone = outsider.get(f"{LOG}/{hidden['id']}")
        assert gone.status_code == 404, gone.text
        assert "errors" in gone.json()
        assert (
            outsider.get(LOG, params={"filter[case]": world.hidden_case["attributes"]["key"]}).status_code
            == 404
        )
        seen = outsider.get(LOG, params={"filter[destination]": f"webhook:{world.ok_hook}"})
        assert seen.status_code == 200, seen.text
        refs = {d["attributes"]["subject"]["ref"] for d in seen.json()["data"]}
        assert world.case["attributes"]["key"] in refs
        assert world.hidden_case["attributes"]["key"] not in refs
        visible = outsider.get(f"{LOG}/{of(http, world.ok_hook, world.case)['id']}")
        assert visible.status_code == 200, visible.text


def test_read_only_callers_read_but_may_not_retry(server: Server, http: httpx.Client, world: World) -> None:
    dead = of(http, world.bad_hook, world.case)
    with accounts.http_as(server, accounts.key_headers(world.reader)) as reader:
        assert reader.get(LOG).status_code == 200
        assert reader.get(f"{LOG}/{dead['id']}").status_code == 200
        refused = reader.post(f"{LOG}/{dead['id']}/retry")
        assert refused.status_code == 403, refused.text
        body = {"data": {"type": "delivery_retry", "attributes": {"status": "dead"}}}
        assert reader.post(f"{LOG}/retry", json=body).status_code == 403


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"filter[status]": "lost"}, "filter[status]"),
        ({"filter[destination]": "webhook"}, "filter[destination]"),
        ({"filter[destination]": "fax:office"}, "filter[destination]"),
        ({"filter[since]": "yesterday"}, "filter[since]"),
        ({"filter[incident]": "not-an-incident"}, "filter[incident]"),
        ({"page[cursor]": "bm90IGEgY3Vyc29y"}, "page[cursor]"),
        ({"page[limit]": "0"}, "page[limit]"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(
    http: httpx.Client, params: dict[str, str], where: str
) -> None:
    answer = http.get(LOG, params=params)
    assert answer.status_code == 400, answer.text
    assert where in json.dumps(answer.json()["errors"])


@pytest.mark.parametrize(
    ("attributes", "kind", "pointer"),
    [
        ({"status": "pending"}, "delivery_retry", "/data/attributes/status"),
        ({"status": "dead", "since": "last week"}, "delivery_retry", "/data/attributes/since"),
        ({"status": "dead"}, "retry", "/data/type"),
        ({}, "delivery_retry", "/data/attributes/status"),
    ],
)
def test_bad_retry_bodies_are_400_with_a_pointer(
    http: httpx.Client, attributes: dict[str, Any], kind: str, pointer: str
) -> None:
    answer = http.post(f"{LOG}/retry", json={"data": {"type": kind, "attributes": attributes}})
    assert answer.status_code == 400, answer.text
    assert pointer in json.dumps(answer.json()["errors"])


def test_an_incident_s_deliveries_are_shown_to_incident_readers_only(
    server: Server, http: httpx.Client, world: World
) -> None:
    attributes = {
        "title": "Checkout down",
        "customer_impacted": False,
        "notification_handles": [{"handle": f"@webhook-{world.ok_hook}", "display_name": "Log"}],
    }
    made = http.post("/api/v2/incidents", json={"data": {"type": "incidents", "attributes": attributes}})
    assert made.status_code == 201, made.text
    incident = made.json()["data"]
    by_id = {"filter[incident]": incident["id"]}
    [delivery] = settled(http, lambda f: len(f) == 1, **by_id)
    assert delivery["attributes"]["subject"]["type"] == "incident"
    public = {"filter[incident]": str(incident["attributes"]["public_id"])}
    assert [d["id"] for d in listed(http, **public)] == [delivery["id"]]
    narrow = accounts.new_keys(server, scopes="integrations_read", label="integrations")
    with accounts.http_as(server, accounts.key_headers(narrow)) as caller:
        assert caller.get(f"{LOG}/{delivery['id']}").status_code == 404
        assert caller.get(LOG, params=by_id).json()["data"] == []
        assert caller.get(f"{LOG}/{of(http, world.ok_hook, world.case)['id']}").status_code == 200
