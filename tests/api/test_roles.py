"""Roles through the Datadog API and the command line: what each role's keys may do, that a
role change takes effect on the very next request, and the users and roles operations the
official client sends (ListUsers, UpdateUser, ListRoles, AddUserToRole, RemoveUserFromRole)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.roles_api import RolesApi
from datadog_api_client.v2.api.users_api import UsersApi
from datadog_api_client.v2.model.relationship_to_user import RelationshipToUser
from datadog_api_client.v2.model.relationship_to_user_data import RelationshipToUserData
from datadog_api_client.v2.model.roles_type import RolesType
from datadog_api_client.v2.model.user_update_attributes import UserUpdateAttributes
from datadog_api_client.v2.model.user_update_data import UserUpdateData
from datadog_api_client.v2.model.user_update_request import UserUpdateRequest
from datadog_api_client.v2.model.users_type import UsersType

from tests.api import accounts, dd
from tests.conftest import dd_configuration
from tests.support import Server, casedesk

ROLE_NAMES = {"Datadog Admin Role", "Datadog Standard Role", "Datadog Read Only Role"}


@pytest.fixture(scope="module")
def roles_api(dd_client: ApiClient) -> RolesApi:
    return RolesApi(dd_client)


@pytest.fixture(scope="module")
def role_ids(roles_api: RolesApi) -> dict[str, str]:
    return {role.attributes.name: role.id for role in roles_api.list_roles().data}


def create_case_type(client: httpx.Client) -> int:
    body = {"data": {"type": "case_type", "attributes": {"name": f"T{uuid.uuid4().hex[:6]}"}}}
    return client.post("/api/v2/cases/types", json=body).status_code


def create_incident_type(client: httpx.Client) -> int:
    body = {"data": {"type": "incident_types", "attributes": {"name": f"I{uuid.uuid4().hex[:6]}"}}}
    return client.post("/api/v2/incidents/config/types", json=body).status_code


def create_case(client: httpx.Client, project_id: str) -> int:
    body = {
        "data": {
            "type": "case",
            "attributes": {"title": "Role check", "type_id": "00000000-0000-0000-0000-000000000001"},
            "relationships": {"project": {"data": {"id": project_id, "type": "project"}}},
        }
    }
    return client.post("/api/v2/cases", json=body).status_code


def set_role(server: Server, email: str, role: str) -> None:
    done = casedesk(server.database_url, "users", "set-role", email, role)
    assert done.returncode == 0, done.stderr


def test_list_roles_shows_datadogs_three_managed_roles(roles_api: RolesApi) -> None:
    listed = roles_api.list_roles()
    assert {r.attributes.name for r in listed.data} == ROLE_NAMES
    assert all(r.type == RolesType.ROLES for r in listed.data)
    again = roles_api.list_roles()
    assert [r.id for r in again.data] == [r.id for r in listed.data]  # fixed ids


def test_a_users_role_is_in_their_resource(
    users_api: UsersApi, server: Server, role_ids: dict[str, str]
) -> None:
    admin = users_api.get_user(server.admin.user_id).data
    assert [r.id for r in admin.relationships.roles.data] == [role_ids["Datadog Admin Role"]]


def test_set_role_takes_effect_on_the_next_request(server: Server, project: dict[str, Any]) -> None:
    user = accounts.create_user(server, "promoted")
    keys = accounts.keys_for(server, user["email"], user_id=user["user_id"])
    with accounts.http_as(server, accounts.key_headers(keys)) as client:
        assert create_case_type(client) == 403
        assert create_incident_type(client) == 403
        assert create_case(client, project["id"]) == 201
        set_role(server, user["email"], "admin")
        assert create_case_type(client) == 201
        assert create_incident_type(client) == 201
        set_role(server, user["email"], "read_only")
        assert create_case(client, project["id"]) == 403
        assert client.get(f"/api/v2/cases/projects/{project['id']}").status_code == 200


def test_a_read_only_users_write_key_only_reads(server: Server, project: dict[str, Any]) -> None:
    keys = accounts.new_keys(server, "cases_write", label="reader", role="read_only")
    with accounts.http_as(server, accounts.key_headers(keys)) as client:
        assert create_case(client, project["id"]) == 403
        assert (
            client.get("/api/v2/cases", params={"filter": f"project_id:{project['id']}"}).status_code == 200
        )


def test_add_user_to_role_moves_them_and_is_admin_only(
    server: Server, roles_api: RolesApi, role_ids: dict[str, str], project: dict[str, Any]
) -> None:
    keys = accounts.new_keys(server, label="moved")
    member = RelationshipToUser(data=RelationshipToUserData(id=keys.user_id, type=UsersType.USERS))
    with accounts.http_as(server, accounts.key_headers(keys)) as client:
        assert create_case_type(client) == 403
        with ApiClient(dd_configuration(server, keys)) as own:
            with pytest.raises(ApiException) as refused:
                RolesApi(own).add_user_to_role(role_ids["Datadog Admin Role"], member)
            assert refused.value.status == 403
        users = roles_api.add_user_to_role(role_ids["Datadog Admin Role"], member)
        assert keys.user_id in {u.id for u in users.data}
        assert create_case_type(client) == 201
        roles_api.add_user_to_role(role_ids["Datadog Read Only Role"], member)
        assert create_case(client, project["id"]) == 403


def test_a_user_cannot_be_removed_from_their_only_role(
    server: Server, roles_api: RolesApi, role_ids: dict[str, str]
) -> None:
    keys = accounts.new_keys(server, label="kept")
    member = RelationshipToUser(data=RelationshipToUserData(id=keys.user_id, type=UsersType.USERS))
    with pytest.raises(ApiException) as refused:
        roles_api.remove_user_from_role(role_ids["Datadog Standard Role"], member)
    assert refused.value.status == 400
    assert refused.value.body == {
        "errors": ["/data/id: a user has exactly one role: add them to another role instead"]
    }
    # From a role they do not have: nothing to do.
    roles_api.remove_user_from_role(role_ids["Datadog Admin Role"], member)


def test_unknown_roles_are_404(http: httpx.Client, server: Server) -> None:
    body = {"data": {"id": server.admin.user_id, "type": "users"}}
    response = http.post(f"/api/v2/roles/{uuid.uuid4()}/users", json=body)
    assert response.status_code == 404, response.text


def update(user_id: str, **attributes: Any) -> UserUpdateRequest:
    return UserUpdateRequest(
        data=UserUpdateData(id=user_id, type=UsersType.USERS, attributes=UserUpdateAttributes(**attributes))
    )


def test_update_user_disables_and_enables_again(server: Server, users_api: UsersApi) -> None:
    keys = accounts.new_keys(server, "cases_read", label="paused")
    with accounts.http_as(server, accounts.key_headers(keys)) as client:
        assert client.get("/api/v2/cases/types").status_code == 200
        disabled = users_api.update_user(keys.user_id, update(keys.user_id, disabled=True)).data
        assert (disabled.attributes.disabled, disabled.attributes.status) == (True, "Disabled")
        assert client.get("/api/v2/cases/types").status_code == 401
        enabled = users_api.update_user(keys.user_id, update(keys.user_id, disabled=False)).data
        assert enabled.attributes.status == "Active"
        assert client.get("/api/v2/cases/types").status_code == 200


def test_update_user_renames_and_refuses_a_taken_email(server: Server, users_api: UsersApi) -> None:
    keys = accounts.new_keys(server, label="renamed")
    new_email = dd.unique_email("renamed")
    changed = users_api.update_user(keys.user_id, update(keys.user_id, name="Re Named", email=new_email)).data
    assert (changed.attributes.name, changed.attributes.email) == ("Re Named", new_email)
    with pytest.raises(ApiException) as taken:
        users_api.update_user(keys.user_id, update(keys.user_id, email="admin@example.com"))
    assert taken.value.status == 400
    assert taken.value.body["errors"][0].startswith("/data/attributes/email: ")


def test_update_user_refuses_a_body_for_another_user(http: httpx.Client, server: Server) -> None:
    body = {"data": {"id": str(uuid.uuid4()), "type": "users", "attributes": {"name": "X"}}}
    response = http.patch(f"/api/v2/users/{server.admin.user_id}", json=body)
    assert response.status_code == 400
    assert dd.only_message(response).startswith("/data/id")


def test_update_user_is_admin_only(server: Server) -> None:
    keys = accounts.new_keys(server, label="self")
    with accounts.http_as(server, accounts.key_headers(keys)) as client:
        body = {"data": {"id": keys.user_id, "type": "users", "attributes": {"name": "Boss"}}}
        assert client.patch(f"/api/v2/users/{keys.user_id}", json=body).status_code == 403


def test_list_users_pages_and_filters(server: Server, users_api: UsersApi) -> None:
    email = accounts.new_user(server, "listed")
    found = users_api.list_users(filter=email)
    assert [u.attributes.email for u in found.data] == [email]
    page = users_api.list_users(page_size=2, page_number=0)
    assert len(page.data) == 2
    assert page.meta.page.total_count >= 3
