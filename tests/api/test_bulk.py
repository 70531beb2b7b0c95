"""BulkUpdateCases through the official client: one action on many cases, all or nothing."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.users_api import UsersApi
from datadog_api_client.v2.model.case_bulk_action_type import CaseBulkActionType
from datadog_api_client.v2.model.case_bulk_resource_type import CaseBulkResourceType
from datadog_api_client.v2.model.case_bulk_update_request import CaseBulkUpdateRequest
from datadog_api_client.v2.model.case_bulk_update_request_attributes import CaseBulkUpdateRequestAttributes
from datadog_api_client.v2.model.case_bulk_update_request_data import CaseBulkUpdateRequestData
from sqlalchemy import func, select

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from tests.api import accounts, dd
from tests.api.test_cases import new_project
from tests.support import Keys, Server


def bulk_request(
    case_ids: list[str], action: str, payload: dict[str, str] | None = None
) -> CaseBulkUpdateRequest:
    attrs: dict[str, Any] = {"case_ids": case_ids, "type": CaseBulkActionType(action)}
    if payload is not None:
        attrs["payload"] = payload
    return CaseBulkUpdateRequest(
        data=CaseBulkUpdateRequestData(
            type=CaseBulkResourceType.BULK, attributes=CaseBulkUpdateRequestAttributes(**attrs)
        )
    )


def bulk_body(case_ids: list[str], action: str, payload: Any = None) -> dict[str, Any]:
    attributes: dict[str, Any] = {"case_ids": case_ids, "type": action}
    if payload is not None:
        attributes["payload"] = payload
    return {"data": {"type": "bulk", "attributes": attributes}}


def make_cases(api: CaseManagementApi, project_id: str, count: int, **kw: Any) -> list[Any]:
    return [dd.create_case(api, project_id, f"Case {n}", **kw).data for n in range(count)]


def state(api: CaseManagementApi, case_ids: list[str]) -> dict[str, Any]:
    """Everything the API shows of the cases: each case and its whole timeline."""
    return {
        case_id: (
            api.get_case(case_id).to_dict(),
            api.list_case_timeline(case_id, page_size=1000).to_dict(),
        )
        for case_id in case_ids
    }


def outbox_rows(container: Container, case_ids: list[str]) -> int:
    ids = [uuid.UUID(i) for i in case_ids]
    with container.engine.connect() as conn:
        query = select(func.count()).select_from(t.outbox).where(t.outbox.c.subject_id.in_(ids))
        return int(conn.execute(query).scalar_one())


def refused(api: CaseManagementApi, request: CaseBulkUpdateRequest) -> ApiException:
    with pytest.raises(ApiException) as caught:
        api.bulk_update_cases(request)
    return caught.value


def events(api: CaseManagementApi, case_id: str, kind: str) -> list[dict[str, Any]]:
    cells = api.list_case_timeline(case_id, page_size=1000).data
    return [
        c.attributes["event"]
        for c in cells
        if "event" in c.attributes and c.attributes["event"]["kind"] == kind
    ]


# -- each action ---------------------------------------------------------------------------


def test_priority_changes_every_case_named_by_uuid_or_key(
    cases_api: CaseManagementApi, project: dict[str, Any], container: Container
) -> None:
    cases = make_cases(cases_api, project["id"], 3, priority="P4")
    before = outbox_rows(container, [c.id for c in cases])
    refs = [cases[0].id, cases[1].attributes.key, cases[2].attributes.key.lower()]

    # The contract declares no body, so the client returns nothing.
    cases_api.bulk_update_cases(bulk_request(refs, "priority", {"priority": "P1"}))

    for case in cases:
        assert cases_api.get_case(case.id).data.attributes.priority.value == "P1"
        [event] = events(cases_api, case.id, "case.priority_changed")
        assert (event["old"], event["new"]) == ("P4", "P1")
    # One outbox row per change, written with the cases.
    assert outbox_rows(container, [c.id for c in cases]) == before + 3


def test_status_closes_every_case(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    cases = make_cases(cases_api, project["id"], 2)
    cases_api.bulk_update_cases(bulk_request([c.id for c in cases], "status", {"status": "CLOSED"}))
    for case in cases:
        attrs = cases_api.get_case(case.id).data.attributes
        assert attrs.status.value == "CLOSED"
        assert attrs.closed_at is not None
        assert len(events(cases_api, case.id, "case.status_changed")) == 1


def test_status_takes_the_display_name(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    [case] = make_cases(cases_api, project["id"], 1)
    cases_api.bulk_update_cases(bulk_request([case.id], "status", {"status": "In Progress"}))
    assert cases_api.get_case(case.id).data.attributes.status.value == "IN_PROGRESS"


def test_assign_then_unassign(
    cases_api: CaseManagementApi, users_api: UsersApi, project: dict[str, Any]
) -> None:
    cases = make_cases(cases_api, project["id"], 3)
    ids = [c.id for c in cases]
    assignee = users_api.create_user(dd.user_request(dd.unique_email("bulk"))).data.id

    cases_api.bulk_update_cases(bulk_request(ids, "assign", {"assignee_id": assignee}))
    assert all(cases_api.get_case(i).data.relationships.assignee.data.id == assignee for i in ids)

    cases_api.bulk_update_cases(bulk_request(ids, "unassign"))
    assert all(cases_api.get_case(i).data.relationships.assignee.data is None for i in ids)
    assert all(len(events(cases_api, i, "case.unassigned")) == 1 for i in ids)


def test_archive_then_unarchive(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    ids = [c.id for c in make_cases(cases_api, project["id"], 2)]
    cases_api.bulk_update_cases(bulk_request(ids, "archive", {}))
    assert all(cases_api.get_case(i).data.attributes.archived_at is not None for i in ids)
    cases_api.bulk_update_cases(bulk_request(ids, "unarchive"))
    assert all(cases_api.get_case(i).data.attributes.archived_at is None for i in ids)


def test_a_case_already_in_the_target_state_is_left_alone(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    done, todo = make_cases(cases_api, project["id"], 2, priority="P2")
    cases_api.update_priority(done.id, dd.priority_request("P1"))
    cases_api.bulk_update_cases(bulk_request([done.id, todo.id], "priority", {"priority": "P1"}))
    assert len(events(cases_api, done.id, "case.priority_changed")) == 1
    assert len(events(cases_api, todo.id, "case.priority_changed")) == 1


def test_the_same_case_twice_changes_once(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    [case] = make_cases(cases_api, project["id"], 1)
    cases_api.bulk_update_cases(bulk_request([case.id, case.attributes.key], "priority", {"priority": "P3"}))
    assert len(events(cases_api, case.id, "case.priority_changed")) == 1


def test_the_answer_names_the_cases_by_uuid_in_request_order(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client
) -> None:
    first, second = make_cases(cases_api, project["id"], 2)
    response = http.post("/api/v2/cases/bulk", json=bulk_body([second.attributes.key, first.id], "archive"))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "data": {"type": "bulk", "attributes": {"type": "archive", "case_ids": [second.id, first.id]}}
    }


def test_overlapping_batches_in_opposite_orders_all_succeed(
    cases_api: CaseManagementApi, project: dict[str, Any], server: Server
) -> None:
    ids = [c.id for c in make_cases(cases_api, project["id"], 20)]
    headers = accounts.key_headers(server.admin)

    def update(n: int) -> int:
        order = ids if n % 2 else list(reversed(ids))
        body = bulk_body(order, "priority", {"priority": f"P{n % 5 + 1}"})
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            return client.post("/api/v2/cases/bulk", json=body).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(update, range(16)))

    assert statuses == [200] * 16
    # Each batch was applied whole: every case ends with the priority of the last batch.
    assert len({cases_api.get_case(i).data.attributes.priority.value for i in ids}) == 1


def test_update_project_moves_every_case(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client
) -> None:
    cases = make_cases(cases_api, project["id"], 3)
    destination = new_project(http)
    dest_key = destination["attributes"]["key"]
    refs = [cases[0].id, cases[1].attributes.key, cases[2].id]

    cases_api.bulk_update_cases(bulk_request(refs, "update_project", {"project_id": destination["id"]}))

    moved = [cases_api.get_case(c.id).data for c in cases]
    assert all(m.relationships.project.data.id == destination["id"] for m in moved)
    assert sorted(m.attributes.key for m in moved) == [f"{dest_key}-{n}" for n in (1, 2, 3)]
    for case in cases:
        # The old key still leads to the case.
        assert cases_api.get_case(case.attributes.key).data.id == case.id
        [event] = events(cases_api, case.id, "case.moved")
        assert event["old"] == case.attributes.key


def test_update_project_takes_the_destination_key(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client
) -> None:
    [case] = make_cases(cases_api, project["id"], 1)
    destination = new_project(http)
    key = destination["attributes"]["key"]
    cases_api.bulk_update_cases(bulk_request([case.id], "update_project", {"project_id": key.lower()}))
    assert cases_api.get_case(case.id).data.attributes.key == f"{key}-1"


def test_update_project_into_an_unknown_project_changes_nothing(
    cases_api: CaseManagementApi, project: dict[str, Any], container: Container
) -> None:
    ids = [c.id for c in make_cases(cases_api, project["id"], 2)]
    before, rows = state(cases_api, ids), outbox_rows(container, ids)
    missing = str(uuid.uuid4())
    error = refused(cases_api, bulk_request(ids, "update_project", {"project_id": missing}))
    assert error.status == 400
    assert dd.error_messages(error) == [f"/data/attributes/payload/project_id: project {missing} not found"]
    assert state(cases_api, ids) == before
    assert outbox_rows(container, ids) == rows


def test_overlapping_moves_in_parallel_all_succeed(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client, server: Server
) -> None:
    ids = [c.id for c in make_cases(cases_api, project["id"], 12)]
    destinations = [project["id"], new_project(http)["id"]]
    headers = accounts.key_headers(server.admin)

    def move(n: int) -> int:
        # Different, overlapping subsets, so batches meet both on cases and on the projects.
        subset = ids[n % 4 :] if n % 2 else list(reversed(ids[: 12 - n % 3]))
        body = bulk_body(subset, "update_project", {"project_id": destinations[n % 2]})
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            return client.post("/api/v2/cases/bulk", json=body).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(move, range(16)))

    assert statuses == [200] * 16
    keys = [cases_api.get_case(i).data.attributes.key for i in ids]
    assert len(set(keys)) == len(ids)


# -- one bad item refuses the whole batch -------------------------------------------------


def test_a_security_case_that_cannot_close_refuses_the_whole_batch(
    cases_api: CaseManagementApi, project: dict[str, Any], container: Container
) -> None:
    cases = make_cases(cases_api, project["id"], 3)
    guarded = dd.create_case(cases_api, project["id"], "Suspicious login", type_id=dd.SECURITY).data
    ids = [c.id for c in cases] + [guarded.id]
    before, rows = state(cases_api, ids), outbox_rows(container, ids)

    error = refused(cases_api, bulk_request(ids, "status", {"status": "CLOSED"}))

    assert error.status == 400
    [message] = dd.error_messages(error)
    assert message.startswith(
        f"/data/attributes/case_ids/3: {guarded.attributes.key}: a Security case cannot be closed"
    )
    assert state(cases_api, ids) == before
    assert outbox_rows(container, ids) == rows

    # With its reason set, the same batch goes through.
    cases_api.update_case_resolved_reason(guarded.id, dd.resolved_reason_request("FALSE_POSITIVE"))
    cases_api.bulk_update_cases(bulk_request(ids, "status", {"status": "CLOSED"}))
    assert all(cases_api.get_case(i).data.attributes.status.value == "CLOSED" for i in ids)


def test_an_unknown_case_refuses_the_whole_batch(
    cases_api: CaseManagementApi, project: dict[str, Any], container: Container
) -> None:
    ids = [c.id for c in make_cases(cases_api, project["id"], 3)]
    missing = str(uuid.uuid4())
    request_ids = [ids[0], ids[1], missing, ids[2]]
    before, rows = state(cases_api, ids), outbox_rows(container, ids)

    error = refused(cases_api, bulk_request(request_ids, "priority", {"priority": "P1"}))

    assert error.status == 400
    assert dd.error_messages(error) == [f"/data/attributes/case_ids/2: case {missing} not found"]
    assert state(cases_api, ids) == before
    assert outbox_rows(container, ids) == rows


def test_an_unknown_key_is_named_too(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    ids = [c.id for c in make_cases(cases_api, project["id"], 1)]
    missing = f"{project['attributes']['key']}-999"
    before = state(cases_api, ids)
    error = refused(cases_api, bulk_request([*ids, missing], "archive"))
    assert error.status == 400
    assert dd.error_messages(error) == [f"/data/attributes/case_ids/1: case {missing} not found"]
    assert state(cases_api, ids) == before


def test_a_malformed_id_is_refused_before_anything_is_looked_up(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    ids = [c.id for c in make_cases(cases_api, project["id"], 2)]
    before = state(cases_api, ids)
    error = refused(cases_api, bulk_request([ids[0], "not a case", ids[1]], "archive"))
    assert error.status == 400
    [message] = dd.error_messages(error)
    assert message.startswith(
        "/data/attributes/case_ids/1: 'not a case' is neither a case UUID nor a case key"
    )
    assert state(cases_api, ids) == before


@pytest.mark.parametrize("label", ["unknown", "disabled"])
def test_an_assignee_who_cannot_be_assigned_refuses_the_whole_batch(
    cases_api: CaseManagementApi, users_api: UsersApi, project: dict[str, Any], label: str
) -> None:
    ids = [c.id for c in make_cases(cases_api, project["id"], 2)]
    if label == "unknown":
        assignee = str(uuid.uuid4())
    else:
        assignee = users_api.create_user(dd.user_request(dd.unique_email("gone"))).data.id
        users_api.disable_user(assignee)
    before = state(cases_api, ids)
    error = refused(cases_api, bulk_request(ids, "assign", {"assignee_id": assignee}))
    assert error.status == 400
    [message] = dd.error_messages(error)
    assert message.startswith("/data/attributes/payload/assignee_id: user ")
    assert state(cases_api, ids) == before


# -- malformed requests --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "payload", "expected"),
    [
        (
            "priority",
            None,
            "/data/attributes/payload/priority: the priority action needs payload member 'priority'",
        ),
        ("priority", {"priority": "P9"}, "/data/attributes/payload/priority: invalid priority 'P9'"),
        ("status", {}, "/data/attributes/payload/status: the status action needs payload member 'status'"),
        ("status", {"status": "DONE"}, "/data/attributes/payload/status: unknown status 'DONE'"),
        ("assign", {"assignee": "x"}, "/data/attributes/payload/assignee_id: the assign action needs"),
        ("assign", {"assignee_id": "nobody"}, "/data/attributes/payload/assignee_id: 'nobody' is not a UUID"),
        ("update_project", {}, "/data/attributes/payload/project_id: the update_project action needs"),
        (
            "update_project",
            {"project_id": "not a key"},
            "/data/attributes/payload/project_id: 'not a key' is neither",
        ),
    ],
)
def test_a_bad_payload_is_refused_with_a_pointer(
    cases_api: CaseManagementApi,
    project: dict[str, Any],
    action: str,
    payload: dict[str, str] | None,
    expected: str,
) -> None:
    ids = [c.id for c in make_cases(cases_api, project["id"], 1)]
    before = state(cases_api, ids)
    error = refused(cases_api, bulk_request(ids, action, payload))
    assert error.status == 400
    [message] = dd.error_messages(error)
    assert message.startswith(expected)
    assert state(cases_api, ids) == before


@pytest.mark.parametrize(
    ("action", "name"), [("jira", "Jira"), ("servicenow", "ServiceNow"), ("linear", "Linear")]
)
def test_issue_tracker_actions_say_the_integration_is_not_configured(
    cases_api: CaseManagementApi, project: dict[str, Any], action: str, name: str
) -> None:
    ids = [c.id for c in make_cases(cases_api, project["id"], 1)]
    error = refused(cases_api, bulk_request(ids, action, {}))
    assert error.status == 400
    [message] = dd.error_messages(error)
    assert message.startswith(f"/data/attributes/type: the {name} integration is not configured")
    assert "not available yet" in message


def test_the_batch_size_is_capped(http: httpx.Client) -> None:
    ids = [str(uuid.uuid4()) for _ in range(1001)]
    response = http.post("/api/v2/cases/bulk", json=bulk_body(ids, "archive"))
    assert response.status_code == 400
    assert dd.only_message(response).startswith("/data/attributes/case_ids: ")
    assert "1000" in dd.only_message(response)


def test_at_most_the_cap_is_accepted(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client
) -> None:
    [case] = make_cases(cases_api, project["id"], 1)
    response = http.post("/api/v2/cases/bulk", json=bulk_body([case.id] * 1000, "archive"))
    assert response.status_code == 200, response.text
    assert len(events(cases_api, case.id, "case.archived")) == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (bulk_body([], "archive"), "/data/attributes/case_ids: "),
        (bulk_body(["SEC-1"], "delete"), "/data/attributes/type: got type 'delete' expected one of"),
        (bulk_body(["SEC-1"], "priority", {"priority": 1}), "/data/attributes/payload/priority: "),
        (bulk_body(["SEC-1"], "priority", ["P1"]), "/data/attributes/payload: "),
        (
            {"data": {"type": "case", "attributes": {"case_ids": ["SEC-1"], "type": "archive"}}},
            "/data/type: ",
        ),
        ({"data": {"type": "bulk", "attributes": {"type": "archive"}}}, "/data/attributes/case_ids: "),
        (
            {"data": {"type": "bulk", "attributes": {"case_ids": [7], "type": "archive"}}},
            "/data/attributes/case_ids/0: ",
        ),
    ],
)
def test_malformed_bodies_are_refused_with_a_pointer(
    http: httpx.Client, body: dict[str, Any], expected: str
) -> None:
    response = http.post("/api/v2/cases/bulk", json=body)
    assert response.status_code == 400
    assert dd.only_message(response).startswith(expected)


# -- who may call --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reader(server: Server) -> Keys:
    return accounts.new_keys(server, "cases_read", label="bulkreader")


def test_unauthenticated_callers_change_nothing(
    cases_api: CaseManagementApi, project: dict[str, Any], server: Server
) -> None:
    ids = [c.id for c in make_cases(cases_api, project["id"], 2)]
    before = state(cases_api, ids)
    with accounts.api_as(server, Keys(api_key="0" * 32, app_key="0" * 40)) as stranger:
        error = refused(stranger, bulk_request(ids, "archive"))
    assert error.status == 401
    assert state(cases_api, ids) == before


def test_a_reader_may_not_bulk_update(
    cases_api: CaseManagementApi, project: dict[str, Any], server: Server, reader: Keys
) -> None:
    ids = [c.id for c in make_cases(cases_api, project["id"], 2)]
    before = state(cases_api, ids)
    with accounts.api_as(server, reader) as api:
        error = refused(api, bulk_request(ids, "archive"))
    assert error.status == 403
    assert "cases_write" in dd.error_messages(error)[0]
    assert state(cases_api, ids) == before


def test_a_writer_may(cases_api: CaseManagementApi, project: dict[str, Any], server: Server) -> None:
    ids = [c.id for c in make_cases(cases_api, project["id"], 1)]
    with accounts.api_as(server, accounts.new_keys(server, "cases_write", label="bulkwriter")) as api:
        api.bulk_update_cases(bulk_request(ids, "priority", {"priority": "P2"}))
    assert cases_api.get_case(ids[0]).data.attributes.priority.value == "P2"
