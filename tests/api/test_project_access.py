"""Who sees what: a restricted project is seen by its members and the admins only, in both
dialects, for every read and every write; a comment is its author's; deleting needs an admin
or the project's admin; naming another author needs act_on_behalf."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from casedesk.bootstrap import Container
from casedesk.domain import users as uc
from casedesk.domain.audit import AuditAction
from casedesk.domain.users import Principal, Role
from tests.api import dd
from tests.api import tines as t
from tests.api.accounts import cli_json, http_as, key_headers, keys_for, new_keys
from tests.conftest import unique_key
from tests.support import Keys, Server

V2 = "/api/v2/cases"


@dataclass
class World:
    token: str  # in every title made here, to search for them alone
    restricted: dict[str, Any]  # the project, as the admin reads it
    hidden: dict[str, Any]  # a case of the restricted project
    open_project: dict[str, Any]
    visible: dict[str, Any]  # a case of the open project, linked to the hidden one
    view_id: str  # a view of the restricted project
    member: Keys  # a standard user who is a member of the restricted project
    outsider: Keys  # a standard user who is not


def new_project(http: httpx.Client, **attributes: Any) -> dict[str, Any]:
    body = {"data": {"type": "project", "attributes": {"name": "Ops", "key": unique_key(), **attributes}}}
    response = http.post(f"{V2}/projects", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def new_case(http: httpx.Client, project_id: str, title: str) -> dict[str, Any]:
    response = http.post(V2, json=dd.create_body(project_id, title))
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def restrict(http: httpx.Client, project_id: str, restricted: bool = True, **members: Any) -> httpx.Response:
    body: dict[str, Any] = {"data": {"type": "project", "attributes": {"restricted": restricted}}}
    if members:
        body["data"]["relationships"] = {"member_user": {"data": members["users"]}}
    return http.patch(f"{V2}/projects/{project_id}", json=body)


@pytest.fixture
def world(server: Server, http: httpx.Client) -> World:
    token = uuid.uuid4().hex[:10]
    member, outsider = new_keys(server, label="member"), new_keys(server, label="outsider")
    restricted = new_project(http)
    response = restrict(http, restricted["id"], users=[{"id": member.user_id, "type": "users"}])
    assert response.status_code == 200, response.text
    hidden = new_case(http, restricted["id"], f"{token} hidden breach")
    open_project = new_project(http)
    visible = new_case(http, open_project["id"], f"{token} visible outage")
    link = {"parent_entity_id": visible["id"], "child_entity_id": hidden["id"]}
    linked = http.post(f"{V2}/link", json=link_body(**link))
    assert linked.status_code == 201, linked.text
    comment = http.post(f"{V2}/{hidden['id']}/comment", json=comment_body("secret"))
    assert comment.status_code == 200, comment.text
    view = {"name": "All", "query": "status:open", "project_id": restricted["id"]}
    made = http.post(f"{V2}/views", json={"data": {"type": "view", "attributes": view}})
    assert made.status_code == 201, made.text
    return World(
        token=token,
        restricted=dict(response.json()["data"]),
        hidden=hidden,
        open_project=open_project,
        visible=visible,
        view_id=made.json()["data"]["id"],
        member=member,
        outsider=outsider,
    )


def link_body(parent_entity_id: str, child_entity_id: str) -> dict[str, Any]:
    attributes = {
        "parent_entity_id": parent_entity_id,
        "parent_entity_type": "CASE",
        "child_entity_id": child_entity_id,
        "child_entity_type": "CASE",
        "relationship": "BLOCKS",
    }
    return {"data": {"type": "link", "attributes": attributes}}


def comment_body(text: str) -> dict[str, Any]:
    return {"data": {"type": "case", "attributes": {"comment": text}}}


@pytest.fixture
def as_outsider(server: Server, world: World) -> Iterator[httpx.Client]:
    with http_as(server, key_headers(world.outsider)) as client:
        yield client


@pytest.fixture
def as_member(server: Server, world: World) -> Iterator[httpx.Client]:
    with http_as(server, key_headers(world.member)) as client:
        yield client


def comment_cell(http: httpx.Client, case_id: str, text: str) -> str:
    response = http.get(f"{V2}/{case_id}/timelines", params={"page[size]": 100})
    assert response.status_code == 200, response.text
    return str(
        next(c["id"] for c in response.json()["data"] if c["attributes"]["cell_content"]["message"] == text)
    )


# -- Datadog reads ---------------------------------------------------------------------------


def datadog_reads(w: World) -> list[str]:
    case_id, project_id = w.hidden["id"], w.restricted["id"]
    return [
        f"{V2}/{case_id}",
        f"{V2}/{w.hidden['attributes']['key']}",
        f"{V2}/{case_id}/timelines",
        f"{V2}/{case_id}/watchers",
        f"{V2}/link?entity_type=CASE&entity_id={case_id}",
        f"{V2}/projects/{project_id}",
        f"{V2}/views?project_id={project_id}",
        f"{V2}/views/{w.view_id}",
    ]


def test_a_restricted_project_is_404_to_a_non_member_in_every_datadog_read(
    world: World, as_outsider: httpx.Client, as_member: httpx.Client, http: httpx.Client
) -> None:
    for path in datadog_reads(world):
        assert as_outsider.get(path).status_code == 404, path
        assert as_member.get(path).status_code == 200, path
        assert http.get(path).status_code == 200, path


def titles(client: httpx.Client, token: str) -> set[str]:
    response = client.get(V2, params={"filter": token, "page[size]": 100})
    assert response.status_code == 200, response.text
    return {c["attributes"]["title"] for c in response.json()["data"]}


def total(client: httpx.Client, token: str) -> int:
    response = client.get(f"{V2}/count", params={"query_filter": token, "group_bys": "project"})
    assert response.status_code == 200, response.text
    return int(response.json()["data"]["attributes"]["total"])


def aggregate(client: httpx.Client, token: str) -> list[Any]:
    body = {
        "data": {
            "type": "aggregate",
            "attributes": {"query_filter": token, "group_by": {"groups": ["project"], "limit": 10}},
        }
    }
    response = client.post(f"{V2}/aggregate", json=body)
    assert response.status_code == 200, response.text
    return sorted(g["group"] for g in response.json()["data"]["attributes"]["groups"])


def test_search_count_aggregate_and_views_show_a_non_member_only_what_they_may_see(
    world: World, as_outsider: httpx.Client, as_member: httpx.Client, http: httpx.Client
) -> None:
    token, both = world.token, {f"{world.token} hidden breach", f"{world.token} visible outage"}
    assert titles(as_outsider, token) == {f"{token} visible outage"}
    assert titles(as_member, token) == titles(http, token) == both
    assert (total(as_outsider, token), total(as_member, token), total(http, token)) == (1, 2, 2)
    keys = sorted([world.restricted["attributes"]["key"], world.open_project["attributes"]["key"]])
    assert aggregate(as_outsider, token) == [world.open_project["attributes"]["key"]]
    assert aggregate(as_member, token) == keys
    # a view is run as a search of its project: nothing for whoever may not see the project
    in_view = f"project_id:{world.restricted['id']} (status:open {token})"
    assert titles(as_outsider, in_view) == set()
    assert titles(as_member, in_view) == {f"{token} hidden breach"}


def test_the_project_list_and_links_leave_out_what_a_non_member_may_not_see(
    world: World, as_outsider: httpx.Client, as_member: httpx.Client
) -> None:
    def project_ids(client: httpx.Client) -> set[str]:
        return {p["id"] for p in client.get(f"{V2}/projects").json()["data"]}

    assert world.restricted["id"] not in project_ids(as_outsider)
    assert world.restricted["id"] in project_ids(as_member)
    # the link from the visible case to the hidden one is left out, not shown half
    path = f"{V2}/link?entity_type=CASE&entity_id={world.visible['id']}"
    assert as_outsider.get(path).json()["data"] == []
    assert len(as_member.get(path).json()["data"]) == 1


def test_the_restricted_attribute_and_members_read_back(world: World) -> None:
    project = world.restricted
    assert project["attributes"]["restricted"] is True
    members = {u["id"] for u in project["relationships"]["member_user"]["data"]}
    assert world.member.user_id in members


# -- Datadog writes --------------------------------------------------------------------------


def datadog_writes(w: World) -> list[tuple[str, str, Any]]:
    case, project = w.hidden["id"], w.restricted["id"]
    cell = "00000000-0000-0000-0000-000000000001"
    user = w.outsider.user_id
    return [
        ("POST", f"{V2}/{case}/status", dd.case_body(status="CLOSED")),
        ("POST", f"{V2}/{case}/priority", dd.case_body(priority="P1")),
        ("POST", f"{V2}/{case}/title", dd.case_body(title="mine now")),
        ("POST", f"{V2}/{case}/description", dd.case_body(description="x")),
        ("POST", f"{V2}/{case}/archive", dd.EMPTY_BODY),
        ("POST", f"{V2}/{case}/attributes", dd.case_body(attributes={"env": ["prod"]})),
        ("POST", f"{V2}/{case}/comment", comment_body("hello")),
        ("PUT", f"{V2}/{case}/comment/{cell}", comment_body("edited")),
        ("DELETE", f"{V2}/{case}/comment/{cell}", None),
        ("POST", f"{V2}/{case}/watchers/{user}", None),
        (
            "PATCH",
            f"{V2}/{w.visible['id']}/relationships/project",
            {"data": {"id": project, "type": "project"}},
        ),
        ("PATCH", f"{V2}/projects/{project}", {"data": {"type": "project", "attributes": {"name": "x"}}}),
        ("DELETE", f"{V2}/projects/{project}", None),
        ("POST", f"{V2}/projects/{project}/favorites", None),
        ("PUT", f"{V2}/views/{w.view_id}", {"data": {"type": "view", "attributes": {"name": "x"}}}),
        ("DELETE", f"{V2}/views/{w.view_id}", None),
    ]


def test_every_datadog_write_into_a_restricted_project_is_404_to_a_non_member(
    world: World, as_outsider: httpx.Client
) -> None:
    for method, path, body in datadog_writes(world):
        response = as_outsider.request(method, path, json=body)
        assert response.status_code == 404, (method, path, response.text)


def test_naming_a_hidden_case_or_project_in_a_body_is_answered_as_naming_nothing(
    world: World, as_outsider: httpx.Client
) -> None:
    unknown = str(uuid.uuid4())
    pairs = [
        (dd.create_body(world.restricted["id"]), dd.create_body(unknown)),
        (link_body(world.visible["id"], world.hidden["id"]), link_body(world.visible["id"], unknown)),
        (
            {"data": {"type": "bulk", "attributes": {"case_ids": [world.hidden["id"]], "type": "archive"}}},
            {"data": {"type": "bulk", "attributes": {"case_ids": [unknown], "type": "archive"}}},
        ),
    ]
    paths = [V2, f"{V2}/link", f"{V2}/bulk"]
    for path, (hidden_body, unknown_body) in zip(paths, pairs, strict=True):
        hidden, nothing = as_outsider.post(path, json=hidden_body), as_outsider.post(path, json=unknown_body)
        assert hidden.status_code == nothing.status_code != 201, (path, hidden.text)
        assert hidden.status_code in (400, 404)


def test_a_member_works_in_the_restricted_project(world: World, as_member: httpx.Client) -> None:
    case = world.hidden["id"]
    assert as_member.post(f"{V2}/{case}/priority", json=dd.case_body(priority="P1")).status_code == 200
    assert as_member.post(f"{V2}/{case}/comment", json=comment_body("on it")).status_code == 200


def test_a_read_only_user_reads_what_they_may_see_and_writes_nothing(
    server: Server, container: Container, world: World
) -> None:
    email = dd.unique_email("reader")
    container.bus.handle(uc.CreateUser(email=email, role=Role.READ_ONLY), Principal.operator())
    keys = keys_for(server, email, "cases_read,cases_write")
    with http_as(server, key_headers(keys)) as reader:
        assert reader.get(f"{V2}/{world.visible['id']}").status_code == 200
        assert reader.get(f"{V2}/{world.hidden['id']}").status_code == 404
        refused = reader.post(f"{V2}/{world.visible['id']}/priority", json=dd.case_body(priority="P1"))
        assert refused.status_code == 403, refused.text


def test_only_an_admin_or_the_projects_admin_changes_its_access_and_settings(
    server: Server, world: World, as_member: httpx.Client, http: httpx.Client, container: Container
) -> None:
    project = world.restricted["id"]
    assert restrict(as_member, project, False).status_code == 403
    settings = {"data": {"type": "project", "attributes": {"settings": {"auto_close_inactive_cases": {
        "enabled": True, "max_inactive_time_in_secs": 3600}}}}}  # fmt: skip
    assert as_member.patch(f"{V2}/projects/{project}", json=settings).status_code == 403
    assert as_member.delete(f"{V2}/projects/{project}").status_code == 403
    # its creator is the project's admin
    standard = new_keys(server, label="creator")
    with http_as(server, key_headers(standard)) as creator:
        own = new_project(creator, restricted=True)
        assert own["attributes"]["restricted"] is True
        assert creator.patch(f"{V2}/projects/{own['id']}", json=settings).status_code == 200
        assert restrict(creator, own["id"], False).json()["data"]["attributes"]["restricted"] is False
        assert creator.delete(f"{V2}/projects/{own['id']}").status_code == 204
    with container.uow() as uow:
        entries = [e for e in uow.audit.entries(limit=50) if e.target_id == own["id"]]
    assert [e.action for e in reversed(entries)] == [
        AuditAction.PROJECT_RESTRICTED,
        AuditAction.PROJECT_SETTINGS_CHANGED,
        AuditAction.PROJECT_OPENED,
        AuditAction.PROJECT_DELETED,
    ]
    assert {e.actor_id for e in entries} == {uuid.UUID(standard.user_id)}
    assert http.patch(f"{V2}/projects/{project}", json=settings).status_code == 200


# -- ownership -------------------------------------------------------------------------------


def test_a_comment_is_edited_and_deleted_by_its_author_or_an_admin_only(
    server: Server, world: World, as_member: httpx.Client, http: httpx.Client
) -> None:
    case = world.visible["id"]
    assert as_member.post(f"{V2}/{case}/comment", json=comment_body("mine")).status_code == 200
    cell = comment_cell(http, case, "mine")
    with http_as(server, key_headers(new_keys(server, label="other"))) as other:
        assert other.put(f"{V2}/{case}/comment/{cell}", json=comment_body("theirs")).status_code == 403
        assert other.delete(f"{V2}/{case}/comment/{cell}").status_code == 403
    assert as_member.put(f"{V2}/{case}/comment/{cell}", json=comment_body("mine, edited")).status_code == 200
    assert http.put(f"{V2}/{case}/comment/{cell}", json=comment_body("moderated")).status_code == 200
    assert http.delete(f"{V2}/{case}/comment/{cell}").status_code == 204


def test_deleting_a_case_needs_an_admin_or_an_admin_of_its_project(
    server: Server, world: World, tines: httpx.Client, as_member: httpx.Client
) -> None:
    number = world.hidden["attributes"]["case_number"]
    with t.client(server, world.member) as member:
        refused = member.delete(f"/api/v1/cases/{number}")
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["type"] == "forbidden"
    cli_json(server, "projects", "members", "add", world.restricted["attributes"]["key"],
             dd_email(server, world.member), "--admin")  # fmt: skip
    with t.client(server, world.member) as member:
        assert member.delete(f"/api/v1/cases/{number}").status_code == 204
    # the timeline stays, its last row naming who deleted the case
    with t.client(server) as admin:
        assert admin.get(f"/api/v1/cases/{number}").status_code == 404


def dd_email(server: Server, keys: Keys) -> str:
    with http_as(server, key_headers(server.admin)) as http:
        return str(http.get(f"/api/v2/users/{keys.user_id}").json()["data"]["attributes"]["email"])


# -- Tines -----------------------------------------------------------------------------------


def test_a_restricted_project_is_404_to_a_non_member_in_every_tines_read_and_write(
    server: Server, world: World
) -> None:
    number = world.hidden["attributes"]["case_number"]
    reads = ["", "/assignees", "/subscribers", "/buttons", "/metadata", "/linked_cases", "/files/1"]
    writes: list[tuple[str, str, Any]] = [
        ("PUT", "", {"priority": "high"}),
        ("DELETE", "", None),
        ("POST", "/comments", {"value": "hi"}),
        ("POST", "/subscribers", {"user_email": "admin@example.com"}),
        ("POST", "/buttons", {"button_type": "page", "url": "https://example.com", "label": "x"}),
        ("POST", "/metadata", {"metadata": {"a": "b"}}),
        ("POST", "/linked_cases", {"id": world.visible["attributes"]["case_number"]}),
        ("POST", "/files", {"filename": "a.txt", "file_contents": "aGk="}),
    ]
    with t.client(server, world.outsider) as outsider, t.client(server, world.member) as member:
        for suffix in reads:
            assert outsider.get(f"/api/v1/cases/{number}{suffix}").status_code == 404, suffix
        assert member.get(f"/api/v1/cases/{number}").status_code == 200
        for method, suffix, body in writes:
            response = outsider.request(method, f"/api/v1/cases/{number}{suffix}", json=body)
            assert response.status_code == 404, (method, suffix, response.text)
        teams = {team["key"] for team in outsider.get("/api/v1/teams").json()["teams"]}
        assert world.restricted["attributes"]["key"] not in teams
        assert world.restricted["attributes"]["key"] in {
            team["key"] for team in member.get("/api/v1/teams").json()["teams"]
        }
        team_id = next(
            team["id"] for team in member.get("/api/v1/teams").json()["teams"]
            if team["key"] == world.restricted["attributes"]["key"]
        )  # fmt: skip
        assert outsider.get(f"/api/v1/teams/{team_id}").status_code == 404
        listed = outsider.get("/api/v1/cases", params={"per_page": 100}).json()["cases"]
        assert number not in {c["case_id"] for c in listed}
        assert outsider.get("/api/v1/cases", params={"team_id": team_id}).status_code in (400, 404)
        linked = outsider.get(f"/api/v1/cases/{world.visible['attributes']['case_number']}/linked_cases")
        assert number not in {c["case_id"] for c in linked.json()["linked_cases"]}


# -- acting on behalf of others --------------------------------------------------------------


def test_naming_another_author_without_act_on_behalf_is_refused_at_author_email(
    server: Server, world: World, as_member: httpx.Client
) -> None:
    number = world.visible["attributes"]["case_number"]
    with t.client(server, world.member) as member:
        team = next(
            team["id"] for team in member.get("/api/v1/teams").json()["teams"]
            if team["key"] == world.open_project["attributes"]["key"]
        )  # fmt: skip
        for method, path, body in [
            (
                "POST",
                f"/api/v1/cases/{number}/comments",
                {"value": "as the admin", "author_email": "admin@example.com"},
            ),
            ("PUT", f"/api/v1/cases/{number}", {"priority": "high", "author_email": "admin@example.com"}),
            ("POST", "/api/v1/cases", {"team_id": team, "name": "x", "author_email": "admin@example.com"}),
            (
                "POST",
                f"/api/v1/cases/{number}/comments",
                {"value": "x", "author_email": "nobody@example.com"},
            ),
        ]:
            response = member.request(method, path, json=body)
            assert response.status_code == 403, (path, response.text)
            assert response.json()["error"]["field"] == "author_email"
        # naming oneself needs no scope
        me = dd_email(server, world.member)
        ok = member.post(f"/api/v1/cases/{number}/comments", json={"value": "me", "author_email": me})
        assert ok.status_code == 201, ok.text


def test_acting_on_behalf_records_the_caller_as_actor_and_shows_the_named_author(
    server: Server, world: World, container: Container, http: httpx.Client
) -> None:
    bot = new_keys(server, "cases_read,cases_write,act_on_behalf", "bot")
    author = dd_email(server, world.member)
    number = world.visible["attributes"]["case_number"]
    with t.client(server, bot) as tines:
        made = tines.post(
            f"/api/v1/cases/{number}/comments", json={"value": "for them", "author_email": author}
        )
        assert made.status_code == 201, made.text
        assert made.json()["user"]["email"] == author
    cell = comment_cell(http, world.visible["id"], "for them")
    timeline = http.get(f"{V2}/{world.visible['id']}/timelines", params={"page[size]": 100}).json()["data"]
    shown = next(c for c in timeline if c["id"] == cell)["attributes"]
    assert shown["author"]["content"]["id"] == world.member.user_id
    assert shown["submitted_by"]["content"]["id"] == bot.user_id
    with container.engine.connect() as conn:
        from sqlalchemy import select

        from casedesk.adapters.db.schema import core as schema

        row = conn.execute(
            select(schema.timeline_events.c.actor_id, schema.timeline_events.c.on_behalf_of_id).where(
                schema.timeline_events.c.id == uuid.UUID(cell)
            )
        ).one()
    assert (str(row.actor_id), str(row.on_behalf_of_id)) == (bot.user_id, world.member.user_id)


def test_an_incident_linked_to_a_hidden_case_stays_visible_without_naming_the_case(
    server: Server, world: World, http: httpx.Client, as_outsider: httpx.Client, as_member: httpx.Client
) -> None:
    body = {"data": {"type": "incidents", "attributes": {"title": "Breach", "customer_impacted": False}}}
    made = http.post("/api/v2/incidents", json=body)
    assert made.status_code == 201, made.text
    incident = made.json()["data"]["id"]
    link = {"data": {"id": incident, "type": "incidents"}}
    assert http.post(f"{V2}/{world.hidden['id']}/relationships/incidents", json=link).status_code == 201
    case_number = world.hidden["attributes"]["case_number"]
    member_view = as_member.get(f"/api/v2/incidents/{incident}")
    assert member_view.json()["data"]["attributes"]["case_id"] == case_number
    outsider_view = as_outsider.get(f"/api/v2/incidents/{incident}")
    assert outsider_view.status_code == 200, outsider_view.text
    assert outsider_view.json()["data"]["attributes"]["case_id"] is None
