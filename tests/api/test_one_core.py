"""The same change through either dialect is the same change: the same timeline events (kinds,
old and new values) and the same outbox rows, because both dialects map onto one case core.

Each test drives one case through the Datadog dialect (the official client) and one through
the Tines dialect (plain HTTP, as Tines clients do), then compares what the core recorded."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.users_api import UsersApi
from sqlalchemy import select

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from tests.api import dd
from tests.api import tines as tn

Change = tuple[str, Any, Any]


@pytest.fixture
def people(users_api: UsersApi, tines: httpx.Client) -> dict[str, dict[str, Any]]:
    """Two users, with the ids each dialect names them by: uuid, email and Tines number."""
    found: dict[str, dict[str, Any]] = {}
    for name in ("ann", "bob"):
        user = users_api.create_user(dd.user_request(dd.unique_email(name), name.title())).data
        found[name] = {"id": user.id, "email": user.attributes.email}
    return found


def changes(container: Container, case_id: str, since: int = 0) -> list[Change]:
    """The case's timeline rows after the first `since`: kind and the values that changed
    (`old`/`new`, else the tags, records or user the event names)."""
    tl = t.timeline_events
    with container.engine.connect() as conn:
        rows = conn.execute(
            select(tl.c.kind, tl.c.data)
            .where(tl.c.subject_type == "case", tl.c.subject_id == uuid.UUID(case_id))
            .order_by(tl.c.seq)
        ).all()
    found: list[Change] = []
    for kind, data in rows[since:]:
        if "old" in data or "new" in data:
            found.append((kind, data.get("old"), data.get("new")))
        else:
            named = data.get("tags", data.get("user_id", data.get("message")))
            found.append((kind, None, named))
    return found


def mentions(container: Container, case_id: str) -> list[dict[str, Any]]:
    ob = t.outbox
    with container.engine.connect() as conn:
        return [
            dict(payload)
            for payload in conn.execute(
                select(ob.c.payload)
                .where(ob.c.subject_id == uuid.UUID(case_id), ob.c.kind == "case.users_mentioned")
                .order_by(ob.c.seq)
            ).scalars()
        ]


def case_uuid(container: Container, number: int) -> str:
    with container.engine.connect() as conn:
        return str(conn.execute(select(t.cases.c.id).where(t.cases.c.number == number)).scalar_one())


def user_number(tines: httpx.Client, case: dict[str, Any], email: str) -> int:
    """A user's Tines number, as the case's assignees show it."""
    return int(next(a["id"] for a in case["assignees"] if a["email"] == email))


def case_number(container: Container, case_id: str) -> int:
    with container.engine.connect() as conn:
        return int(
            conn.execute(select(t.cases.c.number).where(t.cases.c.id == uuid.UUID(case_id))).scalar_one()
        )


def put(tines: httpx.Client, number: int, body: dict[str, Any]) -> dict[str, Any]:
    response = tines.put(f"/api/v1/cases/{number}", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_create_with_tags_and_an_assignee(
    container: Container,
    cases_api: CaseManagementApi,
    tines: httpx.Client,
    team: dict[str, Any],
    people: dict[str, dict[str, Any]],
) -> None:
    ann = people["ann"]
    # Datadog's CreateCase has no attributes: its tags come with the next request.
    via_dd = dd.create_case(cases_api, team["key"], assignee_id=ann["id"]).data
    cases_api.update_attributes(via_dd.id, dd.attributes_request({"tags": ["login", "vpn"]}))
    via_tines = tn.create(tines, team, assignee_emails=[ann["email"]], tag_names=["login", "vpn"])
    expected = [("case.assigned", None, ann["id"]), ("case.tags_added", None, ["login", "vpn"])]
    for case_id in (via_dd.id, case_uuid(container, via_tines["case_id"])):
        created, *rest = changes(container, case_id)
        # The created event's values differ by design: each dialect has its default priority.
        assert (created[0], rest) == ("case.created", expected)
    # Tines shows the Datadog-made case as it shows its own.
    shown = tines.get(f"/api/v1/cases/{case_number(container, via_dd.id)}").json()
    assert tn.actions(shown) == tn.actions(via_tines) == ["CREATED", "ASSIGNED", "TAGS_ADDED"]
    assert [tag["name"] for tag in shown["tags"]] == ["login", "vpn"]


def test_a_comment_that_mentions_someone_records_the_mention_in_either_dialect(
    container: Container,
    cases_api: CaseManagementApi,
    tines: httpx.Client,
    team: dict[str, Any],
    people: dict[str, dict[str, Any]],
) -> None:
    ann, bob = people["ann"], people["bob"]
    via_tines = tn.create(tines, team, assignee_emails=[ann["email"], bob["email"]])
    bob_number = user_number(tines, via_tines, bob["email"])
    text = f"ping <@user-{ann['id']}> and <@user-{bob_number}>"
    via_dd = dd.create_case(cases_api, team["key"]).data
    cases_api.comment_case(via_dd.id, dd.comment_request(text))
    comment = tines.post(f"/api/v1/cases/{via_tines['case_id']}/comments", json={"value": text})
    assert comment.status_code == 201, comment.text
    tines_id = case_uuid(container, via_tines["case_id"])
    commented = ("case.commented", None, text)
    assert changes(container, via_dd.id)[-1] == changes(container, tines_id)[-1] == commented
    expected = [{"user_ids": [ann["id"], bob["id"]], "in": "comment", "excerpt": text}]
    assert mentions(container, via_dd.id) == mentions(container, tines_id) == expected


def test_mentions_through_the_official_datadog_client(
    container: Container,
    cases_api: CaseManagementApi,
    people: dict[str, dict[str, Any]],
    project: dict[str, Any],
) -> None:
    ann, bob = people["ann"], people["bob"]
    case = dd.create_case(cases_api, project["id"], description=f"for <@user-{ann['id']}>").data
    cases_api.update_case_description(
        case.id, dd.description_request(f"for <@user-{ann['id']}> and <@user-{bob['id']}>")
    )
    cell = cases_api.comment_case(case.id, dd.comment_request("nobody yet")).data[0]
    cases_api.update_case_comment(case.id, cell.id, dd.comment_update_request(f"now <@user-{ann['id']}>"))
    # A mention of someone unknown is just text.
    cases_api.comment_case(case.id, dd.comment_request(f"<@user-{uuid.uuid4()}>"))
    assert mentions(container, case.id) == [
        {"user_ids": [ann["id"]], "in": "description", "excerpt": f"for <@user-{ann['id']}>"},
        # The edit names only whom it newly mentions.
        {
            "user_ids": [bob["id"]],
            "in": "description",
            "excerpt": f"for <@user-{ann['id']}> and <@user-{bob['id']}>",
        },
        {"user_ids": [ann["id"]], "in": "comment", "excerpt": f"now <@user-{ann['id']}>"},
    ]


def test_a_tag_change(
    container: Container,
    cases_api: CaseManagementApi,
    tines: httpx.Client,
    team: dict[str, Any],
) -> None:
    via_dd = dd.create_case(cases_api, team["key"]).data
    cases_api.update_attributes(via_dd.id, dd.attributes_request({"tags": ["a", "b"], "env": ["prod"]}))
    via_tines = tn.create(tines, team, tag_names=["a", "b"])
    tines_id = case_uuid(container, via_tines["case_id"])
    before = len(changes(container, via_dd.id)), len(changes(container, tines_id))
    cases_api.update_attributes(via_dd.id, dd.attributes_request({"tags": ["b", "c"], "env": ["prod"]}))
    put(tines, via_tines["case_id"], {"tag_names": ["b", "c"]})
    expected = [("case.tags_removed", None, ["a"]), ("case.tags_added", None, ["c"])]
    assert changes(container, via_dd.id, before[0]) == changes(container, tines_id, before[1]) == expected
    # Datadog's attributes carry the tags, Tines shows them as tags.
    shown = cases_api.get_case(via_dd.id).data.attributes.attributes
    assert shown.to_dict() == {"env": ["prod"], "tags": ["b", "c"]}


def test_an_assignment_change(
    container: Container,
    cases_api: CaseManagementApi,
    tines: httpx.Client,
    team: dict[str, Any],
    people: dict[str, dict[str, Any]],
) -> None:
    ann, bob = people["ann"], people["bob"]
    via_dd = dd.create_case(cases_api, team["key"], assignee_id=ann["id"]).data
    via_tines = tn.create(tines, team, assignee_emails=[ann["email"]])
    tines_id = case_uuid(container, via_tines["case_id"])
    cases_api.assign_case(via_dd.id, dd.assign_request(bob["id"]))
    put(tines, via_tines["case_id"], {"assignee_emails": [bob["email"]]})
    cases_api.unassign_case(via_dd.id, dd.empty_request())
    put(tines, via_tines["case_id"], {"assignee_emails": []})
    expected = [
        ("case.assigned", ann["id"], bob["id"]),
        ("case.assignee_removed", None, ann["id"]),
        ("case.unassigned", bob["id"], None),
    ]
    assert changes(container, via_dd.id, 2) == changes(container, tines_id, 2) == expected


def test_a_status_change(
    container: Container,
    cases_api: CaseManagementApi,
    tines: httpx.Client,
    team: dict[str, Any],
) -> None:
    via_dd = dd.create_case(cases_api, team["key"]).data
    via_tines = tn.create(tines, team)
    tines_id = case_uuid(container, via_tines["case_id"])
    before = len(changes(container, via_dd.id)), len(changes(container, tines_id))
    cases_api.update_status(via_dd.id, dd.status_request("CLOSED"))
    put(tines, via_tines["case_id"], {"status": "closed"})
    cases_api.update_status(via_dd.id, dd.status_request("OPEN"))
    put(tines, via_tines["case_id"], {"status": "open"})
    expected = [("case.status_changed", "OPEN", "CLOSED"), ("case.status_changed", "CLOSED", "OPEN")]
    assert changes(container, via_dd.id, before[0]) == changes(container, tines_id, before[1]) == expected
