"""One meaning of a case query in both dialects: Datadog's `filter=` search and Tines'
`filters[...]` list find the same cases, whichever dialect made them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.users_api import UsersApi

from tests.api import dd
from tests.api import tines as t
from tests.conftest import unique_key


@pytest.fixture
def world(
    http: httpx.Client, tines: httpx.Client, cases_api: CaseManagementApi, users_api: UsersApi
) -> dict[str, Any]:
    """Three cases in a fresh project: A made through Tines with two assignees, B through
    Datadog assigned to Bob, C through Tines, closed and unassigned."""
    key = unique_key()
    body = {"data": {"type": "project", "attributes": {"name": "Both", "key": key}}}
    created = http.post("/api/v2/cases/projects", json=body)
    assert created.status_code == 201, created.text
    project = created.json()["data"]
    team = next(x for x in tines.get("/api/v1/teams").json()["teams"] if x["key"] == key)
    ann = users_api.create_user(dd.user_request(dd.unique_email("ann"), "Ann Both")).data
    bob = users_api.create_user(dd.user_request(dd.unique_email("bob"), "Bob Both")).data
    ann_email, bob_email = ann.attributes.email, bob.attributes.email
    a = t.create(
        tines, team, "Disk full", priority="high", tag_names=["db", "prod"],
        assignee_emails=[ann_email, bob_email],
    )  # fmt: skip
    b = dd.create_case(cases_api, project["id"], "Login failures", assignee_id=bob.id).data
    tagged = cases_api.update_attributes(b.id, dd.attributes_request({"tags": ["prod"]})).data
    c = t.create(tines, team, "Gamma rays", status="closed", assignee_emails=[])
    numbers = {
        "A": a["case_id"],
        "B": tagged.attributes["case_number"],
        "C": c["case_id"],
    }
    return {
        "project": project,
        "team": team,
        "numbers": numbers,
        "ann": ann_email,
        "bob": bob_email,
        "bob_number": a["assignees"][1]["id"],
    }


def datadog(cases_api: CaseManagementApi, world: dict[str, Any], query: str) -> set[str]:
    key = world["project"]["attributes"]["key"]
    found = cases_api.search_cases(filter=f"project:{key} ({query})", page_size=100).data
    by_number = {n: label for label, n in world["numbers"].items()}
    return {by_number[case.attributes["case_number"]] for case in found}


def tines_list(tines: httpx.Client, world: dict[str, Any], params: dict[str, Any]) -> set[str]:
    response = tines.get("/api/v1/cases", params={"team_id": world["team"]["id"], **params})
    assert response.status_code == 200, response.text
    by_number = {n: label for label, n in world["numbers"].items()}
    return {by_number[case["case_id"]] for case in response.json()["cases"]}


def test_any_assignee_tags_status_and_text_mean_the_same(
    cases_api: CaseManagementApi, tines: httpx.Client, world: dict[str, Any]
) -> None:
    ann, bob = world["ann"], world["bob"]
    table: list[tuple[str, dict[str, Any], set[str]]] = [
        # A's second assignee finds A in both dialects, as B's only one finds B.
        (f"assignee:{bob}", {"filters[assignee_emails][]": bob}, {"A", "B"}),
        (f"assignee:{bob}", {"filters[assignees][]": world["bob_number"]}, {"A", "B"}),
        (f"assignee:{ann}", {"filters[assignee_emails][]": ann}, {"A"}),
        (f"assignee:{ann} OR assignee:{bob}", {"filters[assignee_emails][]": [ann, bob]}, {"A", "B"}),
        ("assignee:none", {"filters[unassigned]": "true"}, {"C"}),
        ("tags:db", {"filters[tags][]": "db"}, {"A"}),
        ("tags:prod", {"filters[tags][]": "prod"}, {"A", "B"}),
        ("tags:db tags:prod", {"filters[tags][]": ["db", "prod"]}, {"A"}),
        ("tags:db OR tags:prod", {"filters[or_tags][]": ["db", "prod"]}, {"A", "B"}),
        ("-tags:db", {"filters[exclude_tags][]": "db"}, {"B", "C"}),
        ("status:closed", {"filters[status]": "CLOSED"}, {"C"}),
        ("-status:closed", {"filters[status]": "OPEN"}, {"A", "B"}),
        ("priority:P2", {"filters[priority]": "high"}, {"A"}),
        ("disk", {"filters[search]": "disk"}, {"A"}),
        ("LOGIN", {"filters[search]": "login"}, {"B"}),
        ("rays", {"filters[search]": "RAYS"}, {"C"}),
    ]
    for query, params, expected in table:
        assert datadog(cases_api, world, query) == expected, query
        assert tines_list(tines, world, params) == expected, params


def test_a_case_with_two_assignees_shows_both_in_tines_and_the_first_in_datadog(
    cases_api: CaseManagementApi, tines: httpx.Client, world: dict[str, Any]
) -> None:
    key = world["project"]["attributes"]["key"]
    [found] = cases_api.search_cases(filter=f"project:{key} assignee:{world['bob']} tags:db").data
    case = tines.get(f"/api/v1/cases/{found.attributes['case_number']}").json()
    assert [person["email"] for person in case["assignees"]] == [world["ann"], world["bob"]]
    included = cases_api.get_case(found.id)["included"]
    first = {user["id"]: user["attributes"]["email"] for user in included}[
        found.relationships.assignee.data.id
    ]
    assert first == world["ann"]
