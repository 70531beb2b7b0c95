"""Comments and the case timeline: every change is a cell, with its author and time, in order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.users_api import UsersApi

from tests.api import accounts, dd
from tests.support import Server


def timeline(http: httpx.Client, case_id: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The raw cells, which carry the `event` member the client's model does not declare."""
    response = http.get(f"/api/v2/cases/{case_id}/timelines", params=params)
    assert response.status_code == 200, response.text
    cells: list[dict[str, Any]] = response.json()["data"]
    return cells


def ascending(http: httpx.Client, case_id: str) -> list[dict[str, Any]]:
    return timeline(http, case_id, {"sort[ascending]": "true"})


def kind(cell: dict[str, Any]) -> str:
    event = cell["attributes"].get("event")
    return str(event["kind"]) if event else "comment"


def ids(cells: list[dict[str, Any]]) -> list[str]:
    return [cell["id"] for cell in cells]


# -- CommentCase -------------------------------------------------------------------------


def test_comment_answers_with_one_comment_cell(
    cases_api: CaseManagementApi, project: dict[str, Any], server: Server
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    response = cases_api.comment_case(case.id, dd.comment_request("Disk at 97%, rotating logs"))
    assert not response._unparsed
    [cell] = response.data
    assert cell.type.value == "timeline_cell"
    attrs = cell.attributes
    assert attrs.type.value == "COMMENT"
    assert attrs.cell_content.message == "Disk at 97%, rotating logs"
    assert attrs.author.type.value == "USER"
    assert attrs.author.content.id == server.admin.user_id
    assert attrs.author.content.email == "admin@example.com"
    assert attrs.author.content.name == "Ada Admin"
    assert attrs.created_at.tzinfo is not None
    assert attrs.created_at >= case.attributes.created_at


def test_comment_keeps_the_message_as_written(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    message = "  Two lines:\n- `df -h` says 100%\n- ünïcødé ✓  "
    [cell] = cases_api.comment_case(case.attributes.key, dd.comment_request(message)).data
    assert cell.attributes.cell_content.message == message
    [stored] = [c for c in timeline(http, case.id) if c["id"] == cell.id]
    assert stored["attributes"]["cell_content"]["message"] == message


def test_comments_by_another_user_carry_their_authorship(
    server: Server, cases_api: CaseManagementApi, project: dict[str, Any]
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    keys = accounts.new_keys(server, "cases_write", label="commenter")
    with accounts.api_as(server, keys) as theirs:
        [cell] = theirs.comment_case(case.id, dd.comment_request("I can reproduce it")).data
        theirs.update_priority(case.id, dd.priority_request("P1"))
    assert cell.attributes.author.content.id == keys.user_id
    assert cell.attributes.author.content.name == "Commenter"

    cells = cases_api.list_case_timeline(case.id, sort_ascending=True).data
    assert [c.attributes.author.content.id for c in cells] == [
        server.admin.user_id,
        keys.user_id,
        keys.user_id,
    ]
    assert cases_api.get_case(case.id).data.relationships.modified_by.data.id == keys.user_id


# -- UpdateCaseComment / DeleteCaseComment ---------------------------------------------------


def test_update_comment_edits_the_cell_in_place(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    [cell] = cases_api.comment_case(case.id, dd.comment_request("Frist look")).data
    before = ids(ascending(http, case.id))

    cases_api.update_case_comment(case.id, cell.id, dd.comment_update_request("First look"))

    cells = ascending(http, case.id)
    assert ids(cells) == before
    edited = cells[-1]["attributes"]
    assert edited["cell_content"]["message"] == "First look"
    assert edited["created_at"] == cell.attributes.created_at.isoformat()
    assert datetime.fromisoformat(edited["modified_at"]) >= cell.attributes.created_at


def test_update_comment_answers_with_the_edited_cell(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    [cell] = cases_api.comment_case(case.id, dd.comment_request("draft")).data
    response = http.put(
        f"/api/v2/cases/{case.attributes.key}/comment/{cell.id}", json=dd.case_body(comment="final")
    )
    assert response.status_code == 200, response.text
    [answered] = response.json()["data"]
    assert answered["id"] == cell.id
    assert answered["attributes"]["cell_content"]["message"] == "final"
    assert answered["attributes"]["author"]["content"]["email"] == "admin@example.com"


def test_delete_comment_removes_it_from_the_timeline(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    [keep] = cases_api.comment_case(case.id, dd.comment_request("keep me")).data
    [gone] = cases_api.comment_case(case.id, dd.comment_request("delete me")).data

    response = http.delete(f"/api/v2/cases/{case.id}/comment/{gone.id}")
    assert response.status_code == 204, response.text
    assert response.content == b""

    remaining = ids(ascending(http, case.id))
    assert gone.id not in remaining
    assert keep.id in remaining
    assert len(remaining) == 2

    with pytest.raises(ApiException) as again:
        cases_api.delete_case_comment(case.id, gone.id)
    assert again.value.status == 404
    assert dd.error_messages(again.value) == ["timeline cell not found"]

    with pytest.raises(ApiException) as edit:
        cases_api.update_case_comment(case.id, gone.id, dd.comment_update_request("back?"))
    assert edit.value.status == 404


def test_delete_comment_through_the_client(cases_api: CaseManagementApi, project: dict[str, Any]) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    [cell] = cases_api.comment_case(case.id, dd.comment_request("short-lived")).data
    cases_api.delete_case_comment(case.attributes.key, cell.id)
    assert cell.id not in [c.id for c in cases_api.list_case_timeline(case.id).data]


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_a_comment_belongs_to_its_own_case(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client, method: str
) -> None:
    mine = dd.create_case(cases_api, project["id"], "mine").data
    other = dd.create_case(cases_api, project["id"], "other").data
    [cell] = cases_api.comment_case(mine.id, dd.comment_request("on mine")).data
    response = http.request(
        method, f"/api/v2/cases/{other.id}/comment/{cell.id}", json=dd.case_body(comment="x")
    )
    assert response.status_code == 404, response.text
    assert dd.messages(response) == ["timeline cell not found"]
    [still] = [c for c in timeline(http, mine.id) if c["id"] == cell.id]
    assert still["attributes"]["cell_content"]["message"] == "on mine"


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_change_cells_are_not_comments(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client, method: str
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    [created] = timeline(http, case.id)
    assert kind(created) == "case.created"
    response = http.request(
        method,
        f"/api/v2/cases/{case.id}/comment/{created['id']}",
        json=dd.case_body(comment="rewrite history"),
    )
    assert response.status_code == 404, response.text
    assert timeline(http, case.id) == [created]


# -- ListCaseTimeline ------------------------------------------------------------------------


def test_timeline_records_every_change_in_order(
    cases_api: CaseManagementApi,
    users_api: UsersApi,
    project: dict[str, Any],
    http: httpx.Client,
    server: Server,
) -> None:
    assignee = users_api.create_user(dd.user_request(dd.unique_email("oncall"), "On Call")).data
    case = dd.create_case(cases_api, project["id"], "Port scan", type_id=dd.SECURITY).data
    steps = [
        lambda: cases_api.update_status(case.id, dd.status_request("IN_PROGRESS")),
        lambda: cases_api.update_priority(case.id, dd.priority_request("P1")),
        lambda: cases_api.update_case_title(case.id, dd.title_request("Port scan from 10.0.0.9")),
        lambda: cases_api.update_case_description(case.id, dd.description_request("nmap signature")),
        lambda: cases_api.assign_case(case.id, dd.assign_request(assignee.id)),
        lambda: cases_api.comment_case(case.id, dd.comment_request("Blocked at the edge")),
        lambda: cases_api.unassign_case(case.id, dd.empty_request()),
        lambda: cases_api.archive_case(case.id, dd.empty_request()),
        lambda: cases_api.unarchive_case(case.id, dd.empty_request()),
        lambda: cases_api.update_attributes(case.id, dd.attributes_request({"env": ["prod"]})),
        lambda: cases_api.update_case_due_date(case.id, dd.due_date_request("2026-12-31")),
        lambda: cases_api.update_case_resolved_reason(case.id, dd.resolved_reason_request("TRUE_POSITIVE")),
        lambda: cases_api.update_status(case.id, dd.status_request("CLOSED")),
    ]
    for step in steps:
        step()

    cells = ascending(http, case.id)
    assert [kind(c) for c in cells] == [
        "case.created",
        "case.status_changed",
        "case.priority_changed",
        "case.title_changed",
        "case.description_changed",
        "case.assigned",
        "comment",
        "case.unassigned",
        "case.archived",
        "case.unarchived",
        "case.attributes_changed",
        "case.due_date_changed",
        "case.resolved_reason_changed",
        "case.status_changed",
    ]
    times = [datetime.fromisoformat(c["attributes"]["created_at"]) for c in cells]
    assert times == sorted(times)
    assert all(t.tzinfo is not None for t in times)
    for cell in cells:
        attrs = cell["attributes"]
        assert attrs["type"] == "COMMENT"
        assert attrs["author"]["type"] == "USER"
        assert attrs["author"]["content"]["id"] == server.admin.user_id
        assert attrs["cell_content"]["message"]
    assert len(set(ids(cells))) == len(cells)

    events = [c["attributes"]["event"] for c in cells if "event" in c["attributes"]]
    by_kind = [(e["kind"], e.get("old"), e.get("new")) for e in events]
    assert ("case.status_changed", "OPEN", "IN_PROGRESS") in by_kind
    assert ("case.status_changed", "IN_PROGRESS", "CLOSED") in by_kind
    assert ("case.priority_changed", "NOT_DEFINED", "P1") in by_kind
    assert ("case.title_changed", "Port scan", "Port scan from 10.0.0.9") in by_kind
    assert ("case.assigned", None, assignee.id) in by_kind
    assert ("case.unassigned", assignee.id, None) in by_kind
    assert ("case.attributes_changed", {}, {"env": ["prod"]}) in by_kind
    assert ("case.due_date_changed", None, "2026-12-31") in by_kind
    assert ("case.resolved_reason_changed", None, "TRUE_POSITIVE") in by_kind
    assert cells[1]["attributes"]["cell_content"]["message"].startswith("Ada Admin ")


def test_the_official_client_reads_the_timeline(
    cases_api: CaseManagementApi, project: dict[str, Any], server: Server
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    cases_api.update_priority(case.id, dd.priority_request("P2"))
    cases_api.comment_case(case.id, dd.comment_request("noted"))
    response = cases_api.list_case_timeline(case.attributes.key, sort_ascending=True)
    assert not response._unparsed
    assert [c.attributes.type.value for c in response.data] == ["COMMENT"] * 3
    assert [c.attributes.author.content.id for c in response.data] == [server.admin.user_id] * 3
    assert response.data[-1].attributes.cell_content.message == "noted"
    assert response.data[1].attributes["event"]["kind"] == "case.priority_changed"


def test_changes_that_change_nothing_add_no_cell(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client
) -> None:
    case = dd.create_case(cases_api, project["id"], "Same", priority="P3").data
    cases_api.update_priority(case.id, dd.priority_request("P3"))
    cases_api.update_status(case.id, dd.status_request("OPEN"))
    cases_api.update_case_title(case.id, dd.title_request("  Same "))
    cases_api.unassign_case(case.id, dd.empty_request())
    cases_api.unarchive_case(case.id, dd.empty_request())
    cases_api.update_attributes(case.id, dd.attributes_request({}))
    assert [kind(c) for c in timeline(http, case.id)] == ["case.created"]


def test_sort_ascending_both_ways(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    for priority in ("P1", "P2", "P3"):
        cases_api.update_priority(case.id, dd.priority_request(priority))
    cases_api.comment_case(case.id, dd.comment_request("last"))

    oldest_first = ascending(http, case.id)
    newest_first = timeline(http, case.id, {"sort[ascending]": "false"})
    default = timeline(http, case.id)
    assert kind(oldest_first[0]) == "case.created"
    assert kind(oldest_first[-1]) == "comment"
    assert ids(newest_first) == list(reversed(ids(oldest_first)))
    assert ids(default) == ids(newest_first)

    through_client = cases_api.list_case_timeline(case.id, sort_ascending=False).data
    assert [c.id for c in through_client] == ids(newest_first)


def test_timeline_pages(cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    for i in range(6):
        cases_api.comment_case(case.id, dd.comment_request(f"note {i}"))
    everything = ids(ascending(http, case.id))
    assert len(everything) == 7

    def page(number: int) -> list[str]:
        params = {"sort[ascending]": "true", "page[size]": "3", "page[number]": str(number)}
        return ids(timeline(http, case.id, params))

    assert [len(page(n)) for n in (1, 2, 3, 4)] == [3, 3, 1, 0]
    assert page(1) + page(2) + page(3) == everything
    assert page(0) == page(1)

    through_client = cases_api.list_case_timeline(case.id, page_size=3, page_number=2, sort_ascending=True)
    assert [c.id for c in through_client.data] == everything[3:6]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("page[size]", "0"),
        ("page[size]", "1001"),
        ("page[size]", "ten"),
        ("page[number]", "-1"),
        ("sort[ascending]", "sideways"),
    ],
)
def test_bad_timeline_parameters_are_400(
    cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client, name: str, value: str
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    response = http.get(f"/api/v2/cases/{case.id}/timelines", params={name: value})
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith(f'parameter "{name}": ')
