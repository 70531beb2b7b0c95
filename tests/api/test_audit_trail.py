"""The audit log through Datadog's Audit Trail operation and the command line: every admin
action is there, newest first, with who did it and with which key; only admins read it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.audit_api import AuditApi
from datadog_api_client.v2.api.key_management_api import KeyManagementApi
from datadog_api_client.v2.api.users_api import UsersApi
from datadog_api_client.v2.model.user_update_attributes import UserUpdateAttributes
from datadog_api_client.v2.model.user_update_data import UserUpdateData
from datadog_api_client.v2.model.user_update_request import UserUpdateRequest
from datadog_api_client.v2.model.users_type import UsersType

from tests.api import accounts
from tests.conftest import dd_configuration
from tests.support import Server, casedesk


@pytest.fixture(scope="module")
def audit_api(dd_client: ApiClient) -> AuditApi:
    return AuditApi(dd_client)


def events(api: AuditApi, action: str, limit: int = 1000) -> list[Any]:
    return list(api.list_audit_logs(filter_query=f"@evt.name:{action}", page_limit=limit).data)


def cli_entries(server: Server, action: str) -> list[dict[str, Any]]:
    done = casedesk(server.database_url, "audit", "list", "--action", action, "--limit", "1000", "--json")
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


def test_each_admin_action_is_in_the_audit_trail(
    server: Server, audit_api: AuditApi, users_api: UsersApi
) -> None:
    keys = accounts.new_keys(server, "cases_read", label="audited")
    disable = UserUpdateRequest(
        data=UserUpdateData(
            id=keys.user_id, type=UsersType.USERS, attributes=UserUpdateAttributes(disabled=True)
        )
    )
    users_api.update_user(keys.user_id, disable)
    users_api.update_user(
        keys.user_id,
        UserUpdateRequest(
            data=UserUpdateData(
                id=keys.user_id, type=UsersType.USERS, attributes=UserUpdateAttributes(disabled=False)
            )
        ),
    )
    KeyManagementApi(audit_api.api_client).delete_application_key(keys.id)

    for action in ("user.created", "keys.created", "user.disabled", "user.enabled"):
        found = [
            e for e in events(audit_api, action) if e.attributes.attributes["target"]["id"] == keys.user_id
        ]
        assert len(found) == 1, action
    [revoked] = [
        e for e in events(audit_api, "key.revoked") if e.attributes.attributes["target"]["id"] == keys.id
    ]
    attrs = revoked.attributes
    assert (attrs.service, attrs.attributes["evt"]["name"]) == ("casedesk", "key.revoked")
    assert attrs.attributes["usr"] == {"id": server.admin.user_id, "email": "admin@example.com"}
    assert attrs.attributes["key_id"] == server.admin.id  # the key the admin acted with
    assert "evt.name:key.revoked" in attrs.tags
    # The command line reads the same log.
    [same] = [e for e in cli_entries(server, "key.revoked") if e["target_id"] == keys.id]
    assert (same["id"], same["actor"], same["key_id"]) == (revoked.id, "admin@example.com", server.admin.id)


def test_the_audit_trail_is_newest_first_and_paged_with_a_cursor(server: Server, audit_api: AuditApi) -> None:
    accounts.new_keys(server, label="paged")
    first = audit_api.list_audit_logs(page_limit=2)
    assert [e.attributes.attributes["evt"]["name"] for e in first.data] == ["keys.created", "user.created"]
    assert first.data[0].attributes.timestamp >= first.data[1].attributes.timestamp
    after = first.meta.page.after
    second = audit_api.list_audit_logs(page_limit=2, page_cursor=after)
    assert not {e.id for e in first.data} & {e.id for e in second.data}
    assert len(second.data) == 2


def test_a_non_admin_cannot_read_the_audit_trail(server: Server) -> None:
    keys = accounts.new_keys(server, label="curious")
    with ApiClient(dd_configuration(server, keys)) as client, pytest.raises(ApiException) as refused:
        AuditApi(client).list_audit_logs()
    assert refused.value.status == 403
    assert "user_access_manage" in refused.value.body["errors"][0]


def test_unsupported_audit_queries_are_400(server: Server) -> None:
    with accounts.http_as(server, accounts.key_headers(server.admin)) as client:
        bad = client.get("/api/v2/audit/events", params={"filter[query]": "@usr.email:x"})
        unknown = client.get("/api/v2/audit/events", params={"filter[query]": "@evt.name:nope"})
    assert bad.status_code == unknown.status_code == 400
