"""SearchCases: text filter, sorting and page-number paging.

The whole session shares one database, so every search is scoped by a token unique to the test.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.users_api import UsersApi
from datadog_api_client.v2.model.case_sortable_field import CaseSortableField

from tests.api import dd


@pytest.fixture
def token() -> str:
    return uuid.uuid4().hex


def titles(cases: list[Any]) -> list[str]:
    return [case.attributes.title for case in cases]


def search(http: httpx.Client, **params: str) -> dict[str, Any]:
    response = http.get("/api/v2/cases", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def found_ids(cases_api: CaseManagementApi, text: str) -> set[str]:
    return {case.id for case in cases_api.search_cases(filter=text, page_size=100).data}


# -- the text filter -------------------------------------------------------------------------


def test_filter_matches_title_description_and_key(
    cases_api: CaseManagementApi, project: dict[str, Any], token: str
) -> None:
    in_title = dd.create_case(cases_api, project["id"], f"Disk full {token}").data
    in_description = dd.create_case(
        cases_api, project["id"], "Quiet", description=f"see {token} runbook"
    ).data
    dd.create_case(cases_api, project["id"], "Unrelated")

    assert found_ids(cases_api, token) == {in_title.id, in_description.id}
    # The key is searched too: this project's second case and nothing else.
    assert found_ids(cases_api, in_description.attributes.key) == {in_description.id}


@pytest.mark.parametrize("spelling", [str.upper, str.lower, str.title])
def test_filter_ignores_case(
    cases_api: CaseManagementApi, project: dict[str, Any], token: str, spelling: Any
) -> None:
    upper = dd.create_case(cases_api, project["id"], f"DISK FULL {token.upper()}").data
    lower = dd.create_case(cases_api, project["id"], "quiet", description=f"disk full {token.lower()}").data
    assert found_ids(cases_api, spelling(token)) == {upper.id, lower.id}
    assert found_ids(cases_api, spelling(upper.attributes.key)) == {upper.id}


@pytest.mark.parametrize(
    ("needle", "matching", "not_matching"),
    [
        ("100%", "done 100% today", "done 100x today"),
        ("50%off", "50%off sale", "50 percent off sale"),
        ("snake_case", "rename snake_case", "rename snakeXcase"),
        ("a_b%c", "a_b%c literal", "aXbYYc wildcards"),
    ],
)
def test_percent_and_underscore_are_literal(
    cases_api: CaseManagementApi,
    project: dict[str, Any],
    token: str,
    needle: str,
    matching: str,
    not_matching: str,
) -> None:
    hit = dd.create_case(cases_api, project["id"], f"{token} {matching}").data
    dd.create_case(cases_api, project["id"], f"{token} {not_matching}")
    assert found_ids(cases_api, f"{token} {needle}") == {hit.id}


def test_filter_without_a_match(cases_api: CaseManagementApi, http: httpx.Client, token: str) -> None:
    response = cases_api.search_cases(filter=token)
    assert response.data == []
    body = search(http, filter=token)
    assert body["data"] == []
    assert body["meta"] == {"page": {"current": 1, "size": 0, "total": 0}, "total_cases": 0}


# -- sorting ---------------------------------------------------------------------------------


def test_sort_by_created_at(cases_api: CaseManagementApi, project: dict[str, Any], token: str) -> None:
    names = [f"{token} {n}" for n in ("first", "second", "third")]
    for name in names:
        dd.create_case(cases_api, project["id"], name)
    newest_first = cases_api.search_cases(filter=token, sort_field=CaseSortableField.CREATED_AT)
    oldest_first = cases_api.search_cases(
        filter=token, sort_field=CaseSortableField.CREATED_AT, sort_asc=True
    )
    assert titles(newest_first.data) == list(reversed(names))
    assert titles(oldest_first.data) == names
    assert titles(cases_api.search_cases(filter=token).data) == list(reversed(names))


def test_sort_by_priority(cases_api: CaseManagementApi, project: dict[str, Any], token: str) -> None:
    for priority in ("P3", "NOT_DEFINED", "P1", "P5", "P2"):
        dd.create_case(cases_api, project["id"], f"{token} {priority}", priority=priority)

    def order(ascending: bool) -> list[str]:
        found = cases_api.search_cases(
            filter=token, sort_field=CaseSortableField.PRIORITY, sort_asc=ascending
        )
        return [case.attributes.priority.value for case in found.data]

    # Descending puts the most urgent first; an undefined priority is the least urgent.
    assert order(False) == ["P1", "P2", "P3", "P5", "NOT_DEFINED"]
    assert order(True) == ["NOT_DEFINED", "P5", "P3", "P2", "P1"]


def test_sort_by_status(cases_api: CaseManagementApi, project: dict[str, Any], token: str) -> None:
    closed = dd.create_case(cases_api, project["id"], f"{token} closed").data
    cases_api.update_status(closed.id, dd.status_request("CLOSED"))
    dd.create_case(cases_api, project["id"], f"{token} open")
    dd.create_case(cases_api, project["id"], f"{token} busy", status_name="In Progress")

    def order(ascending: bool) -> list[str]:
        found = cases_api.search_cases(filter=token, sort_field=CaseSortableField.STATUS, sort_asc=ascending)
        return [case.attributes.status.value for case in found.data]

    assert order(True) == ["OPEN", "IN_PROGRESS", "CLOSED"]
    assert order(False) == ["CLOSED", "IN_PROGRESS", "OPEN"]


def test_sort_ties_fall_back_to_creation_order(
    cases_api: CaseManagementApi, project: dict[str, Any], token: str
) -> None:
    names = [f"{token} {n}" for n in range(4)]
    for name in names:
        dd.create_case(cases_api, project["id"], name, priority="P2")
    asc = cases_api.search_cases(filter=token, sort_field=CaseSortableField.PRIORITY, sort_asc=True)
    desc = cases_api.search_cases(filter=token, sort_field=CaseSortableField.PRIORITY, sort_asc=False)
    assert titles(asc.data) == names
    assert titles(desc.data) == list(reversed(names))


# -- paging ----------------------------------------------------------------------------------


@pytest.fixture
def five_cases(cases_api: CaseManagementApi, project: dict[str, Any], token: str) -> list[str]:
    """Ids of five cases matching `token`, newest first (the default order)."""
    made = [dd.create_case(cases_api, project["id"], f"{token} #{n}").data.id for n in range(5)]
    return list(reversed(made))


def test_pages_and_their_meta(http: httpx.Client, token: str, five_cases: list[str]) -> None:
    def page(number: str) -> dict[str, Any]:
        return search(http, filter=token, **{"page[size]": "2", "page[number]": number})

    pages = {n: page(str(n)) for n in range(5)}
    assert [[c["id"] for c in pages[n]["data"]] for n in (1, 2, 3, 4)] == [
        five_cases[0:2],
        five_cases[2:4],
        five_cases[4:5],
        [],
    ]
    assert pages[1]["meta"] == {"page": {"current": 1, "size": 2, "total": 3}, "total_cases": 5}
    assert pages[2]["meta"] == {"page": {"current": 2, "size": 2, "total": 3}, "total_cases": 5}
    assert pages[3]["meta"] == {"page": {"current": 3, "size": 1, "total": 3}, "total_cases": 5}
    assert pages[4]["meta"] == {"page": {"current": 4, "size": 0, "total": 3}, "total_cases": 5}
    # Page 0, the contract's default, is the first page.
    assert pages[0]["data"] == pages[1]["data"]
    assert pages[0]["meta"] == pages[1]["meta"]


def test_default_page_is_the_first_ten(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client, token: str
) -> None:
    for n in range(12):
        dd.create_case(cases_api, project["id"], f"{token} {n}")
    body = search(http, filter=token)
    assert len(body["data"]) == 10
    assert body["meta"] == {"page": {"current": 1, "size": 10, "total": 2}, "total_cases": 12}
    assert len(search(http, filter=token, **{"page[size]": "100"})["data"]) == 12


def test_the_client_reads_pages(cases_api: CaseManagementApi, token: str, five_cases: list[str]) -> None:
    response = cases_api.search_cases(filter=token, page_size=2, page_number=2)
    assert not response._unparsed
    assert [c.id for c in response.data] == five_cases[2:4]
    assert response.meta.page.current == 2
    assert response.meta.page.size == 2
    assert response.meta.page.total == 3
    assert response.meta["total_cases"] == 5


@pytest.mark.parametrize("page_size", [1, 2, 5, 10])
def test_search_cases_with_pagination_yields_every_case_once(
    cases_api: CaseManagementApi, token: str, five_cases: list[str], page_size: int
) -> None:
    found = [case.id for case in cases_api.search_cases_with_pagination(filter=token, page_size=page_size)]
    assert found == five_cases


def test_search_includes_the_assignees(
    cases_api: CaseManagementApi, users_api: UsersApi, project: dict[str, Any], token: str
) -> None:
    assignee = users_api.create_user(dd.user_request(dd.unique_email("searcher"), "Sam Searcher")).data
    dd.create_case(cases_api, project["id"], f"{token} assigned", assignee_id=assignee.id)
    response = cases_api.search_cases(filter=token)
    [case] = response.data
    assert case.relationships.assignee.data.id == assignee.id
    included = {user["id"]: user for user in response["included"]}
    assert included[assignee.id]["attributes"]["name"] == "Sam Searcher"


# -- refused parameters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("page[size]", "0"),
        ("page[size]", "101"),
        ("page[size]", "-5"),
        ("page[size]", "many"),
        ("page[number]", "-1"),
        ("page[number]", "first"),
        ("sort[field]", "title"),
        ("sort[asc]", "sideways"),
    ],
)
def test_bad_search_parameters_are_400(http: httpx.Client, name: str, value: str) -> None:
    response = http.get("/api/v2/cases", params={name: value})
    assert response.status_code == 400, response.text
    message = dd.only_message(response)
    assert message.startswith(f'parameter "{name}": '), message
