"""Moving a case to another project: a new key from the destination, the old key still works."""

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


@pytest.fixture
def destination(http: httpx.Client) -> dict[str, Any]:
    body = {"data": {"type": "project", "attributes": {"name": "Destination", "key": unique_key()}}}
    response = http.post("/api/v2/cases/projects", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def key_of(project: dict[str, Any]) -> str:
    return str(project["attributes"]["key"])


def move_body(project: str, kind: str = "project") -> dict[str, Any]:
    return {"data": {"id": project, "type": kind}}


def test_move_takes_the_destinations_next_key(
    cases_api: CaseManagementApi, http: httpx.Client, project: dict[str, Any], destination: dict[str, Any]
) -> None:
    source, target = key_of(project), key_of(destination)
    dd.create_case(cases_api, destination["id"], "Already there")
    case = dd.create_case(cases_api, project["id"], "Misfiled").data
    assert case.attributes.key == f"{source}-1"

    moved = cases_api.move_case_to_project(case.id, ddr.project_relationship(destination["id"]))
    assert not moved._unparsed
    assert moved.data.id == case.id
    assert moved.data.attributes.key == f"{target}-2"
    assert moved.data.relationships.project.data.id == destination["id"]
    assert moved.data.attributes["case_number"] == case.attributes["case_number"]
    assert moved.data.attributes.title == "Misfiled"

    for ref in (case.id, f"{source}-1", f"{source}-1".lower(), f"{target}-2"):
        found = cases_api.get_case(ref).data
        assert (found.id, found.attributes.key) == (case.id, f"{target}-2")

    cells = http.get(f"/api/v2/cases/{f'{source}-1'}/timelines").json()["data"]
    assert [c["attributes"]["event"]["kind"] for c in cells] == ["case.moved", "case.created"]
    moved_cell = cells[0]["attributes"]
    assert moved_cell["cell_content"]["message"] == f"Ada Admin moved the case from {source}-1 to {target}-2"
    assert moved_cell["event"]["old_project_id"] == project["id"]
    assert moved_cell["event"]["new_project_id"] == destination["id"]

    # The source's numbers are not handed out again, and searches see the case where it is now.
    assert dd.create_case(cases_api, project["id"]).data.attributes.key == f"{source}-2"
    found = http.get("/api/v2/cases", params={"filter": f"project:{target} Misfiled"}).json()["data"]
    assert [c["id"] for c in found] == [case.id]
    for key in (f"{source}-1", f"{target}-2"):
        found = http.get("/api/v2/cases", params={"filter": f"key:{key}"}).json()["data"]
        assert [c["id"] for c in found] == [case.id]


def test_moving_back_and_forth_keeps_every_old_key(
    cases_api: CaseManagementApi, project: dict[str, Any], destination: dict[str, Any]
) -> None:
    source, target = key_of(project), key_of(destination)
    case = dd.create_case(cases_api, project["id"]).data
    # By key on both sides: the case by its key, the project by its key.
    cases_api.move_case_to_project(f"{source}-1", ddr.project_relationship(target.lower()))
    back = cases_api.move_case_to_project(f"{target}-1", ddr.project_relationship(project["id"])).data
    assert back.attributes.key == f"{source}-2"
    for ref in (f"{source}-1", f"{target}-1", f"{source}-2"):
        assert cases_api.get_case(ref).data.id == case.id


def test_moving_into_the_same_project_changes_nothing(
    cases_api: CaseManagementApi, http: httpx.Client, project: dict[str, Any]
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    same = cases_api.move_case_to_project(case.id, ddr.project_relationship(project["id"])).data
    assert same.attributes.key == case.attributes.key
    assert same.attributes.modified_at == case.attributes.modified_at
    kinds = [
        c["attributes"]["event"]["kind"]
        for c in http.get(f"/api/v2/cases/{case.id}/timelines").json()["data"]
    ]
    assert kinds == ["case.created"]


def test_links_follow_the_moved_case(
    cases_api: CaseManagementApi, project: dict[str, Any], destination: dict[str, Any]
) -> None:
    first = dd.create_case(cases_api, project["id"]).data
    second = dd.create_case(cases_api, project["id"]).data
    link = cases_api.create_case_link(ddr.link_request(first.id, second.id)).data
    moved = cases_api.move_case_to_project(first.id, ddr.project_relationship(destination["id"])).data
    for ref in (first.attributes.key, moved.attributes.key):
        assert [item.id for item in cases_api.list_case_links("CASE", ref).data] == [link.id]


def test_unknown_case_or_project_is_a_404_object(
    http: httpx.Client, project: dict[str, Any], destination: dict[str, Any]
) -> None:
    case = http.post("/api/v2/cases", json=dd.create_body(project["id"])).json()["data"]["id"]
    http.delete(f"/api/v2/cases/projects/{destination['id']}")
    for target, body, detail in [
        (str(uuid.uuid4()), move_body(project["id"]), "case not found"),
        (case, move_body(str(uuid.uuid4())), "project not found"),
        (case, move_body("NOSUCHKEY"), "project not found"),
        (case, move_body(destination["id"]), "project not found"),  # deleted
    ]:
        response = http.patch(f"/api/v2/cases/{target}/relationships/project", json=body)
        assert response.status_code == 404, response.text
        [error] = ddr.error_objects(response.json())
        assert error["status"] == "404"
        assert error["detail"] == detail


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (move_body("not a project"), "/data/id"),
        (move_body(""), "/data/id"),
        (move_body(dd.SOME_UUID, kind="case"), "/data/type"),
        ({"data": {"type": "project"}}, "/data/id"),
        ({}, "/data"),
    ],
)
def test_malformed_bodies_are_400_objects_before_any_lookup(
    http: httpx.Client, body: dict[str, Any], pointer: str
) -> None:
    response = http.patch(f"/api/v2/cases/{uuid.uuid4()}/relationships/project", json=body)
    assert response.status_code == 400, response.text
    [error] = ddr.error_objects(response.json())
    assert error["status"] == "400"
    assert error["source"] == {"pointer": pointer}


def test_malformed_case_id_is_a_400_object(http: httpx.Client, project: dict[str, Any]) -> None:
    response = http.patch("/api/v2/cases/not%20a%20case/relationships/project", json=move_body(project["id"]))
    assert response.status_code == 400
    [error] = ddr.error_objects(response.json())
    assert error["source"] == {"parameter": "case_id"}


def test_who_may_move(
    server: Server,
    reader: Keys,
    cases_api: CaseManagementApi,
    project: dict[str, Any],
    destination: dict[str, Any],
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    with accounts.api_as(server, reader) as api, pytest.raises(ApiException) as refused:
        api.move_case_to_project(case.id, ddr.project_relationship(destination["id"]))
    assert refused.value.status == 403
    assert ddr.error_objects(refused.value.body)[0]["status"] == "403"
    with accounts.http_as(server, {}) as anonymous:
        response = anonymous.patch(
            f"/api/v2/cases/{case.id}/relationships/project", json=move_body(destination["id"])
        )
    assert response.status_code == 401
    assert ddr.error_objects(response.json())[0]["status"] == "401"
    assert cases_api.get_case(case.id).data.attributes.key == case.attributes.key
