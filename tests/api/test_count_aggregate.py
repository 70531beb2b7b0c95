"""CountCases and AggregateCases through the official client, checked against known cases.

Each test builds its own project and filters on it (`project:<KEY>`), so the cases other
tests create in the shared database do not change the counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.users_api import UsersApi
from datadog_api_client.v2.model.case_aggregate_group_by import CaseAggregateGroupBy
from datadog_api_client.v2.model.case_aggregate_request import CaseAggregateRequest
from datadog_api_client.v2.model.case_aggregate_request_attributes import CaseAggregateRequestAttributes
from datadog_api_client.v2.model.case_aggregate_request_data import CaseAggregateRequestData
from datadog_api_client.v2.model.case_aggregate_resource_type import CaseAggregateResourceType
from datadog_api_client.v2.model.case_aggregate_response import CaseAggregateResponse
from datadog_api_client.v2.model.case_count_response import CaseCountResponse

from tests.api import accounts, dd
from tests.support import Keys, Server


@dataclass(frozen=True)
class World:
    key: str
    ann: str  # emails
    bob: str
    custom_type: str  # a case type's name

    @property
    def query(self) -> str:
        return f"project:{self.key}"


@pytest.fixture
def world(
    cases_api: CaseManagementApi, users_api: UsersApi, http: httpx.Client, project: dict[str, Any]
) -> World:
    """Seven cases in a fresh project:

    | case | status      | priority    | assignee | type     |
    |------|-------------|-------------|----------|----------|
    | 1    | OPEN        | P1          | ann      | Standard |
    | 2    | IN_PROGRESS | P1          | ann      | Standard |
    | 3    | OPEN        | P2          | bob      | Security |
    | 4    | CLOSED      | P2          | -        | Standard |
    | 5    | OPEN        | P3          | -        | custom   |
    | 6    | OPEN        | NOT_DEFINED | ann      | Standard |
    | 7    | OPEN        | P1          | ann      | Standard |
    """
    ann = users_api.create_user(dd.user_request(dd.unique_email("ann"))).data
    bob = users_api.create_user(dd.user_request(dd.unique_email("bob"))).data
    type_name = f"Triage {uuid.uuid4().hex[:8]}"
    created = http.post(
        "/api/v2/cases/types", json={"data": {"type": "case_type", "attributes": {"name": type_name}}}
    )
    assert created.status_code == 201, created.text
    custom_type = created.json()["data"]["id"]

    def case(priority: str, assignee: Any = None, **kw: Any) -> str:
        if assignee is not None:
            kw["assignee_id"] = assignee.id
        return str(dd.create_case(cases_api, project["id"], priority=priority, **kw).data.id)

    case("P1", ann)
    case("P1", ann, status_name="In Progress")
    case("P2", bob, type_id=dd.SECURITY)
    closed = case("P2")
    cases_api.update_status(closed, dd.status_request("CLOSED"))
    case("P3", type_id=custom_type)
    case("NOT_DEFINED", ann)
    case("P1", ann)
    return World(
        key=project["attributes"]["key"],
        ann=ann.attributes.email,
        bob=bob.attributes.email,
        custom_type=type_name,
    )


def facets(response: CaseCountResponse) -> dict[str, list[tuple[str, int]]]:
    assert not response._unparsed
    return {
        group.group: [(value.value, value.count) for value in group.group_values]
        for group in response.data.attributes.groups
    }


def aggregate_request(query: str, groups: list[str], limit: int = 100) -> CaseAggregateRequest:
    return CaseAggregateRequest(
        data=CaseAggregateRequestData(
            type=CaseAggregateResourceType.AGGREGATE,
            attributes=CaseAggregateRequestAttributes(
                query_filter=query, group_by=CaseAggregateGroupBy(groups=groups, limit=limit)
            ),
        )
    )


def aggregate_body(query: Any = "", groups: Any = None, limit: Any = 10) -> dict[str, Any]:
    group_by = {"groups": ["status"] if groups is None else groups, "limit": limit}
    return {"data": {"type": "aggregate", "attributes": {"query_filter": query, "group_by": group_by}}}


def groups_of(response: CaseAggregateResponse) -> list[tuple[str, list[float]]]:
    assert not response._unparsed
    return [(group.group, group.value) for group in response.data.attributes.groups]


# -- CountCases ----------------------------------------------------------------------------


def test_count_by_every_facet(cases_api: CaseManagementApi, world: World) -> None:
    response = cases_api.count_cases(
        query_filter=world.query, group_bys="status,priority,assignee,project,type"
    )
    assert response.data.type == "count"
    assert response.data.attributes["total"] == 7
    assert facets(response) == {
        "status": [("OPEN", 5), ("CLOSED", 1), ("IN_PROGRESS", 1)],
        "priority": [("P1", 3), ("P2", 2), ("NOT_DEFINED", 1), ("P3", 1)],
        "assignee": [(world.ann, 4), ("none", 2), (world.bob, 1)],
        "project": [(world.key, 7)],
        "type": [("Standard", 5), ("Security", 1), (world.custom_type, 1)],
    }
    # The groups come in the order asked for.
    assert [g.group for g in response.data.attributes.groups] == [
        "status",
        "priority",
        "assignee",
        "project",
        "type",
    ]


def test_count_without_facets_is_the_total(cases_api: CaseManagementApi, world: World) -> None:
    response = cases_api.count_cases(query_filter=world.query)
    assert response.data.attributes.groups == []
    assert response.data.attributes["total"] == 7


def test_count_limits_the_values_per_facet(cases_api: CaseManagementApi, world: World) -> None:
    response = cases_api.count_cases(query_filter=world.query, group_bys="priority,status", limit=2)
    assert facets(response) == {"priority": [("P1", 3), ("P2", 2)], "status": [("OPEN", 5), ("CLOSED", 1)]}
    assert response.data.attributes["total"] == 7


@pytest.mark.parametrize(
    ("query", "group", "expected", "total"),
    [
        ("priority:P1", "status", [("OPEN", 2), ("IN_PROGRESS", 1)], 3),
        ("-assignee:none", "assignee", "ann 4, bob 1", 5),
        ("assignee:{ann}", "assignee", "ann 4", 4),
        ("assignee:{ann}", "project", "key 4", 4),
        ("type:security", "type", [("Security", 1)], 1),
        ("status:closed", "priority", [("P2", 1)], 1),
        ("title:nothing-like-this", "status", [], 0),
    ],
)
def test_count_follows_the_query(
    cases_api: CaseManagementApi, world: World, query: str, group: str, expected: Any, total: int
) -> None:
    # Filters on users, projects and types while grouping by them: their lookups must not mix.
    names = {"ann": world.ann, "bob": world.bob, "key": world.key}
    if isinstance(expected, str):
        expected = [(names[n], int(c)) for n, c in (item.split() for item in expected.split(", "))]
    query_filter = f"{world.query} {query.format(ann=world.ann)}"
    response = cases_api.count_cases(query_filter=query_filter, group_bys=group)
    assert facets(response) == {group: expected}
    assert response.data.attributes["total"] == total


def test_count_reads_group_names_leniently(http: httpx.Client, world: World) -> None:
    response = http.get(
        "/api/v2/cases/count", params={"query_filter": world.query, "group_bys": " Status, status,,PRIORITY "}
    )
    assert response.status_code == 200, response.text
    assert [g["group"] for g in response.json()["data"]["attributes"]["groups"]] == ["status", "priority"]


def test_the_same_question_has_the_same_id(cases_api: CaseManagementApi, world: World) -> None:
    first = cases_api.count_cases(query_filter=world.query, group_bys="status")
    again = cases_api.count_cases(query_filter=world.query, group_bys="status")
    other = cases_api.count_cases(query_filter=world.query, group_bys="priority")
    assert first.data.id == again.data.id != other.data.id


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"group_bys": "status,color"},
            "parameter \"group_bys\": cannot group by 'color'; use one of status, ",
        ),
        ({"query_filter": "status:bogus"}, "parameter \"query_filter\": unknown status 'bogus'"),
        ({"query_filter": "status:(open"}, 'parameter "query_filter": the query does not parse'),
        ({"limit": "0"}, 'parameter "limit": '),
        ({"limit": "1001"}, 'parameter "limit": '),
        ({"limit": "many"}, 'parameter "limit": '),
    ],
)
def test_count_refuses_bad_parameters(http: httpx.Client, params: dict[str, str], expected: str) -> None:
    response = http.get("/api/v2/cases/count", params=params)
    assert response.status_code == 400
    assert dd.only_message(response).startswith(expected)


def test_count_refusal_through_the_client(cases_api: CaseManagementApi) -> None:
    with pytest.raises(ApiException) as refused:
        cases_api.count_cases(group_bys="severity")
    assert refused.value.status == 400
    assert dd.error_messages(refused.value)[0].startswith(
        "parameter \"group_bys\": cannot group by 'severity'"
    )


# -- AggregateCases ------------------------------------------------------------------------


def test_aggregate_by_one_field(cases_api: CaseManagementApi, world: World) -> None:
    response = cases_api.aggregate_cases(aggregate_request(world.query, ["status"], 14))
    assert response.data.type == "aggregate"
    assert response.data.attributes.total == 7.0
    assert groups_of(response) == [("OPEN", [5.0]), ("CLOSED", [1.0]), ("IN_PROGRESS", [1.0])]
    assert [g["by"] for g in response.data.attributes.groups] == [
        {"status": "OPEN"},
        {"status": "CLOSED"},
        {"status": "IN_PROGRESS"},
    ]


def test_aggregate_by_several_fields_groups_their_combinations(
    cases_api: CaseManagementApi, world: World
) -> None:
    response = cases_api.aggregate_cases(aggregate_request(world.query, ["status", "priority"]))
    assert response.data.attributes.total == 7.0
    assert groups_of(response) == [
        ("OPEN|P1", [2.0]),
        ("CLOSED|P2", [1.0]),
        ("IN_PROGRESS|P1", [1.0]),
        ("OPEN|NOT_DEFINED", [1.0]),
        ("OPEN|P2", [1.0]),
        ("OPEN|P3", [1.0]),
    ]
    assert response.data.attributes.groups[0]["by"] == {"status": "OPEN", "priority": "P1"}
    assert sum(value[0] for _, value in groups_of(response)) == response.data.attributes.total


def test_aggregate_by_assignee_and_type(cases_api: CaseManagementApi, world: World) -> None:
    response = cases_api.aggregate_cases(aggregate_request(world.query, ["assignee", "type"]))
    assert groups_of(response) == [
        (f"{world.ann}|Standard", [4.0]),
        (f"{world.bob}|Security", [1.0]),
        ("none|Standard", [1.0]),
        (f"none|{world.custom_type}", [1.0]),
    ]


def test_aggregate_limits_the_groups_but_not_the_total(cases_api: CaseManagementApi, world: World) -> None:
    response = cases_api.aggregate_cases(aggregate_request(world.query, ["priority"], limit=1))
    assert groups_of(response) == [("P1", [3.0])]
    assert response.data.attributes.total == 7.0


def test_aggregate_without_groups_is_the_total(http: httpx.Client, world: World) -> None:
    response = http.post("/api/v2/cases/aggregate", json=aggregate_body(world.query, []))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["attributes"] == {"total": 7.0, "groups": []}


def test_aggregate_of_nothing(cases_api: CaseManagementApi, world: World) -> None:
    response = cases_api.aggregate_cases(aggregate_request(f"{world.query} priority:P5", ["status"]))
    assert response.data.attributes.total == 0.0
    assert groups_of(response) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            aggregate_body(groups=["status", "mood"]),
            "/data/attributes/group_by/groups/1: cannot group by 'mood'",
        ),
        (aggregate_body(query="priority:P7"), "/data/attributes/query_filter: unknown priority 'p7'"),
        (aggregate_body(limit=1001), "/data/attributes/group_by/limit: "),
        (aggregate_body(limit=0), "/data/attributes/group_by/limit: "),
        (aggregate_body(groups="status"), "/data/attributes/group_by/groups: "),
        (aggregate_body(query=None), "/data/attributes/query_filter: "),
        ({"data": {"type": "aggregate", "attributes": {"query_filter": ""}}}, "/data/attributes/group_by: "),
        (
            {"data": {"type": "count", "attributes": {}}},
            "/data/type: got type 'count' expected one of 'aggregate'",
        ),
    ],
)
def test_aggregate_refuses_bad_bodies(http: httpx.Client, body: dict[str, Any], expected: str) -> None:
    response = http.post("/api/v2/cases/aggregate", json=body)
    assert response.status_code == 400
    assert dd.only_message(response).startswith(expected)


# -- who may call --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reader(server: Server) -> Keys:
    return accounts.new_keys(server, "cases_read", label="countreader")


@pytest.fixture(scope="module")
def outsider(server: Server) -> Keys:
    return accounts.new_keys(server, "incident_read", label="countoutsider")


def test_a_reader_may_count_and_aggregate(server: Server, reader: Keys, world: World) -> None:
    with accounts.api_as(server, reader) as api:
        assert api.count_cases(query_filter=world.query).data.attributes["total"] == 7
        assert api.aggregate_cases(aggregate_request(world.query, ["status"])).data.attributes.total == 7.0


def test_without_cases_read_it_is_403(server: Server, outsider: Keys) -> None:
    with accounts.api_as(server, outsider) as api:
        with pytest.raises(ApiException) as counted:
            api.count_cases()
        with pytest.raises(ApiException) as aggregated:
            api.aggregate_cases(aggregate_request("", ["status"]))
    assert counted.value.status == aggregated.value.status == 403
    assert "cases_read" in dd.error_messages(counted.value)[0]


def test_without_keys_it_is_401(server: Server) -> None:
    with accounts.api_as(server, Keys(api_key="0" * 32, app_key="0" * 40)) as api:
        with pytest.raises(ApiException) as counted:
            api.count_cases()
        with pytest.raises(ApiException) as aggregated:
            api.aggregate_cases(aggregate_request("", ["status"]))
    assert counted.value.status == aggregated.value.status == 401
