"""The case lifecycle through the official client: create, read, and every single-field update."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from datadog_api_client import ApiClient
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.case_management_type_api import CaseManagementTypeApi
from datadog_api_client.v2.api.users_api import UsersApi
from datadog_api_client.v2.model.case_response import CaseResponse

from tests.api import dd
from tests.conftest import unique_key
from tests.support import Server


def new_project(http: httpx.Client) -> dict[str, Any]:
    body = {"data": {"type": "project", "attributes": {"name": "Second", "key": unique_key()}}}
    response = http.post("/api/v2/cases/projects", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def included_users(response: CaseResponse) -> dict[str, dict[str, Any]]:
    return {user["id"]: user for user in response["included"]}


def recent(moment: datetime) -> bool:
    return moment.tzinfo is not None and abs(datetime.now(UTC) - moment) < timedelta(minutes=5)


# -- CreateCase --------------------------------------------------------------------------


def test_create_case_with_every_member(
    cases_api: CaseManagementApi, users_api: UsersApi, project: dict[str, Any], server: Server
) -> None:
    assignee = users_api.create_user(dd.user_request(dd.unique_email("ann"), "Ann Assignee")).data
    created = cases_api.create_case(
        dd.create_request(
            project["id"],
            "Disk full on db-1",
            priority="P2",
            description="Only 3% left on /var",
            assignee_id=assignee.id,
        )
    )
    assert not created._unparsed
    case = created.data
    attrs = case.attributes
    assert case.type.value == "case"
    assert attrs.key == f"{project['attributes']['key']}-1"
    assert attrs.title == "Disk full on db-1"
    assert attrs.description == "Only 3% left on /var"
    assert attrs.priority.value == "P2"
    assert attrs.status.value == "OPEN"
    assert attrs.status_group.value == "SG_OPEN"
    assert attrs.status_name == "Open"
    assert attrs.type.value == "STANDARD"
    assert attrs.type_id == dd.STANDARD
    assert attrs.closed_at is None
    assert attrs.archived_at is None
    assert recent(attrs.created_at)
    assert case.relationships.project.data.id == project["id"]
    assert case.relationships.assignee.data.id == assignee.id
    assert case.relationships.created_by.data.id == server.admin.user_id

    users = included_users(created)
    assert users[assignee.id]["type"] == "user"
    assert users[assignee.id]["attributes"]["email"] == assignee.attributes.email
    assert users[assignee.id]["attributes"]["name"] == "Ann Assignee"
    assert users[server.admin.user_id]["attributes"]["email"] == "admin@example.com"


def test_create_case_defaults(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    case = dd.create_case(cases_api, project["id"], "  Padded title  ").data
    attrs = case.attributes
    assert attrs.title == "Padded title"
    assert attrs.description == ""
    assert attrs.priority.value == "NOT_DEFINED"
    assert attrs.status.value == "OPEN"
    assert attrs.attributes.to_dict() == {}
    assert case.relationships.assignee.data is None


def test_create_security_case(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    case = dd.create_case(cases_api, project["id"], "Impossible travel", type_id=dd.SECURITY).data
    assert case.attributes.type_id == dd.SECURITY
    # The contract's `type` enum knows only STANDARD, so the real type travels in `type_id`.
    assert case.attributes.type.value == "STANDARD"


@pytest.mark.parametrize("spelling", [str.upper, str.lower])
def test_create_case_naming_the_project_by_key(
    cases_api: CaseManagementApi, project: dict[str, Any], spelling: Any
) -> None:
    key = project["attributes"]["key"]
    case = dd.create_case(cases_api, spelling(key), "By key").data
    assert case.relationships.project.data.id == project["id"]
    assert case.attributes.key == f"{key}-1"


@pytest.mark.parametrize(
    ("status_name", "status"),
    [
        ("Open", "OPEN"),
        ("In Progress", "IN_PROGRESS"),
        ("in progress", "IN_PROGRESS"),
        ("IN_PROGRESS", "IN_PROGRESS"),
    ],
)
def test_create_case_with_a_status_name(
    cases_api: CaseManagementApi, project: dict[str, Any], status_name: str, status: str
) -> None:
    case = dd.create_case(cases_api, project["id"], status_name=status_name).data
    assert case.attributes.status.value == status
    assert case.attributes.status_group.value == f"SG_{status}"


@pytest.mark.parametrize(
    "members",
    [
        {},
        {"description": "Only 3% left on /var", "priority": "P2", "status_name": "In Progress"},
        {"custom_attributes": {}},
    ],
)
def test_a_creation_answers_the_case_byte_for_byte_as_it_is_read(
    http: httpx.Client, project: dict[str, Any], members: dict[str, Any]
) -> None:
    """A plain creation on PostgreSQL answers with the row its statement wrote rather than
    reading it back (adapters/db/cases/written.py): the same bytes as reading it."""
    attributes = {"title": "Disk full", "type_id": dd.STANDARD, **members}
    relationships = {"project": {"data": {"id": project["id"], "type": "project"}}}
    body = {"data": {"type": "case", "attributes": attributes, "relationships": relationships}}
    created = http.post("/api/v2/cases", json=body)
    assert created.status_code == 201, created.text
    read = http.get(f"/api/v2/cases/{created.json()['data']['id']}")
    assert read.status_code == 200, read.text
    assert created.content == read.content


def test_a_creation_with_an_assignee_answers_the_case_as_it_is_read(
    http: httpx.Client, users_api: UsersApi, project: dict[str, Any]
) -> None:
    assignee = users_api.create_user(dd.user_request(dd.unique_email("bo"), "Bo Assignee")).data
    attributes = {"title": "Disk full", "type_id": dd.STANDARD}
    relationships = {
        "project": {"data": {"id": project["id"], "type": "project"}},
        "assignee": {"data": {"id": assignee.id, "type": "user"}},
    }
    created = http.post(
        "/api/v2/cases",
        json={"data": {"type": "case", "attributes": attributes, "relationships": relationships}},
    )
    assert created.status_code == 201, created.text
    read = http.get(f"/api/v2/cases/{created.json()['data']['id']}")
    assert created.content == read.content
    assert {user["id"] for user in created.json()["included"]} >= {assignee.id}


# -- GetCase -----------------------------------------------------------------------------


def test_get_case_by_id_and_by_key(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    dd.create_case(cases_api, project["id"], "First")
    second = dd.create_case(cases_api, project["id"], "Second", priority="P4").data
    key = f"{project['attributes']['key']}-2"
    assert second.attributes.key == key

    by_id = cases_api.get_case(second.id)
    by_key = cases_api.get_case(key)
    by_lower_key = cases_api.get_case(key.lower())
    assert not by_id._unparsed
    assert by_id.data.attributes.title == "Second"
    assert by_id.data.attributes.priority.value == "P4"
    assert by_id.to_dict() == by_key.to_dict() == by_lower_key.to_dict()


def test_case_types_are_standard_and_security(dd_client: ApiClient) -> None:
    types = CaseManagementTypeApi(dd_client).get_all_case_types()
    assert not types._unparsed
    by_id = {t.id: t for t in types.data}
    assert by_id[dd.STANDARD].attributes.name == "Standard"
    assert by_id[dd.SECURITY].attributes.name == "Security"
    assert all(t.type.value == "case_type" for t in types.data)
    assert all(t.attributes.deleted_at is None for t in types.data)


# -- UpdateStatus ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "group", "name"),
    [
        ("IN_PROGRESS", "SG_IN_PROGRESS", "In Progress"),
        ("CLOSED", "SG_CLOSED", "Closed"),
        ("OPEN", "SG_OPEN", "Open"),
    ],
)
def test_update_status(
    cases_api: CaseManagementApi, project: dict[str, Any], status: str, group: str, name: str
) -> None:
    case = dd.create_case(
        cases_api, project["id"], status_name="In Progress" if status == "OPEN" else None
    ).data
    updated = cases_api.update_status(case.id, dd.status_request(status)).data.attributes
    assert updated.status.value == status
    assert updated.status_group.value == group
    assert updated.status_name == name
    assert (updated.closed_at is not None) == (status == "CLOSED")
    assert cases_api.get_case(case.id).data.attributes.status.value == status


def test_closed_at_is_set_on_close_and_cleared_on_reopen(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    closed = cases_api.update_status(case.id, dd.status_request("CLOSED")).data.attributes
    assert closed.closed_at is not None
    assert recent(closed.closed_at)
    assert closed.closed_at >= case.attributes.created_at

    reopened = cases_api.update_status(case.id, dd.status_request("OPEN")).data.attributes
    assert reopened.status.value == "OPEN"
    assert reopened.closed_at is None
    assert cases_api.get_case(case.id).data.attributes.closed_at is None

    cases_api.update_status(case.id, dd.status_request("CLOSED"))
    in_progress = cases_api.update_status(case.id, dd.status_request("IN_PROGRESS")).data.attributes
    assert in_progress.closed_at is None


@pytest.mark.parametrize(("status_name", "status"), [("In Progress", "IN_PROGRESS"), ("closed", "CLOSED")])
def test_update_status_by_name(
    http: httpx.Client, cases_api: CaseManagementApi, project: dict[str, Any], status_name: str, status: str
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    response = http.post(f"/api/v2/cases/{case.id}/status", json=dd.case_body(status_name=status_name))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["attributes"]["status"] == status


# -- single-field updates ----------------------------------------------------------------


@pytest.mark.parametrize("priority", ["P1", "P2", "P4", "P5", "NOT_DEFINED"])
def test_update_priority(cases_api: CaseManagementApi, project: dict[str, Any], priority: str) -> None:
    case = dd.create_case(cases_api, project["id"], priority="P3").data
    updated = cases_api.update_priority(case.id, dd.priority_request(priority))
    assert not updated._unparsed
    assert updated.data.attributes.priority.value == priority
    assert cases_api.get_case(case.id).data.attributes.priority.value == priority


def test_update_title(cases_api: CaseManagementApi, project: dict[str, Any], server: Server) -> None:
    case = dd.create_case(cases_api, project["id"], "Old title").data
    updated = cases_api.update_case_title(case.id, dd.title_request("  New title  ")).data
    assert updated.attributes.title == "New title"
    assert updated.relationships.modified_by.data.id == server.admin.user_id
    assert updated.attributes.modified_at >= case.attributes.created_at
    assert cases_api.get_case(case.id).data.attributes.title == "New title"


def test_update_description_and_clear_it(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    case = dd.create_case(cases_api, project["id"], description="first").data
    described = cases_api.update_case_description(case.id, dd.description_request("Runbook: restart it"))
    assert described.data.attributes.description == "Runbook: restart it"
    cleared = cases_api.update_case_description(case.id, dd.description_request(""))
    assert cleared.data.attributes.description == ""
    assert cases_api.get_case(case.id).data.attributes.description == ""


def test_assign_and_unassign(
    cases_api: CaseManagementApi, users_api: UsersApi, project: dict[str, Any]
) -> None:
    first = users_api.create_user(dd.user_request(dd.unique_email("first"), "First Responder")).data
    second = users_api.create_user(dd.user_request(dd.unique_email("second"), "Second Responder")).data
    case = dd.create_case(cases_api, project["id"]).data
    assert case.relationships.assignee.data is None

    assigned = cases_api.assign_case(case.id, dd.assign_request(first.id))
    assert not assigned._unparsed
    assert assigned.data.relationships.assignee.data.id == first.id
    assert included_users(assigned)[first.id]["attributes"]["name"] == "First Responder"

    key = case.attributes.key
    reassigned = cases_api.assign_case(key, dd.assign_request(second.id))
    assert reassigned.data.relationships.assignee.data.id == second.id
    assert second.id in included_users(reassigned)
    assert first.id not in included_users(reassigned)

    fetched = cases_api.get_case(case.id)
    assert fetched.data.relationships.assignee.data.id == second.id
    assert included_users(fetched)[second.id]["attributes"]["email"] == second.attributes.email

    unassigned = cases_api.unassign_case(case.id, dd.empty_request())
    assert unassigned.data.relationships.assignee.data is None
    assert second.id not in included_users(unassigned)
    assert cases_api.get_case(case.id).data.relationships.assignee.data is None


def test_archive_and_unarchive(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    archived = cases_api.archive_case(case.id, dd.empty_request()).data.attributes
    assert archived.archived_at is not None
    assert recent(archived.archived_at)
    # Archiving again is a no-op: the first archive time stands.
    again = cases_api.archive_case(case.id, dd.empty_request()).data.attributes
    assert again.archived_at == archived.archived_at
    assert cases_api.get_case(case.id).data.attributes.archived_at == archived.archived_at

    unarchived = cases_api.unarchive_case(case.id, dd.empty_request()).data.attributes
    assert unarchived.archived_at is None
    assert cases_api.get_case(case.id).data.attributes.archived_at is None


def test_update_attributes_replaces_them_wholesale(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    first = cases_api.update_attributes(
        case.id, dd.attributes_request({"env": ["prod", "eu"], "team": ["db"]})
    )
    assert first.data.attributes.attributes.to_dict() == {"env": ["prod", "eu"], "team": ["db"]}

    second = cases_api.update_attributes(case.id, dd.attributes_request({"team": ["web"]}))
    assert second.data.attributes.attributes.to_dict() == {"team": ["web"]}
    assert cases_api.get_case(case.id).data.attributes.attributes.to_dict() == {"team": ["web"]}

    cleared = cases_api.update_attributes(case.id, dd.attributes_request({}))
    assert cleared.data.attributes.attributes.to_dict() == {}


def test_attribute_values_keep_order_and_drop_repeats(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    updated = cases_api.update_attributes(case.id, dd.attributes_request({"tags": ["b", "a", "b", "c", "a"]}))
    assert updated.data.attributes.attributes.to_dict() == {"tags": ["b", "a", "c"]}


def test_update_due_date(cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    updated = cases_api.update_case_due_date(case.id, dd.due_date_request("2026-12-31"))
    assert updated.data.attributes["due_date"] == date(2026, 12, 31)
    raw = http.get(f"/api/v2/cases/{case.id}").json()
    assert raw["data"]["attributes"]["due_date"] == "2026-12-31"

    # A full timestamp is accepted; only its calendar date is kept.
    stamped = cases_api.update_case_due_date(case.id, dd.due_date_request("2027-01-15T10:30:00Z"))
    assert stamped.data.attributes["due_date"] == date(2027, 1, 15)


@pytest.mark.parametrize("cleared", [None, "", "  "])
def test_due_date_is_cleared_with_null_or_blank(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client, cleared: str | None
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    cases_api.update_case_due_date(case.id, dd.due_date_request("2026-12-31"))
    # The client's model refuses null, though the contract documents null as "clear".
    response = http.post(f"/api/v2/cases/{case.id}/due_date", json=dd.case_body(due_date=cleared))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["attributes"]["due_date"] is None
    assert http.get(f"/api/v2/cases/{case.id}").json()["data"]["attributes"]["due_date"] is None


def test_update_resolved_reason_on_a_case_by_key(
    cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    case = dd.create_case(cases_api, project["id"], type_id=dd.SECURITY).data
    updated = cases_api.update_case_resolved_reason(
        case.attributes.key, dd.resolved_reason_request("TRUE_POSITIVE")
    )
    assert updated.data.id == case.id
    assert updated.data.attributes["security_resolved_reason"] == "TRUE_POSITIVE"
    assert cases_api.get_case(case.id).data.attributes["security_resolved_reason"] == "TRUE_POSITIVE"


# -- keys --------------------------------------------------------------------------------


def test_keys_count_from_one_in_each_project(
    cases_api: CaseManagementApi, http: httpx.Client, project: dict[str, Any]
) -> None:
    other = new_project(http)
    a, b = project["attributes"]["key"], other["attributes"]["key"]
    order = [project, project, other, project, other]
    keys = [dd.create_case(cases_api, p["id"], f"case {i}").data.attributes.key for i, p in enumerate(order)]
    assert keys == [f"{a}-1", f"{a}-2", f"{b}-1", f"{a}-3", f"{b}-2"]
    assert cases_api.get_case(f"{b}-1").data.attributes.title == "case 2"
    assert cases_api.get_case(f"{a}-3").data.attributes.title == "case 3"
