"""Who may call: missing or unknown keys are 401, a missing scope is 403, and a refused
caller changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.users_api import UsersApi

from tests.api import accounts, dd
from tests.support import Keys, Server

UNKNOWN_API_KEY = "0" * 32
UNKNOWN_APP_KEY = "0" * 40


@pytest.fixture(scope="module")
def reader(server: Server) -> Keys:
    return accounts.new_keys(server, "cases_read", label="reader")


@pytest.fixture(scope="module")
def writer(server: Server) -> Keys:
    """`cases_write` alone, which implies `cases_read`."""
    return accounts.new_keys(server, "cases_write", label="writer")


@pytest.fixture(scope="module")
def outsider(server: Server) -> Keys:
    return accounts.new_keys(server, "incident_read", label="outsider")


@pytest.fixture
def case(cases_api: CaseManagementApi, project: dict[str, Any]) -> Any:
    return dd.create_case(cases_api, project["id"], "Guarded", priority="P3").data


def bad_credentials(admin: Keys) -> list[tuple[str, dict[str, str]]]:
    return [
        ("no-keys", {}),
        ("api-key-only", {"DD-API-KEY": admin.api_key}),
        ("app-key-only", {"DD-APPLICATION-KEY": admin.app_key}),
        ("unknown-api-key", {"DD-API-KEY": UNKNOWN_API_KEY, "DD-APPLICATION-KEY": admin.app_key}),
        ("unknown-app-key", {"DD-API-KEY": admin.api_key, "DD-APPLICATION-KEY": UNKNOWN_APP_KEY}),
        ("keys-swapped", {"DD-API-KEY": admin.app_key, "DD-APPLICATION-KEY": admin.api_key}),
        ("empty-keys", {"DD-API-KEY": "", "DD-APPLICATION-KEY": ""}),
        ("unknown-bearer", {"Authorization": f"Bearer {UNKNOWN_APP_KEY}"}),
        ("api-key-as-bearer", {"Authorization": f"Bearer {admin.api_key}"}),
        ("bearer-without-token", {"Authorization": "Bearer"}),
        ("basic-auth", {"Authorization": "Basic YWRtaW46YWRtaW4="}),
    ]


CREDENTIAL_LABELS = [label for label, _ in bad_credentials(Keys(api_key="", app_key=""))]


# -- 401 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", CREDENTIAL_LABELS)
@pytest.mark.parametrize("operation", dd.READS + dd.WRITES, ids=str)
def test_bad_credentials_are_401(
    server: Server, case: Any, label: str, operation: dd.Operation, http: httpx.Client
) -> None:
    headers = dict(bad_credentials(server.admin))[label]
    before = http.get(f"/api/v2/cases/{case.id}").json()
    with accounts.http_as(server, headers) as client:
        response = operation.send(client, case.id)
    assert response.status_code == 401, response.text
    assert dd.messages(response)
    assert http.get(f"/api/v2/cases/{case.id}").json() == before


@pytest.mark.parametrize("label", CREDENTIAL_LABELS)
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v2/cases"), ("GET", "/api/v2/cases/types"), ("POST", "/api/v2/cases")],
)
def test_bad_credentials_are_401_on_collections(
    server: Server, project: dict[str, Any], label: str, method: str, path: str
) -> None:
    headers = dict(bad_credentials(server.admin))[label]
    body = dd.create_body(project["id"]) if method == "POST" else None
    with accounts.http_as(server, headers) as client:
        response = client.request(method, path, json=body)
    assert response.status_code == 401, response.text
    assert dd.messages(response)


def test_nothing_is_created_without_credentials(
    server: Server, cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    with accounts.http_as(server, {}) as client:
        response = client.post("/api/v2/cases", json=dd.create_body(project["id"], "Sneaky"))
    assert response.status_code == 401
    assert dd.create_case(cases_api, project["id"]).data.attributes.key == f"{project['attributes']['key']}-1"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v2/cases", {"data": {"type": "project"}}),
        ("/api/v2/cases/NOSUCH-1/priority", dd.case_body(priority="P9")),
    ],
)
def test_credentials_are_checked_before_the_body(
    server: Server, reader: Keys, path: str, body: dict[str, Any]
) -> None:
    with accounts.http_as(server, {}) as client:
        assert client.post(path, json=body).status_code == 401
    with accounts.http_as(server, accounts.key_headers(reader)) as client:
        assert client.post(path, json=body).status_code == 403


def test_the_official_client_sees_401(server: Server, case: Any) -> None:
    wrong = Keys(api_key=server.admin.api_key, app_key=UNKNOWN_APP_KEY)
    with accounts.api_as(server, wrong) as api, pytest.raises(ApiException) as refused:
        api.get_case(case.id)
    assert refused.value.status == 401
    assert dd.error_messages(refused.value)


# -- Bearer ------------------------------------------------------------------------------------


def test_a_bearer_application_key_alone_works(server: Server, project: dict[str, Any], case: Any) -> None:
    headers = {"Authorization": f"Bearer {server.admin.app_key}"}
    with accounts.http_as(server, headers) as client:
        assert client.get(f"/api/v2/cases/{case.id}").status_code == 200
        created = client.post("/api/v2/cases", json=dd.create_body(project["id"], "By bearer"))
        assert created.status_code == 201, created.text
        assert created.json()["data"]["relationships"]["created_by"]["data"]["id"] == server.admin.user_id
        updated = client.post(f"/api/v2/cases/{case.id}/priority", json=dd.case_body(priority="P1"))
        assert updated.status_code == 200, updated.text


def test_the_official_client_with_an_access_token(server: Server, project: dict[str, Any]) -> None:
    with accounts.api_as(server, bearer=server.admin.app_key) as api:
        case = dd.create_case(api, project["id"], "Token holder").data
        assert api.get_case(case.id).data.attributes.title == "Token holder"


# -- 403 and scopes ----------------------------------------------------------------------------


@pytest.mark.parametrize("operation", dd.WRITES, ids=str)
def test_a_read_only_key_cannot_write(
    server: Server, reader: Keys, case: Any, operation: dd.Operation, http: httpx.Client
) -> None:
    before = http.get(f"/api/v2/cases/{case.id}").json()
    timeline_before = http.get(f"/api/v2/cases/{case.id}/timelines").json()
    with accounts.http_as(server, accounts.key_headers(reader)) as client:
        response = operation.send(client, case.id)
    assert response.status_code == 403, response.text
    [message] = dd.messages(response)
    assert "cases_write" in message
    assert http.get(f"/api/v2/cases/{case.id}").json() == before
    assert http.get(f"/api/v2/cases/{case.id}/timelines").json() == timeline_before


def test_a_read_only_key_cannot_create(
    server: Server, reader: Keys, cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    with accounts.api_as(server, reader) as api, pytest.raises(ApiException) as refused:
        dd.create_case(api, project["id"], "Not allowed")
    assert refused.value.status == 403
    assert dd.create_case(cases_api, project["id"]).data.attributes.key == f"{project['attributes']['key']}-1"


def test_a_read_only_key_reads(server: Server, reader: Keys, case: Any) -> None:
    with accounts.api_as(server, reader) as api:
        assert api.get_case(case.id).data.attributes.title == "Guarded"
        assert api.get_case(case.attributes.key).data.id == case.id
        assert len(api.list_case_timeline(case.id).data) == 1
        assert case.id in {c.id for c in api.search_cases(filter=case.attributes.key).data}
    with accounts.http_as(server, accounts.key_headers(reader)) as client:
        assert client.get("/api/v2/cases/types").status_code == 200


def test_write_implies_read(server: Server, writer: Keys, case: Any) -> None:
    with accounts.api_as(server, writer) as api:
        assert api.get_case(case.id).data.id == case.id
        updated = api.update_priority(case.id, dd.priority_request("P1")).data
        assert updated.attributes.priority.value == "P1"
        assert updated.relationships.modified_by.data.id == writer.user_id


@pytest.mark.parametrize("operation", dd.READS, ids=str)
def test_a_key_without_case_scopes_cannot_read(
    server: Server, outsider: Keys, case: Any, operation: dd.Operation
) -> None:
    with accounts.http_as(server, accounts.key_headers(outsider)) as client:
        response = operation.send(client, case.id)
        listing = client.get("/api/v2/cases")
    assert response.status_code == 403, response.text
    assert "cases_read" in dd.only_message(response)
    assert listing.status_code == 403


def test_a_missing_scope_is_403_even_for_an_unknown_case(server: Server, reader: Keys) -> None:
    with accounts.http_as(server, accounts.key_headers(reader)) as client:
        response = client.post("/api/v2/cases/NOSUCH-1/priority", json=dd.case_body(priority="P1"))
    assert response.status_code == 403, response.text


# -- disabled users --------------------------------------------------------------------------


@pytest.fixture
def disabled(server: Server, users_api: UsersApi) -> Keys:
    """Keys whose user was disabled after the keys were made."""
    keys = accounts.new_keys(server, "cases_write", label="leaver")
    with accounts.api_as(server, keys) as api:
        assert api.search_cases(page_size=1) is not None
    users_api.disable_user(keys.user_id)
    return keys


@pytest.mark.parametrize("as_bearer", [False, True], ids=["key-pair", "bearer"])
@pytest.mark.parametrize("operation", [dd.OPERATIONS["GetCase"], dd.OPERATIONS["UpdatePriority"]], ids=str)
def test_a_disabled_users_keys_are_401(
    server: Server, disabled: Keys, case: Any, as_bearer: bool, operation: dd.Operation
) -> None:
    headers = {"Authorization": f"Bearer {disabled.app_key}"} if as_bearer else accounts.key_headers(disabled)
    with accounts.http_as(server, headers) as client:
        response = operation.send(client, case.id)
    assert response.status_code == 401, response.text
    assert "disabled" in dd.only_message(response)
