"""Watchers: who hears about a case. Explicit, idempotent, and not a change to the case."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.users_api import UsersApi
from sqlalchemy import select

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from tests.api import accounts, dd
from tests.support import Keys, Server


@pytest.fixture(scope="module")
def reader(server: Server) -> Keys:
    return accounts.new_keys(server, "cases_read", label="reader")


@pytest.fixture
def case(cases_api: CaseManagementApi, project: dict[str, Any]) -> Any:
    return dd.create_case(cases_api, project["id"], "Watch me").data


def new_user(users_api: UsersApi, label: str = "watcher") -> str:
    return str(users_api.create_user(dd.user_request(dd.unique_email(label), label.title())).data.id)


def watcher_ids(api: CaseManagementApi, case_id: str) -> list[str]:
    listed = api.list_case_watchers(case_id)
    assert not listed._unparsed
    assert all(w.type.value == "watcher" for w in listed.data)
    assert all(w.id == w.relationships.user.data.id for w in listed.data)
    return [w.relationships.user.data.id for w in listed.data]


def test_watch_list_and_unwatch(
    cases_api: CaseManagementApi, users_api: UsersApi, http: httpx.Client, case: Any
) -> None:
    ann, bob = new_user(users_api, "ann"), new_user(users_api, "bob")
    cases_api.watch_case(case.id, ann)
    cases_api.watch_case(case.attributes.key, bob)
    assert watcher_ids(cases_api, case.id) == [ann, bob]

    listed = http.get(f"/api/v2/cases/{case.id}/watchers").json()
    assert {u["id"]: u["attributes"]["name"] for u in listed["included"]} == {ann: "Ann", bob: "Bob"}
    assert listed["data"][0] == {
        "id": ann,
        "type": "watcher",
        "relationships": {"user": {"data": {"id": ann, "type": "user"}}},
    }

    cases_api.unwatch_case(case.id, ann)
    assert watcher_ids(cases_api, case.attributes.key) == [bob]


def test_watching_twice_and_unwatching_twice_are_harmless(
    cases_api: CaseManagementApi, users_api: UsersApi, http: httpx.Client, case: Any
) -> None:
    ann = new_user(users_api, "ann")
    for _ in range(2):
        assert http.post(f"/api/v2/cases/{case.id}/watchers/{ann}").status_code == 201
    assert watcher_ids(cases_api, case.id) == [ann]
    for _ in range(2):
        assert http.delete(f"/api/v2/cases/{case.id}/watchers/{ann}").status_code == 204
    assert watcher_ids(cases_api, case.id) == []


def test_creator_and_assignee_do_not_watch_implicitly(
    cases_api: CaseManagementApi, users_api: UsersApi, project: dict[str, Any], server: Server
) -> None:
    assignee = new_user(users_api, "assignee")
    case = dd.create_case(cases_api, project["id"], assignee_id=assignee).data
    assert watcher_ids(cases_api, case.id) == []
    cases_api.watch_case(case.id, server.admin.user_id)
    assert watcher_ids(cases_api, case.id) == [server.admin.user_id]


def test_watching_is_not_a_change_to_the_case(
    cases_api: CaseManagementApi, users_api: UsersApi, http: httpx.Client, container: Container, case: Any
) -> None:
    ann = new_user(users_api, "ann")
    cases_api.watch_case(case.id, ann)
    cases_api.unwatch_case(case.id, ann)
    after = cases_api.get_case(case.id).data.attributes
    assert after.modified_at == case.attributes.modified_at
    kinds = [
        c["attributes"]["event"]["kind"]
        for c in http.get(f"/api/v2/cases/{case.id}/timelines").json()["data"]
    ]
    assert kinds == ["case.created"]
    # The outbox still hears of it, for notifications.
    with container.engine.connect() as conn:
        rows = conn.execute(
            select(t.outbox.c.kind, t.outbox.c.payload)
            .where(t.outbox.c.subject_id == uuid.UUID(case.id))
            .order_by(t.outbox.c.seq)
        ).all()
    assert [kind for kind, _ in rows] == ["case.created", "case.watcher_added", "case.watcher_removed"]


def test_unknown_and_malformed_ids(
    cases_api: CaseManagementApi, users_api: UsersApi, http: httpx.Client, case: Any
) -> None:
    ann = new_user(users_api, "ann")
    for method in ("POST", "DELETE"):
        unknown_user = http.request(method, f"/api/v2/cases/{case.id}/watchers/{uuid.uuid4()}")
        assert unknown_user.status_code == 404, unknown_user.text
        assert dd.only_message(unknown_user) == "user not found"
        unknown_case = http.request(method, f"/api/v2/cases/{uuid.uuid4()}/watchers/{ann}")
        assert unknown_case.status_code == 404
        assert dd.only_message(unknown_case) == "case not found"
        # Malformed is 400 even where the case does not exist.
        bad_user = http.request(method, "/api/v2/cases/NOSUCH-1/watchers/ann")
        assert bad_user.status_code == 400
        assert dd.only_message(bad_user).startswith('parameter "user_uuid": ')
        bad_case = http.request(method, f"/api/v2/cases/not%20a%20case/watchers/{ann}")
        assert bad_case.status_code == 400
        assert dd.only_message(bad_case).startswith('parameter "case_id": ')
    assert http.get(f"/api/v2/cases/{uuid.uuid4()}/watchers").status_code == 404
    assert http.get("/api/v2/cases/not%20a%20case/watchers").status_code == 400
    with pytest.raises(ApiException) as missing:
        cases_api.watch_case(case.id, str(uuid.uuid4()))
    assert missing.value.status == 404


def test_a_disabled_user_cannot_start_watching(
    cases_api: CaseManagementApi, users_api: UsersApi, http: httpx.Client, case: Any
) -> None:
    ann = new_user(users_api, "ann")
    cases_api.watch_case(case.id, ann)
    users_api.disable_user(ann)
    refused = http.post(f"/api/v2/cases/{case.id}/watchers/{ann}")
    assert refused.status_code == 400
    assert dd.only_message(refused).startswith('parameter "user_uuid": ')
    # Someone who left can still be taken off the list.
    cases_api.unwatch_case(case.id, ann)
    assert watcher_ids(cases_api, case.id) == []


def test_who_may_watch(server: Server, reader: Keys, cases_api: CaseManagementApi, case: Any) -> None:
    cases_api.watch_case(case.id, server.admin.user_id)
    with accounts.api_as(server, reader) as api:
        assert watcher_ids(api, case.id) == [server.admin.user_id]
        for call in (
            lambda: api.watch_case(case.id, reader.user_id),
            lambda: api.unwatch_case(case.id, server.admin.user_id),
        ):
            with pytest.raises(ApiException) as refused:
                call()
            assert refused.value.status == 403
    with accounts.http_as(server, {}) as anonymous:
        assert anonymous.get(f"/api/v2/cases/{case.id}/watchers").status_code == 401
        assert anonymous.post(f"/api/v2/cases/{case.id}/watchers/{reader.user_id}").status_code == 401
        assert anonymous.delete(f"/api/v2/cases/{case.id}/watchers/{server.admin.user_id}").status_code == 401
    assert watcher_ids(cases_api, case.id) == [server.admin.user_id]
