"""Refusals: malformed input is a 400 naming the field, before any lookup; unknown ids are 404;
and a refused request changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.users_api import UsersApi

from tests.api import dd

UNKNOWN_CASE_ID = "0b6c7c62-2f47-4a3c-9d7e-54a1f0c2d9e3"
# Generated project keys start with P, so no case can have this key.
UNKNOWN_CASE_KEY = "NOSUCH-404"
UNKNOWN_PROJECT_ID = "5d0c1f8e-7b7e-4b0a-8a55-3c2f6f1e9a44"
UNKNOWN_USER_ID = "2f8b9c3d-1e4a-4b5c-8d6e-7f9a0b1c2d3e"

# -- 404: unknown cases and cells ---------------------------------------------------------


@pytest.mark.parametrize("case_id", [UNKNOWN_CASE_ID, UNKNOWN_CASE_KEY])
@pytest.mark.parametrize("operation", dd.READS + dd.WRITES, ids=str)
def test_unknown_case_is_404(http: httpx.Client, operation: dd.Operation, case_id: str) -> None:
    response = operation.send(http, case_id)
    assert response.status_code == 404, response.text
    assert dd.messages(response) == ["case not found"]


def test_unknown_case_is_404_through_the_client(cases_api: CaseManagementApi) -> None:
    with pytest.raises(ApiException) as refused:
        cases_api.get_case(UNKNOWN_CASE_KEY)
    assert refused.value.status == 404
    assert dd.error_messages(refused.value) == ["case not found"]


@pytest.mark.parametrize("operation", ["UpdateCaseComment", "DeleteCaseComment"])
def test_unknown_comment_cell_is_404(
    http: httpx.Client, cases_api: CaseManagementApi, project: dict[str, Any], operation: str
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    response = dd.OPERATIONS[operation].send(http, case.id)
    assert response.status_code == 404, response.text
    assert dd.messages(response) == ["timeline cell not found"]


@pytest.mark.parametrize(
    "case_id", ["no-such-thing", "SEC-0", "SEC-", "-12", "SEC-1-2", "SE C-1", "ABCDEFGHIJK-1"]
)
@pytest.mark.parametrize("operation", dd.READS + dd.WRITES, ids=str)
def test_case_id_neither_uuid_nor_key_is_400(
    http: httpx.Client, operation: dd.Operation, case_id: str
) -> None:
    response = operation.send(http, case_id)
    assert response.status_code == 400, response.text
    message = dd.only_message(response)
    assert message.startswith('parameter "case_id": '), message
    assert case_id in message


# -- 400 before lookup: update bodies ---------------------------------------------------------

INVALID_UPDATES: list[tuple[str, str, Any, str]] = [
    ("UpdatePriority", "P9", dd.case_body(priority="P9"), "/data/attributes/priority: "),
    ("UpdatePriority", "lowercase", dd.case_body(priority="p1"), "/data/attributes/priority: "),
    ("UpdatePriority", "missing", dd.case_body(), "/data/attributes/priority: "),
    (
        "UpdatePriority",
        "data-type",
        {"data": {"type": "project", "attributes": {"priority": "P1"}}},
        "/data/type: ",
    ),
    ("UpdateStatus", "unknown", dd.case_body(status="REOPENED"), "/data/attributes/status: "),
    ("UpdateStatus", "unknown-name", dd.case_body(status_name="Escalated"), "/data/attributes/status_name: "),
    ("UpdateStatus", "missing", dd.case_body(), "/data/attributes/status: "),
    ("UpdateCaseTitle", "empty", dd.case_body(title=""), "/data/attributes/title: "),
    ("UpdateCaseTitle", "blank", dd.case_body(title=" \t\n "), "/data/attributes/title: "),
    ("UpdateCaseTitle", "too-long", dd.case_body(title="x" * 501), "/data/attributes/title: "),
    ("UpdateCaseTitle", "number", dd.case_body(title=7), "/data/attributes/title: "),
    ("UpdateCaseTitle", "no-attributes", {"data": {"type": "case"}}, "/data/attributes: "),
    ("UpdateCaseDescription", "null", dd.case_body(description=None), "/data/attributes/description: "),
    (
        "UpdateCaseDescription",
        "too-long",
        dd.case_body(description="x" * 100_001),
        "/data/attributes/description: ",
    ),
    ("AssignCase", "malformed", dd.case_body(assignee_id="not-a-uuid"), "/data/attributes/assignee_id: "),
    ("AssignCase", "missing", dd.case_body(), "/data/attributes/assignee_id: "),
    ("UnassignCase", "data-type", {"data": {"type": "cases"}}, "/data/type: "),
    ("ArchiveCase", "no-data", {}, "/data: "),
    ("UnarchiveCase", "no-type", {"data": {}}, "/data/type: "),
    (
        "UpdateAttributes",
        "not-a-list",
        dd.case_body(attributes={"env": "prod"}),
        "/data/attributes/attributes/env: ",
    ),
    (
        "UpdateAttributes",
        "not-strings",
        dd.case_body(attributes={"env": [1]}),
        "/data/attributes/attributes/env/0: ",
    ),
    (
        "UpdateAttributes",
        "blank-key",
        dd.case_body(attributes={" ": ["x"]}),
        "/data/attributes/attributes/ : ",
    ),
    (
        "UpdateAttributes",
        "too-many",
        dd.case_body(attributes={"k": [str(i) for i in range(101)]}),
        "/data/attributes/attributes/k: ",
    ),
    ("UpdateCaseDueDate", "not-iso", dd.case_body(due_date="31/12/2026"), "/data/attributes/due_date: "),
    ("UpdateCaseDueDate", "no-such-day", dd.case_body(due_date="2026-02-30"), "/data/attributes/due_date: "),
    (
        "UpdateCaseResolvedReason",
        "unknown",
        dd.case_body(security_resolved_reason="BORED"),
        "/data/attributes/security_resolved_reason: ",
    ),
    ("CommentCase", "empty", dd.case_body(comment=""), "/data/attributes/comment: "),
    ("CommentCase", "blank", dd.case_body(comment=" \n\t "), "/data/attributes/comment: "),
    ("CommentCase", "too-long", dd.case_body(comment="x" * 100_001), "/data/attributes/comment: "),
    ("CommentCase", "missing", dd.case_body(message="hello"), "/data/attributes/comment: "),
    ("UpdateCaseComment", "empty", dd.case_body(comment=""), "/data/attributes/comment: "),
    ("UpdateCaseComment", "blank", dd.case_body(comment="   "), "/data/attributes/comment: "),
]
INVALID_UPDATE_IDS = [f"{operation}-{label}" for operation, label, _, _ in INVALID_UPDATES]


@pytest.mark.parametrize("case_id", [UNKNOWN_CASE_ID, UNKNOWN_CASE_KEY])
@pytest.mark.parametrize(("operation", "label", "body", "pointer"), INVALID_UPDATES, ids=INVALID_UPDATE_IDS)
def test_invalid_update_is_400_even_for_an_unknown_case(
    http: httpx.Client, operation: str, label: str, body: Any, pointer: str, case_id: str
) -> None:
    response = dd.OPERATIONS[operation].send(http, case_id, body)
    assert response.status_code == 400, response.text
    message = dd.only_message(response)
    assert message.startswith(pointer), message
    assert len(message) > len(pointer)


@pytest.mark.parametrize("case_id", [UNKNOWN_CASE_ID, UNKNOWN_CASE_KEY])
@pytest.mark.parametrize(
    ("method", "body"), [("PUT", dd.case_body(comment="Edited")), ("DELETE", None)], ids=["PUT", "DELETE"]
)
@pytest.mark.parametrize("cell_id", ["not-a-uuid", "12345", "6f1d2b1e-5a4c-4e8e-9f3a"])
def test_malformed_cell_id_is_400_even_for_an_unknown_case(
    http: httpx.Client, case_id: str, method: str, body: Any, cell_id: str
) -> None:
    response = http.request(method, f"/api/v2/cases/{case_id}/comment/{cell_id}", json=body)
    assert response.status_code == 400, response.text
    message = dd.only_message(response)
    assert message.startswith('parameter "cell_id": '), message
    assert cell_id in message


def test_the_specific_messages_say_what_is_wrong(http: httpx.Client) -> None:
    priority = dd.OPERATIONS["UpdatePriority"].send(http, UNKNOWN_CASE_ID, dd.case_body(priority="P9"))
    assert "P9" in dd.only_message(priority)
    kind = dd.OPERATIONS["UpdatePriority"].send(
        http, UNKNOWN_CASE_ID, {"data": {"type": "project", "attributes": {"priority": "P1"}}}
    )
    assert "project" in dd.only_message(kind)
    assert "case" in dd.only_message(kind)
    title = dd.OPERATIONS["UpdateCaseTitle"].send(http, UNKNOWN_CASE_ID, dd.case_body(title="  "))
    assert "empty" in dd.only_message(title)
    assignee = dd.OPERATIONS["AssignCase"].send(http, UNKNOWN_CASE_ID, dd.case_body(assignee_id="bob"))
    assert "'bob' is not a UUID" in dd.only_message(assignee)


@pytest.mark.parametrize("case_id", [UNKNOWN_CASE_ID, UNKNOWN_CASE_KEY])
@pytest.mark.parametrize("operation", [op for op in dd.WRITES if op.body is not None], ids=str)
@pytest.mark.parametrize("payload", [b"{not json", b'{"data": ', b""], ids=["garbage", "truncated", "empty"])
def test_malformed_json_is_400(
    http: httpx.Client, operation: dd.Operation, case_id: str, payload: bytes
) -> None:
    response = http.request(
        operation.method,
        operation.path(case_id),
        content=payload,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert dd.messages(response)


# -- 400 before lookup: CreateCase ----------------------------------------------------------

INVALID_CREATES: list[tuple[str, Callable[[str], Any], str]] = [
    ("priority", lambda p: dd.create_body(p, priority="P9"), "/data/attributes/priority: "),
    ("empty-title", lambda p: dd.create_body(p, ""), "/data/attributes/title: "),
    ("blank-title", lambda p: dd.create_body(p, "  \t "), "/data/attributes/title: "),
    ("long-title", lambda p: dd.create_body(p, "x" * 501), "/data/attributes/title: "),
    (
        "long-description",
        lambda p: dd.create_body(p, description="x" * 100_001),
        "/data/attributes/description: ",
    ),
    ("type-id", lambda p: dd.create_body(p, type_id="standard"), "/data/attributes/type_id: "),
    ("assignee-id", lambda p: dd.create_body(p, assignee="bob"), "/data/relationships/assignee/data/id: "),
    ("status-name", lambda p: dd.create_body(p, status_name="Escalated"), "/data/attributes/status_name: "),
    ("data-type", lambda p: {"data": {**dd.create_body(p)["data"], "type": "project"}}, "/data/type: "),
    (
        "project-type",
        lambda p: {
            "data": {
                **dd.create_body(p)["data"],
                "relationships": {"project": {"data": {"id": p, "type": "case"}}},
            }
        },
        "/data/relationships/project/data/type: ",
    ),
    (
        "no-relationships",
        lambda p: {"data": {"type": "case", "attributes": {"title": "t", "type_id": dd.STANDARD}}},
        "/data/relationships: ",
    ),
    (
        "no-title",
        lambda p: {"data": {**dd.create_body(p)["data"], "attributes": {"type_id": dd.STANDARD}}},
        "/data/attributes/title: ",
    ),
]


@pytest.mark.parametrize("project_ref", [UNKNOWN_PROJECT_ID, "NOSUCHPROJ"])
@pytest.mark.parametrize(("name", "build", "pointer"), INVALID_CREATES, ids=[c[0] for c in INVALID_CREATES])
def test_invalid_create_is_400_even_for_an_unknown_project(
    http: httpx.Client, name: str, build: Callable[[str], Any], pointer: str, project_ref: str
) -> None:
    response = http.post("/api/v2/cases", json=build(project_ref))
    assert response.status_code == 400, response.text
    message = dd.only_message(response)
    assert message.startswith(pointer), message


@pytest.mark.parametrize("payload", [b"{not json", b"[1, 2"])
def test_create_with_malformed_json_is_400(http: httpx.Client, payload: bytes) -> None:
    response = http.post("/api/v2/cases", content=payload, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert dd.messages(response) == ["request body is not valid JSON"]


@pytest.mark.parametrize("project_ref", [UNKNOWN_PROJECT_ID, "NOSUCHPROJ"])
def test_create_in_an_unknown_project_is_404(cases_api: CaseManagementApi, project_ref: str) -> None:
    with pytest.raises(ApiException) as refused:
        dd.create_case(cases_api, project_ref)
    assert refused.value.status == 404
    assert dd.error_messages(refused.value) == ["project not found"]


def test_create_with_an_unknown_case_type_is_404(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    with pytest.raises(ApiException) as refused:
        dd.create_case(cases_api, project["id"], type_id="00000000-0000-0000-0000-0000000000ff")
    assert refused.value.status == 404
    assert dd.error_messages(refused.value) == ["case_type not found"]


def test_create_with_an_unknown_assignee_is_400_and_creates_nothing(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    title = f"orphan {UNKNOWN_USER_ID}"
    with pytest.raises(ApiException) as refused:
        dd.create_case(cases_api, project["id"], title, assignee_id=UNKNOWN_USER_ID)
    assert refused.value.status == 400
    [message] = dd.error_messages(refused.value)
    assert message.startswith("/data/relationships/assignee/data/id: "), message
    assert UNKNOWN_USER_ID in message
    # The refused create used up neither a case nor a key number.
    assert cases_api.search_cases(filter=title).meta["total_cases"] == 0
    assert dd.create_case(cases_api, project["id"]).data.attributes.key == f"{project['attributes']['key']}-1"


def test_create_with_a_closed_status_is_400(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    with pytest.raises(ApiException) as refused:
        dd.create_case(cases_api, project["id"], status_name="Closed")
    assert refused.value.status == 400
    [message] = dd.error_messages(refused.value)
    assert "closed" in message


# -- unknown or disabled assignees --------------------------------------------------------


@pytest.fixture
def disabled_user_id(users_api: UsersApi) -> str:
    user = users_api.create_user(dd.user_request(dd.unique_email("gone"), "Gone Away")).data
    users_api.disable_user(user.id)
    return str(user.id)


def test_assigning_an_unknown_user_is_400(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    with pytest.raises(ApiException) as refused:
        cases_api.assign_case(case.id, dd.assign_request(UNKNOWN_USER_ID))
    assert refused.value.status == 400
    [message] = dd.error_messages(refused.value)
    assert message.startswith("/data/attributes/assignee_id: "), message
    assert UNKNOWN_USER_ID in message


def test_assigning_a_disabled_user_is_400(
    cases_api: CaseManagementApi, project: dict[str, Any], disabled_user_id: str
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    with pytest.raises(ApiException) as refused:
        cases_api.assign_case(case.id, dd.assign_request(disabled_user_id))
    assert refused.value.status == 400
    [message] = dd.error_messages(refused.value)
    assert message.startswith("/data/attributes/assignee_id: "), message
    assert "disabled" in message


def test_creating_a_case_for_a_disabled_user_is_400(
    cases_api: CaseManagementApi, project: dict[str, Any], disabled_user_id: str
) -> None:
    with pytest.raises(ApiException) as refused:
        dd.create_case(cases_api, project["id"], assignee_id=disabled_user_id)
    assert refused.value.status == 400
    [message] = dd.error_messages(refused.value)
    assert message.startswith("/data/relationships/assignee/data/id: "), message


# -- a refused update loses nothing -----------------------------------------------------------


@pytest.fixture
def busy_case(cases_api: CaseManagementApi, users_api: UsersApi, project: dict[str, Any]) -> str:
    """A Security case with a value in every field, and a comment."""
    assignee = users_api.create_user(dd.user_request(dd.unique_email("owner"), "Case Owner")).data
    case = dd.create_case(
        cases_api,
        project["id"],
        "Brute force on vpn-1",
        type_id=dd.SECURITY,
        priority="P2",
        description="Many failed logins",
        assignee_id=assignee.id,
    ).data
    cases_api.update_attributes(case.id, dd.attributes_request({"env": ["prod"]}))
    cases_api.update_case_due_date(case.id, dd.due_date_request("2026-12-31"))
    cases_api.update_status(case.id, dd.status_request("IN_PROGRESS"))
    cases_api.comment_case(case.id, dd.comment_request("Blocking the source range"))
    return str(case.id)


REFUSED_UPDATES: list[tuple[str, str, Any, int]] = [
    *((operation, label, body, 400) for operation, label, body, _ in INVALID_UPDATES),
    ("UpdateStatus", "close-without-reason", dd.case_body(status="CLOSED"), 400),
    ("AssignCase", "unknown-user", dd.case_body(assignee_id=UNKNOWN_USER_ID), 400),
    ("UpdateCaseComment", "unknown-cell", dd.case_body(comment="Edited"), 404),
    ("DeleteCaseComment", "unknown-cell", None, 404),
]


@pytest.mark.parametrize(
    ("operation", "label", "body", "status"), REFUSED_UPDATES, ids=[f"{r[0]}-{r[1]}" for r in REFUSED_UPDATES]
)
def test_a_refused_update_changes_nothing(
    http: httpx.Client, busy_case: str, operation: str, label: str, body: Any, status: int
) -> None:
    before = http.get(f"/api/v2/cases/{busy_case}").json()
    timeline_before = http.get(f"/api/v2/cases/{busy_case}/timelines").json()

    response = dd.OPERATIONS[operation].send(http, busy_case, body)
    assert response.status_code == status, response.text
    assert dd.messages(response)

    assert http.get(f"/api/v2/cases/{busy_case}").json() == before
    assert http.get(f"/api/v2/cases/{busy_case}/timelines").json() == timeline_before


def test_a_refused_update_by_key_changes_nothing(http: httpx.Client, busy_case: str) -> None:
    key = http.get(f"/api/v2/cases/{busy_case}").json()["data"]["attributes"]["key"]
    before = http.get(f"/api/v2/cases/{key}").json()
    timeline_before = http.get(f"/api/v2/cases/{key}/timelines").json()
    response = http.post(f"/api/v2/cases/{key}/priority", json=dd.case_body(priority="URGENT"))
    assert response.status_code == 400
    assert http.get(f"/api/v2/cases/{key}").json() == before
    assert http.get(f"/api/v2/cases/{key}/timelines").json() == timeline_before
