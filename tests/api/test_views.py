"""Case views: saved queries in a project, checked by the search parser on every write, and
run by passing their query to SearchCases."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi

from tests.api import accounts, dd
from tests.api import dd_builders as ddr
from tests.conftest import unique_key
from tests.support import Keys, Server


@pytest.fixture(scope="module")
def reader(server: Server) -> Keys:
    return accounts.new_keys(server, "cases_read", label="reader")


def other_project(http: httpx.Client) -> dict[str, Any]:
    body = {"data": {"type": "project", "attributes": {"name": "Other", "key": unique_key()}}}
    return dict(http.post("/api/v2/cases/projects", json=body).json()["data"])


def view_body(project_id: str, name: str = "Open bugs", query: str = "status:open") -> dict[str, Any]:
    return {"data": {"type": "view", "attributes": {"project_id": project_id, "name": name, "query": query}}}


def test_create_get_list_update_delete(
    cases_api: CaseManagementApi, http: httpx.Client, project: dict[str, Any], server: Server
) -> None:
    created = cases_api.create_case_view(ddr.view_request(project["id"], "Urgent", "status:open priority:P1"))
    assert not created._unparsed
    view = created.data
    assert view.type.value == "view"
    assert view.attributes.name == "Urgent"
    assert view.attributes.query == "status:open priority:P1"
    assert view.attributes.created_at is not None
    assert view.relationships.project.data.id == project["id"]
    assert view.relationships.created_by.data.id == server.admin.user_id

    assert cases_api.get_case_view(view.id).data.to_dict() == view.to_dict()
    cases_api.create_case_view(ddr.view_request(project["id"], "all mine", "assignee:me"))
    elsewhere = cases_api.create_case_view(ddr.view_request(other_project(http)["id"], "Elsewhere", "")).data
    listed = cases_api.list_case_views(project["id"])
    assert not listed._unparsed
    assert [v.attributes.name for v in listed.data] == ["all mine", "Urgent"]
    assert elsewhere.id not in {v.id for v in listed.data}

    renamed = cases_api.update_case_view(view.id, ddr.view_update(name="Very urgent")).data
    assert (renamed.attributes.name, renamed.attributes.query) == ("Very urgent", "status:open priority:P1")
    requeried = cases_api.update_case_view(
        view.id, ddr.view_update(query="priority:(P1 OR P2)", np_rule_id="r-1")
    )
    assert requeried.data.attributes.query == "priority:(P1 OR P2)"
    assert requeried.data.attributes.np_rule_id == "r-1"
    assert requeried.data.attributes.name == "Very urgent"
    assert requeried.data.attributes.modified_at >= view.attributes.created_at

    cases_api.delete_case_view(view.id)
    for call in (lambda: cases_api.get_case_view(view.id), lambda: cases_api.delete_case_view(view.id)):
        with pytest.raises(ApiException) as gone:
            call()
        assert gone.value.status == 404
    assert [v.attributes.name for v in cases_api.list_case_views(project["id"]).data] == ["all mine"]


def test_running_a_view_through_search(
    cases_api: CaseManagementApi, http: httpx.Client, project: dict[str, Any]
) -> None:
    token = uuid.uuid4().hex[:10]
    wanted = dd.create_case(cases_api, project["id"], f"{token} checkout down", priority="P1").data
    dd.create_case(cases_api, project["id"], f"{token} slow page", priority="P3")
    closed = dd.create_case(cases_api, project["id"], f"{token} old outage", priority="P1").data
    cases_api.update_status(closed.id, dd.status_request("CLOSED"))
    elsewhere = other_project(http)
    dd.create_case(cases_api, elsewhere["id"], f"{token} other team", priority="P1")

    view = cases_api.create_case_view(
        ddr.view_request(project["id"], "P1s", f"status:open priority:P1 {token}")
    ).data
    query = cases_api.get_case_view(view.id).data.attributes.query
    everywhere = cases_api.search_cases(filter=query)
    assert {c.attributes.title for c in everywhere.data} == {f"{token} checkout down", f"{token} other team"}
    in_project = cases_api.search_cases(filter=f"project_id:{project['id']} ({query})")
    assert [c.id for c in in_project.data] == [wanted.id]


@pytest.mark.parametrize("query", ["status:(open", "priority:P9", "created_at:>yesterday-ish", "a" * 4097])
def test_unparseable_queries_are_refused(
    http: httpx.Client, cases_api: CaseManagementApi, project: dict[str, Any], query: str
) -> None:
    # On create, even for an unknown project; on update, even for an unknown view.
    for project_id in (project["id"], str(uuid.uuid4())):
        response = http.post("/api/v2/cases/views", json=view_body(project_id, query=query))
        assert response.status_code == 400, response.text
        assert dd.only_message(response).startswith("/data/attributes/query: ")
    view = cases_api.create_case_view(ddr.view_request(project["id"], "Fine", "status:open")).data
    for view_id in (view.id, str(uuid.uuid4())):
        body = {"data": {"type": "view", "attributes": {"query": query}}}
        response = http.put(f"/api/v2/cases/views/{view_id}", json=body)
        assert response.status_code == 400, response.text
        assert dd.only_message(response).startswith("/data/attributes/query: ")
    assert cases_api.get_case_view(view.id).data.attributes.query == "status:open"


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        ({"name": "  "}, "/data/attributes/name"),
        ({"name": "n" * 201}, "/data/attributes/name"),
        ({"project_id": "SEC"}, "/data/attributes/project_id"),
        ({"query": None}, "/data/attributes/query"),
        ({"np_rule_id": "r" * 65}, "/data/attributes/np_rule_id"),
    ],
)
def test_malformed_views_are_refused(
    http: httpx.Client, project: dict[str, Any], attributes: dict[str, Any], pointer: str
) -> None:
    body = view_body(project["id"])
    body["data"]["attributes"].update(attributes)
    body["data"]["attributes"] = {k: v for k, v in body["data"]["attributes"].items() if v is not None}
    response = http.post("/api/v2/cases/views", json=body)
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith(f"{pointer}: ")


def test_wrong_resource_type_is_400(http: httpx.Client, project: dict[str, Any]) -> None:
    body = view_body(project["id"])
    body["data"]["type"] = "case"
    response = http.post("/api/v2/cases/views", json=body)
    assert response.status_code == 400
    assert dd.only_message(response).startswith("/data/type: ")


def test_unknown_projects_and_views_are_404(http: httpx.Client, project: dict[str, Any]) -> None:
    assert http.post("/api/v2/cases/views", json=view_body(str(uuid.uuid4()))).status_code == 404
    assert http.get("/api/v2/cases/views", params={"project_id": str(uuid.uuid4())}).status_code == 404
    http.delete(f"/api/v2/cases/projects/{project['id']}")
    assert http.get("/api/v2/cases/views", params={"project_id": project["id"]}).status_code == 404
    missing = str(uuid.uuid4())
    assert http.get(f"/api/v2/cases/views/{missing}").status_code == 404
    assert http.put(f"/api/v2/cases/views/{missing}", json={"data": {"type": "view"}}).status_code == 404
    response = http.delete(f"/api/v2/cases/views/{missing}")
    assert response.status_code == 404
    assert dd.only_message(response) == "view not found"


@pytest.mark.parametrize(
    ("method", "path", "parameter"),
    [
        ("GET", "/api/v2/cases/views", "project_id"),
        ("GET", "/api/v2/cases/views?project_id=SEC", "project_id"),
        ("GET", "/api/v2/cases/views/not-a-view", "view_id"),
        ("PUT", "/api/v2/cases/views/not-a-view", "view_id"),
        ("DELETE", "/api/v2/cases/views/not-a-view", "view_id"),
    ],
)
def test_malformed_parameters_are_400(http: httpx.Client, method: str, path: str, parameter: str) -> None:
    body = {"data": {"type": "view", "attributes": {"name": "x"}}} if method == "PUT" else None
    response = http.request(method, path, json=body)
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith(f'parameter "{parameter}": ')


def test_who_may_keep_views(
    server: Server, reader: Keys, cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    view = cases_api.create_case_view(ddr.view_request(project["id"], "Shared", "status:open")).data
    with accounts.api_as(server, reader) as api:
        assert [v.id for v in api.list_case_views(project["id"]).data] == [view.id]
        assert api.get_case_view(view.id).data.attributes.name == "Shared"
        for call in (
            lambda: api.create_case_view(ddr.view_request(project["id"], "Mine", "")),
            lambda: api.update_case_view(view.id, ddr.view_update(name="Hijacked")),
            lambda: api.delete_case_view(view.id),
        ):
            with pytest.raises(ApiException) as refused:
                call()
            assert refused.value.status == 403
    with accounts.http_as(server, {}) as anonymous:
        assert anonymous.get("/api/v2/cases/views", params={"project_id": project["id"]}).status_code == 401
        assert anonymous.get(f"/api/v2/cases/views/{view.id}").status_code == 401
        assert anonymous.post("/api/v2/cases/views", json=view_body(project["id"])).status_code == 401
        assert anonymous.delete(f"/api/v2/cases/views/{view.id}").status_code == 401
    assert [v.attributes.name for v in cases_api.list_case_views(project["id"]).data] == ["Shared"]
