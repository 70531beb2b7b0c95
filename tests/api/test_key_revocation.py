"""A revoked key is refused from the very next request, over the same keep-alive connection
(and so the same pooled database connection): authentication caches nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from sqlalchemy import update

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.services.keys import digest
from tests.api import accounts, dd, tines
from tests.support import Server


@pytest.fixture
def case(cases_api: CaseManagementApi, project: dict[str, Any]) -> Any:
    return dd.create_case(cases_api, project["id"], "Guarded", priority="P3").data


def revoke(container: Container, which: str, secret: str) -> None:
    table = t.api_keys if which == "api" else t.app_keys
    with container.engine.begin() as conn:
        conn.execute(
            update(table).where(table.c.key_hash == digest(secret)).values(revoked_at=datetime.now(UTC))
        )


@pytest.mark.parametrize("which", ["api", "app"])
@pytest.mark.parametrize("operation", [dd.OPERATIONS["GetCase"], dd.OPERATIONS["UpdatePriority"]], ids=str)
def test_a_revoked_key_is_refused_on_the_next_request(
    server: Server, container: Container, case: Any, which: str, operation: dd.Operation
) -> None:
    keys = accounts.new_keys(server, "cases_write", label="revoked")
    with accounts.http_as(server, accounts.key_headers(keys)) as client:
        assert operation.send(client, case.id).status_code == 200
        revoke(container, which, keys.api_key if which == "api" else keys.app_key)
        refused = operation.send(client, case.id)
    assert refused.status_code == 401, refused.text
    expected = "unknown API key" if which == "api" else "unknown application key"
    assert dd.only_message(refused) == expected


def test_a_revoked_bearer_key_is_refused_on_the_next_tines_request(
    server: Server, container: Container
) -> None:
    keys = accounts.new_keys(server, "cases_read", label="revoked")
    with tines.client(server, keys) as client:
        assert client.get("/api/v1/cases").status_code == 200
        revoke(container, "app", keys.app_key)
        refused = client.get("/api/v1/cases")
    assert refused.status_code == 401, refused.text
    assert refused.json()["error"]["message"] == "unknown application key"
