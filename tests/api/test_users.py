"""Users through the official client: create, get, disable, and what a key's scopes allow."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.users_api import UsersApi
from datadog_api_client.v2.model.user_create_attributes import UserCreateAttributes
from datadog_api_client.v2.model.user_create_data import UserCreateData
from datadog_api_client.v2.model.user_create_request import UserCreateRequest
from datadog_api_client.v2.model.users_type import UsersType

from tests.api import dd
from tests.conftest import dd_configuration
from tests.support import Keys, Server, casedesk


def new_email(prefix: str = "user") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@example.com"


def create_request(email: str, name: str | None = None, title: str | None = None) -> UserCreateRequest:
    attrs: dict[str, str] = {"email": email}
    if name is not None:
        attrs["name"] = name
    if title is not None:
        attrs["title"] = title
    return UserCreateRequest(
        data=UserCreateData(type=UsersType.USERS, attributes=UserCreateAttributes(**attrs))
    )


def cli_user_with_keys(server: Server, scopes: str) -> Keys:
    """A user and a key pair made the way an operator would, with the CLI."""
    email = new_email("cli")
    made = casedesk(server.database_url, "users", "create", "--email", email, "--json")
    assert made.returncode == 0, made.stderr
    keys = casedesk(server.database_url, "keys", "create", "--user", email, "--scopes", scopes, "--json")
    assert keys.returncode == 0, keys.stderr
    return Keys.parse(json.loads(keys.stdout), json.loads(made.stdout)["user_id"])


@pytest.fixture
def reader(server: Server) -> Iterator[ApiClient]:
    """A client whose key holds only `cases_read`."""
    with ApiClient(dd_configuration(server, cli_user_with_keys(server, "cases_read"))) as client:
        yield client


def status_of(exc: pytest.ExceptionInfo[ApiException]) -> int:
    return int(exc.value.status)


# -- create ------------------------------------------------------------------------------


def test_create_user(users_api: UsersApi) -> None:
    email = new_email("Jane.Doe")
    created = users_api.create_user(create_request(email.upper(), name="Jane Doe", title="SRE")).data

    assert created.type.value == "users"
    uuid.UUID(created.id)
    attrs = created.attributes
    assert attrs.email == email.lower()
    assert attrs.handle == email.lower()
    assert attrs.name == "Jane Doe"
    assert attrs.title == "SRE"
    assert attrs.disabled is False
    assert attrs.status == "Active"
    assert attrs.created_at is not None


def test_name_defaults_to_the_email_local_part(users_api: UsersApi) -> None:
    email = new_email("quiet")
    assert users_api.create_user(create_request(email)).data.attributes.name == email.split("@")[0]


def test_duplicate_email_is_refused(users_api: UsersApi) -> None:
    email = new_email()
    users_api.create_user(create_request(email))
    with pytest.raises(ApiException) as exc:
        users_api.create_user(create_request("  " + email.upper()))
    assert status_of(exc) == 400
    [message] = dd.error_messages(exc.value)
    assert message.startswith("/data/attributes/email: ")
    assert email in message


@pytest.mark.parametrize("email", ["not-an-email", "two@@example.com", "no-domain@", "a b@example.com", ""])
def test_invalid_email_is_refused(users_api: UsersApi, email: str) -> None:
    with pytest.raises(ApiException) as exc:
        users_api.create_user(create_request(email))
    assert status_of(exc) == 400
    [message] = dd.error_messages(exc.value)
    assert message.startswith("/data/attributes/email: ")


def test_wrong_resource_type_is_refused(http: httpx.Client) -> None:
    body = {"data": {"type": "user", "attributes": {"email": new_email()}}}
    response = http.post("/api/v2/users", json=body)
    assert response.status_code == 400
    [message] = response.json()["errors"]
    assert message.startswith("/data/type: ")


def test_missing_email_is_refused(http: httpx.Client) -> None:
    response = http.post("/api/v2/users", json={"data": {"type": "users", "attributes": {"name": "Anon"}}})
    assert response.status_code == 400
    assert response.json()["errors"][0].startswith("/data/attributes/email: ")


# -- get ---------------------------------------------------------------------------------


def test_get_user(users_api: UsersApi) -> None:
    email = new_email()
    created = users_api.create_user(create_request(email, name="Get Me")).data
    got = users_api.get_user(created.id).data
    assert got.id == created.id
    assert got.attributes.email == email
    assert got.attributes.name == "Get Me"


def test_get_the_admin_from_init(users_api: UsersApi, server: Server) -> None:
    admin = users_api.get_user(server.admin.user_id).data.attributes
    assert admin.email == "admin@example.com"
    assert admin.name == "Ada Admin"


def test_get_unknown_user_is_404(users_api: UsersApi) -> None:
    with pytest.raises(ApiException) as exc:
        users_api.get_user(str(uuid.uuid4()))
    assert status_of(exc) == 404
    assert dd.error_messages(exc.value) == ["user not found"]


def test_malformed_user_id_is_400(users_api: UsersApi) -> None:
    with pytest.raises(ApiException) as exc:
        users_api.get_user("jane")
    assert status_of(exc) == 400
    [message] = dd.error_messages(exc.value)
    assert message.startswith('parameter "user_id": ')


# -- disable -----------------------------------------------------------------------------


def test_disable_user_refuses_their_keys(users_api: UsersApi, server: Server) -> None:
    keys = cli_user_with_keys(server, "cases_read,cases_write")
    with ApiClient(dd_configuration(server, keys)) as client:
        theirs = CaseManagementApi(client)
        assert isinstance(theirs.get_projects().data, list)

        users_api.disable_user(keys.user_id)

        attrs = users_api.get_user(keys.user_id).data.attributes
        assert attrs.disabled is True
        assert attrs.status == "Disabled"
        with pytest.raises(ApiException) as exc:
            theirs.get_projects()
        assert status_of(exc) == 401


def test_disabled_user_cannot_be_assigned(
    users_api: UsersApi, cases_api: CaseManagementApi, project: dict[str, object]
) -> None:
    user = users_api.create_user(create_request(new_email())).data
    users_api.disable_user(user.id)
    case = dd.create_case(cases_api, str(project["id"])).data
    with pytest.raises(ApiException) as exc:
        cases_api.assign_case(case.id, dd.assign_request(user.id))
    assert status_of(exc) == 400
    [message] = dd.error_messages(exc.value)
    assert message.startswith("/data/attributes/assignee_id: ")
    assert "disabled" in message


def test_disable_unknown_user_is_404(users_api: UsersApi) -> None:
    with pytest.raises(ApiException) as exc:
        users_api.disable_user(str(uuid.uuid4()))
    assert status_of(exc) == 404


def test_disable_malformed_id_is_400(users_api: UsersApi) -> None:
    with pytest.raises(ApiException) as exc:
        users_api.disable_user("0")
    assert status_of(exc) == 400


# -- scopes ------------------------------------------------------------------------------


def test_read_only_key_cannot_manage_users(reader: ApiClient, users_api: UsersApi) -> None:
    theirs = UsersApi(reader)
    email = new_email()
    with pytest.raises(ApiException) as create:
        theirs.create_user(create_request(email))
    assert status_of(create) == 403
    [message] = dd.error_messages(create.value)
    assert "user_access_invite" in message

    victim = users_api.create_user(create_request(new_email())).data
    with pytest.raises(ApiException) as disable:
        theirs.disable_user(victim.id)
    assert status_of(disable) == 403
    assert users_api.get_user(victim.id).data.attributes.disabled is False

    with pytest.raises(ApiException) as get:
        theirs.get_user(victim.id)
    assert status_of(get) == 403


def test_read_only_key_still_reads_cases(reader: ApiClient) -> None:
    assert isinstance(CaseManagementApi(reader).get_projects().data, list)


def test_scope_is_checked_before_the_body(reader: ApiClient, server: Server) -> None:
    # A caller without the scope learns nothing about what a valid body looks like.
    config = reader.configuration
    headers = {"DD-API-KEY": config.api_key["apiKeyAuth"], "DD-APPLICATION-KEY": config.api_key["appKeyAuth"]}
    response = httpx.post(f"{server.url}/api/v2/users", json={"data": {"type": "users"}}, headers=headers)
    assert response.status_code == 403, response.text
