"""Application keys through Datadog's key management operations and the command line: a user
lists and revokes only their own keys, an admin everyone's; answers never carry a secret; a
revoked key is refused on the very next request, over the same keep-alive connection."""

from __future__ import annotations

import json

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.key_management_api import KeyManagementApi
from datadog_api_client.v2.model.application_keys_type import ApplicationKeysType

from tests.api import accounts, dd
from tests.conftest import dd_configuration
from tests.support import Keys, Server, casedesk


@pytest.fixture(scope="module")
def admin_keys_api(dd_client: ApiClient) -> KeyManagementApi:
    return KeyManagementApi(dd_client)


def own_api(server: Server, keys: Keys) -> ApiClient:
    return ApiClient(dd_configuration(server, keys))


def test_a_user_lists_only_their_own_keys_without_secrets(server: Server) -> None:
    email = accounts.new_user(server, "lister")
    first = accounts.keys_for(server, email, "cases_read,user_access_read")
    second = accounts.keys_for(server, email, "cases_write")
    accounts.new_keys(server, label="other")
    with own_api(server, first) as client:
        listed = KeyManagementApi(client).list_current_user_application_keys()
    assert [k.id for k in listed.data] == [first.id, second.id]
    mine = listed.data[0]
    assert mine.type == ApplicationKeysType.APPLICATION_KEYS
    assert (mine.attributes.last4, mine.attributes.scopes) == (
        first.app_key[-4:],
        ["cases_read", "user_access_read"],
    )
    assert mine.attributes.last_used_at is not None  # this very request used it
    assert first.app_key not in json.dumps(listed.to_dict())


def test_a_user_revokes_their_own_key_and_it_is_refused_next(server: Server) -> None:
    keys = accounts.new_keys(server, "cases_read,user_access_read", label="self-revoker")
    with own_api(server, keys) as client:
        api = KeyManagementApi(client)
        assert api.get_current_user_application_key(keys.id).data.id == keys.id
        api.delete_current_user_application_key(keys.id)
        with pytest.raises(ApiException) as refused:
            api.list_current_user_application_keys()
    assert refused.value.status == 401


def test_another_users_key_is_not_found_through_current_user(
    server: Server, admin_keys_api: KeyManagementApi
) -> None:
    victim = accounts.new_keys(server, "cases_read", label="victim")
    prowler = accounts.new_keys(server, label="prowler")
    with accounts.http_as(server, accounts.key_headers(prowler)) as client:
        path = f"/api/v2/current_user/application_keys/{victim.id}"
        assert client.get(path).status_code == 404
        assert client.delete(path).status_code == 404
        # Everyone's keys are an admin's to see.
        assert client.get("/api/v2/application_keys").status_code == 403
        assert client.delete(f"/api/v2/application_keys/{victim.id}").status_code == 403
    assert admin_keys_api.get_application_key(victim.id).data.attributes.revoked_at is None


def test_an_admin_lists_and_revokes_anyones_key(server: Server, admin_keys_api: KeyManagementApi) -> None:
    keys = accounts.new_keys(server, "cases_read", label="revoked-by-admin")
    listed = admin_keys_api.list_application_keys()
    found = {k.id: k for k in listed.data}
    assert found[keys.id].relationships.owned_by.data.id == keys.user_id
    with accounts.http_as(server, accounts.key_headers(keys)) as client:
        assert client.get("/api/v2/cases/types").status_code == 200
        admin_keys_api.delete_application_key(keys.id)
        refused = client.get("/api/v2/cases/types")
        assert refused.status_code == 401, refused.text
        assert dd.only_message(refused) == "unknown application key"
    revoked = admin_keys_api.get_application_key(keys.id).data.attributes
    assert revoked["revoked_at"] is not None
    admin_keys_api.delete_application_key(keys.id)  # again: harmless


def test_a_key_revoked_at_the_command_line_is_refused_on_the_next_request(server: Server) -> None:
    keys = accounts.new_keys(server, "cases_read", label="cli-revoked")
    with accounts.http_as(server, accounts.key_headers(keys)) as client:
        assert client.get("/api/v2/cases/types").status_code == 200
        done = casedesk(server.database_url, "keys", "revoke", keys.id)
        assert done.returncode == 0, done.stderr
        assert client.get("/api/v2/cases/types").status_code == 401


def test_unknown_and_malformed_key_ids(server: Server) -> None:
    with accounts.http_as(server, accounts.key_headers(server.admin)) as client:
        assert (
            client.delete("/api/v2/application_keys/00000000-0000-4000-8000-000000000000").status_code == 404
        )
        malformed = client.get("/api/v2/current_user/application_keys/nope")
    assert malformed.status_code == 400
    assert dd.only_message(malformed).startswith('parameter "app_key_id"')
