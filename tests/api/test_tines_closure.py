"""Closure conditions hold on every path: a case made over Tines' `/api/v1` cannot be closed
over Datadog's `/api/v2` (single update or bulk) while a condition is false."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api import tines as t

CONDITIONS = [
    {"name": "has at least 1 assignee", "formula": "=SIZE(team_case.assignees) > 0"},
    {"name": "is triaged", "formula": '=INCLUDES(team_case.tags, "triaged")'},
    {"name": "has a verdict", "formula": "=IS_PRESENT(team_case.metadata.verdict)"},
]


def close_v2(http: httpx.Client, key: str) -> httpx.Response:
    return http.post(
        f"/api/v2/cases/{key}/status", json={"data": {"type": "case", "attributes": {"status": "CLOSED"}}}
    )


def v2_key(http: httpx.Client, number: int) -> str:
    """The Datadog key of the case Tines numbers `number`."""
    found = http.get("/api/v2/cases", params={"filter": f"number:{number}"})
    assert found.status_code == 200, found.text
    [case] = found.json()["data"]
    return str(case["attributes"]["key"])


def test_a_tines_case_closed_over_datadog_obeys_its_conditions(
    http: httpx.Client, tines: httpx.Client, team: dict[str, Any]
) -> None:
    case = t.create(
        tines, team, "Guarded", priority="high", tag_names=["login"], closure_conditions=CONDITIONS
    )
    key = v2_key(http, case["case_id"])

    # The same case in the Datadog dialect: priority on one scale, tags as the `tags` attribute.
    v2 = http.get(f"/api/v2/cases/{key}").json()["data"]["attributes"]
    assert (v2["priority"], v2["attributes"]["tags"], v2["case_number"]) == ("P2", ["login"], case["case_id"])

    refused = close_v2(http, key)
    assert refused.status_code == 400, refused.text
    (message,) = refused.json()["errors"]
    assert message.startswith("/data/attributes/closure_conditions: ")
    assert "is triaged" in message
    assert "has a verdict" in message
    assert "has at least" not in message

    bulk = http.post(
        "/api/v2/cases/bulk",
        json={"data": {"type": "bulk", "attributes": {"case_ids": [key], "type": "status",
                                                       "payload": {"status": "CLOSED"}}}},
    )  # fmt: skip
    assert bulk.status_code == 400, bulk.text
    assert "is triaged" in str(bulk.json())

    # Tines itself refuses with a 422 that names the failing conditions.
    refusal = t.error(tines.put(f"/api/v1/cases/{case['case_id']}", json={"status": "closed"}), 422)
    assert refusal["type"] == "unprocessable_entity"
    assert [c["name"] for c in refusal["failing_conditions"]] == ["is triaged", "has a verdict"]
    assert tines.get(f"/api/v1/cases/{case['case_id']}").json()["status"] == "OPEN"

    # Meet the conditions over Datadog (tags are the `tags` attribute) and Tines (metadata).
    attributes = {"data": {"type": "case", "attributes": {"attributes": {"tags": ["login", "triaged"]}}}}
    assert http.post(f"/api/v2/cases/{key}/attributes", json=attributes).status_code == 200
    assert (
        tines.put(
            f"/api/v1/cases/{case['case_id']}/metadata", json={"metadata": {"verdict": "benign"}}
        ).status_code
        == 200
    )
    closed = close_v2(http, key)
    assert closed.status_code == 200, closed.text
    assert closed.json()["data"]["attributes"]["status"] == "CLOSED"

    seen = tines.get(f"/api/v1/cases/{case['case_id']}").json()
    assert (seen["status"], seen["resolved_by"]["email"]) == ("CLOSED", "admin@example.com")
    assert "TAGS_ADDED" in t.actions(seen)
    assert t.actions(seen)[-1] == "STATUS_UPDATED"


def test_datadog_unassign_empties_the_assignees_a_condition_counts(
    http: httpx.Client, tines: httpx.Client, team: dict[str, Any]
) -> None:
    case = t.create(tines, team, closure_conditions=CONDITIONS[:1])
    key = v2_key(http, case["case_id"])
    assert http.post(f"/api/v2/cases/{key}/unassign", json={"data": {"type": "case"}}).status_code == 200
    assert tines.get(f"/api/v1/cases/{case['case_id']}").json()["assignees"] == []
    assert close_v2(http, key).status_code == 400


def test_a_condition_can_require_a_linked_case(
    http: httpx.Client, tines: httpx.Client, team: dict[str, Any]
) -> None:
    rule = [{"name": "linked to its parent", "formula": "=SIZE(team_case.linked_cases) > 0"}]
    case = t.create(tines, team, "Child", closure_conditions=rule)
    other = t.create(tines, team, "Parent")
    refusal = t.error(tines.put(f"/api/v1/cases/{case['case_id']}", json={"status": "closed"}), 422)
    assert [c["name"] for c in refusal["failing_conditions"]] == ["linked to its parent"]

    link = {
        "data": {
            "type": "link",
            "attributes": {
                "parent_entity_type": "CASE",
                "parent_entity_id": v2_key(http, other["case_id"]),
                "child_entity_type": "CASE",
                "child_entity_id": v2_key(http, case["case_id"]),
                "relationship": "PARENT_OF",
            },
        }
    }
    assert http.post("/api/v2/cases/link", json=link).status_code == 201
    closed = tines.put(f"/api/v1/cases/{case['case_id']}", json={"status": "closed"})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "CLOSED"
    assert closed.json()["linked_cases"] == [other["case_id"]]
