"""Projects through the official client: create, read, update, delete and favorites."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.auto_close_inactive_cases import AutoCloseInactiveCases
from datadog_api_client.v2.model.integration_monitor import IntegrationMonitor
from datadog_api_client.v2.model.project_create import ProjectCreate
from datadog_api_client.v2.model.project_create_attributes import ProjectCreateAttributes
from datadog_api_client.v2.model.project_create_request import ProjectCreateRequest
from datadog_api_client.v2.model.project_resource_type import ProjectResourceType
from datadog_api_client.v2.model.project_response import ProjectResponse
from datadog_api_client.v2.model.project_settings import ProjectSettings
from datadog_api_client.v2.model.project_update import ProjectUpdate
from datadog_api_client.v2.model.project_update_attributes import ProjectUpdateAttributes
from datadog_api_client.v2.model.project_update_request import ProjectUpdateRequest

from tests.api import dd
from tests.conftest import unique_key
from tests.support import Server

PROJECTS = "/api/v2/cases/projects"


def create(api: CaseManagementApi, key: str, name: str = "Security Investigation") -> ProjectResponse:
    return api.create_project(
        ProjectCreateRequest(
            data=ProjectCreate(
                type=ProjectResourceType.PROJECT, attributes=ProjectCreateAttributes(name=name, key=key)
            )
        )
    )


def update_request(**attributes: Any) -> ProjectUpdateRequest:
    return ProjectUpdateRequest(
        data=ProjectUpdate(type=ProjectResourceType.PROJECT, attributes=ProjectUpdateAttributes(**attributes))
    )


def handle_update(handle: str) -> ProjectUpdateRequest:
    return update_request(settings=ProjectSettings(integration_monitor=IntegrationMonitor(handle=handle)))


def refused(exc: pytest.ExceptionInfo[ApiException], status: int) -> str:
    assert exc.value.status == status, exc.value.body
    [message] = dd.error_messages(exc.value)
    return message


def listed_ids(api: CaseManagementApi) -> set[str]:
    return {p.id for p in api.get_projects().data}


def favorite_ids(api: CaseManagementApi) -> set[str]:
    return {f.id for f in api.list_user_case_project_favorites().data}


# -- create ------------------------------------------------------------------------------


def test_create_uppercases_the_key_and_derives_the_handle(cases_api: CaseManagementApi) -> None:
    key = unique_key()
    created = create(cases_api, key.lower(), name="  Security Investigation ").data

    assert created.type.value == "project"
    uuid.UUID(created.id)
    attrs = created.attributes
    assert attrs.key == key
    assert attrs.name == "Security Investigation"
    assert attrs["handle"] == key.lower()
    assert attrs.settings.integration_monitor.handle == key.lower()


def test_create_answers_the_raw_jsonapi_shape(http: httpx.Client, server: Server) -> None:
    key = unique_key()
    body = {"data": {"type": "project", "attributes": {"name": "Ops", "key": key, "handle": "Ops-Team"}}}
    response = http.post(PROJECTS, json=body)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["type"] == "project"
    assert data["attributes"]["handle"] == "ops-team"
    assert data["attributes"]["settings"]["integration_monitor"]["handle"] == "ops-team"
    # The creator is the project's first member.
    assert data["relationships"]["member_user"]["data"] == [{"id": server.admin.user_id, "type": "user"}]


def test_duplicate_key_is_refused_with_a_pointer(cases_api: CaseManagementApi) -> None:
    key = unique_key()
    create(cases_api, key)
    before = listed_ids(cases_api)

    with pytest.raises(ApiException) as exc:
        create(cases_api, key.lower())
    message = refused(exc, 400)
    assert message.startswith("/data/attributes/key: ")
    assert key in message
    assert listed_ids(cases_api) == before


def test_duplicate_handle_on_create_is_refused(http: httpx.Client) -> None:
    handle = "team-" + uuid.uuid4().hex[:8]
    first = {"data": {"type": "project", "attributes": {"name": "A", "key": unique_key(), "handle": handle}}}
    assert http.post(PROJECTS, json=first).status_code == 201
    second = {"data": {"type": "project", "attributes": {"name": "B", "key": unique_key(), "handle": handle}}}
    response = http.post(PROJECTS, json=second)
    assert response.status_code == 400
    [message] = response.json()["errors"]
    assert message.startswith("/data/attributes/handle: ")


@pytest.mark.parametrize("key", ["1ABC", "ABCDEFGHIJK", "", "SE C", "SEC-1"])
def test_malformed_key_is_refused(cases_api: CaseManagementApi, key: str) -> None:
    with pytest.raises(ApiException) as exc:
        create(cases_api, key)
    assert refused(exc, 400).startswith("/data/attributes/key: ")


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_bad_name_is_refused(cases_api: CaseManagementApi, name: str) -> None:
    with pytest.raises(ApiException) as exc:
        create(cases_api, unique_key(), name=name)
    assert refused(exc, 400).startswith("/data/attributes/name: ")


def test_wrong_resource_type_is_refused(http: httpx.Client) -> None:
    body = {"data": {"type": "case", "attributes": {"name": "Ops", "key": unique_key()}}}
    response = http.post(PROJECTS, json=body)
    assert response.status_code == 400
    [message] = response.json()["errors"]
    assert message.startswith("/data/type: ")
    assert "project" in message


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"data": {"type": "project", "attributes": {"name": "Ops"}}}, "/data/attributes/key"),
        ({"data": {"type": "project", "attributes": {"key": "OPS"}}}, "/data/attributes/name"),
        ({"data": {"type": "project", "attributes": {"name": "Ops", "key": 12}}}, "/data/attributes/key"),
        ({"data": {"type": "project"}}, "/data/attributes"),
    ],
)
def test_missing_or_mistyped_members_are_refused(http: httpx.Client, body: Any, pointer: str) -> None:
    response = http.post(PROJECTS, json=body)
    assert response.status_code == 400
    [message] = response.json()["errors"]
    assert message.startswith(pointer + ": "), message


def test_body_that_is_not_json_is_refused(http: httpx.Client) -> None:
    response = http.post(PROJECTS, content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"errors": ["request body is not valid JSON"]}


# -- read --------------------------------------------------------------------------------


def test_list_and_get(cases_api: CaseManagementApi) -> None:
    first = create(cases_api, unique_key(), name="First").data
    second = create(cases_api, unique_key(), name="Second").data

    listed = {p.id: p for p in cases_api.get_projects().data}
    assert {first.id, second.id} <= set(listed)
    assert listed[second.id].attributes.name == "Second"

    got = cases_api.get_project(first.id).data
    assert got.id == first.id
    assert got.attributes.key == first.attributes.key
    assert got.attributes.name == "First"


def test_get_unknown_project_is_404(cases_api: CaseManagementApi) -> None:
    with pytest.raises(ApiException) as exc:
        cases_api.get_project(str(uuid.uuid4()))
    assert "project not found" in refused(exc, 404)


def test_malformed_project_id_is_400(cases_api: CaseManagementApi) -> None:
    with pytest.raises(ApiException) as exc:
        cases_api.get_project("not-a-uuid")
    message = refused(exc, 400)
    assert message.startswith('parameter "project_id": ')
    assert "not-a-uuid" in message


def test_malformed_id_is_refused_before_the_body_is_used(http: httpx.Client) -> None:
    body = {"data": {"type": "project", "attributes": {"name": "Renamed"}}}
    response = http.patch(f"{PROJECTS}/nope", json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0].startswith('parameter "project_id": ')


# -- update ------------------------------------------------------------------------------


def test_update_name_and_settings(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    auto_close = AutoCloseInactiveCases(enabled=True, max_inactive_time_in_secs=86400)
    updated = cases_api.update_project(
        project["id"],
        update_request(name="Renamed", settings=ProjectSettings(auto_close_inactive_cases=auto_close)),
    ).data.attributes
    assert updated.name == "Renamed"
    assert updated.key == project["attributes"]["key"]
    assert updated.settings.auto_close_inactive_cases.enabled is True
    assert updated.settings.auto_close_inactive_cases.max_inactive_time_in_secs == 86400

    got = cases_api.get_project(project["id"]).data.attributes
    assert got.name == "Renamed"
    assert got.settings.auto_close_inactive_cases.max_inactive_time_in_secs == 86400
    # The handle is untouched by a settings change that does not name it.
    assert got.settings.integration_monitor.handle == project["attributes"]["handle"]


def test_update_keeps_settings_sections_not_sent(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    auto_close = AutoCloseInactiveCases(enabled=True, max_inactive_time_in_secs=3600)
    cases_api.update_project(
        project["id"], update_request(settings=ProjectSettings(auto_close_inactive_cases=auto_close))
    )
    renamed = cases_api.update_project(project["id"], update_request(name="Only the name")).data.attributes
    assert renamed.name == "Only the name"
    assert renamed.settings.auto_close_inactive_cases.max_inactive_time_in_secs == 3600


def test_change_handle_through_monitor_settings(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    handle = "oncall-" + uuid.uuid4().hex[:8]
    updated = cases_api.update_project(project["id"], handle_update(handle.upper())).data.attributes
    assert updated.settings.integration_monitor.handle == handle
    assert updated["handle"] == handle
    assert cases_api.get_project(project["id"]).data.attributes["handle"] == handle


def test_duplicate_handle_on_update_is_refused(
    cases_api: CaseManagementApi, http: httpx.Client, project: dict[str, Any]
) -> None:
    other = create(cases_api, unique_key()).data
    with pytest.raises(ApiException) as exc:
        cases_api.update_project(project["id"], handle_update(other.attributes["handle"]))
    message = refused(exc, 400)
    assert message.startswith("/data/attributes/settings/integration_monitor/handle: ")
    assert other.attributes["handle"] in message
    unchanged = cases_api.get_project(project["id"]).data.attributes
    assert unchanged["handle"] == project["attributes"]["handle"]


def test_malformed_handle_on_update_is_refused(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    with pytest.raises(ApiException) as exc:
        cases_api.update_project(project["id"], handle_update("no spaces allowed"))
    assert refused(exc, 400).startswith("/data/attributes/settings/integration_monitor/handle: ")


def test_setting_the_same_handle_again_is_allowed(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    same = project["attributes"]["handle"]
    assert cases_api.update_project(project["id"], handle_update(same)).data.attributes["handle"] == same


def test_update_unknown_project_is_404(cases_api: CaseManagementApi) -> None:
    with pytest.raises(ApiException) as exc:
        cases_api.update_project(str(uuid.uuid4()), update_request(name="Nobody"))
    assert "project not found" in refused(exc, 404)


def test_update_with_a_bad_name_is_refused(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    with pytest.raises(ApiException) as exc:
        cases_api.update_project(project["id"], update_request(name="  "))
    assert refused(exc, 400).startswith("/data/attributes/name: ")


# -- delete ------------------------------------------------------------------------------


def test_delete_hides_the_project_but_keeps_its_cases(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    case = dd.create_case(cases_api, project["id"], "Before the project went away").data

    cases_api.delete_project(project["id"])

    with pytest.raises(ApiException) as exc:
        cases_api.get_project(project["id"])
    assert refused(exc, 404)
    assert project["id"] not in listed_ids(cases_api)

    by_id = cases_api.get_case(case.id).data
    assert by_id.attributes.title == "Before the project went away"
    assert by_id.relationships.project.data.id == project["id"]
    assert cases_api.get_case(case.attributes.key).data.id == case.id


def test_a_deleted_project_takes_no_new_cases(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    cases_api.delete_project(project["id"])
    with pytest.raises(ApiException) as exc:
        dd.create_case(cases_api, project["id"])
    assert "project not found" in refused(exc, 404)


def test_a_deleted_project_cannot_be_deleted_or_updated_again(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    cases_api.delete_project(project["id"])
    with pytest.raises(ApiException) as deleted_twice:
        cases_api.delete_project(project["id"])
    assert refused(deleted_twice, 404)
    with pytest.raises(ApiException) as updated:
        cases_api.update_project(project["id"], update_request(name="Zombie"))
    assert refused(updated, 404)


def test_a_deleted_projects_key_stays_reserved(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    # Its cases keep keys like KEY-1, so a new project must not hand them out again.
    cases_api.delete_project(project["id"])
    with pytest.raises(ApiException) as exc:
        create(cases_api, project["attributes"]["key"])
    assert refused(exc, 400).startswith("/data/attributes/key: ")


def test_delete_unknown_or_malformed_id(cases_api: CaseManagementApi) -> None:
    with pytest.raises(ApiException) as unknown:
        cases_api.delete_project(str(uuid.uuid4()))
    assert refused(unknown, 404)
    with pytest.raises(ApiException) as malformed:
        cases_api.delete_project("12")
    assert refused(malformed, 400).startswith('parameter "project_id": ')


# -- favorites ---------------------------------------------------------------------------


def test_favorite_and_unfavorite(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    assert project["id"] not in favorite_ids(cases_api)

    cases_api.favorite_case_project(project["id"])
    favorites = cases_api.list_user_case_project_favorites().data
    mine = [f for f in favorites if f.id == project["id"]]
    assert len(mine) == 1
    assert mine[0].type.value == "project_favorite"

    # Favoriting twice is harmless and lists the project once.
    cases_api.favorite_case_project(project["id"])
    assert [f.id for f in cases_api.list_user_case_project_favorites().data].count(project["id"]) == 1

    cases_api.unfavorite_case_project(project["id"])
    assert project["id"] not in favorite_ids(cases_api)


def test_a_deleted_favorite_leaves_the_list(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    cases_api.favorite_case_project(project["id"])
    cases_api.delete_project(project["id"])
    assert project["id"] not in favorite_ids(cases_api)


def test_favoriting_an_unknown_project_is_404(cases_api: CaseManagementApi) -> None:
    with pytest.raises(ApiException) as favorite:
        cases_api.favorite_case_project(str(uuid.uuid4()))
    assert "project not found" in refused(favorite, 404)
    with pytest.raises(ApiException) as unfavorite:
        cases_api.unfavorite_case_project(str(uuid.uuid4()))
    assert refused(unfavorite, 404)
    with pytest.raises(ApiException) as malformed:
        cases_api.favorite_case_project("favorite-me")
    assert refused(malformed, 400).startswith('parameter "project_id": ')
