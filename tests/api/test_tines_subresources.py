"""The parts of a Tines case over real HTTP: assignees, comments and reactions, subscribers,
buttons, metadata, linked cases and files."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import httpx

from tests.api import accounts
from tests.api import tines as t
from tests.support import Server


def path(case: dict[str, Any], rest: str = "") -> str:
    return f"/api/v1/cases/{case['case_id']}{rest}"


def test_assignees(server: Server, tines: httpx.Client, team: dict[str, Any]) -> None:
    ann, bob = accounts.new_user(server, "ann"), accounts.new_user(server, "bob")
    case = t.create(tines, team, assignee_emails=[ann, bob])
    listed = tines.get(path(case, "/assignees")).json()
    assert listed["case_id"] == case["case_id"]
    assert [a["email"] for a in listed["assignees"]] == [ann, bob]
    assert {"user_id", "first_name", "last_name", "email", "avatar_url", "is_service_account"} <= set(
        listed["assignees"][0]
    )
    assert listed["meta"]["count"] == 2
    assert t.error(tines.get("/api/v1/cases/987654321/assignees"), 404)


def test_comments_and_reactions(
    server: Server, tines: httpx.Client, acting_tines: httpx.Client, team: dict[str, Any]
) -> None:
    author = accounts.new_user(server, "writer")
    case = t.create(tines, team)
    response = acting_tines.post(
        path(case, "/comments"), json={"value": "Looking into it", "author_email": author}
    )
    assert response.status_code == 201, response.text
    comment = response.json()
    assert (comment["case_id"], comment["action"], comment["value"]) == (
        case["case_id"],
        "COMMENTED",
        "Looking into it",
    )
    assert comment["user"]["email"] == author
    assert comment["reactions"] == []
    reaction = path(case, f"/comments/{comment['id']}/add_reaction")
    reacted = tines.post(reaction, json={"value": ":heart:"}).json()
    assert [r["emoji"] for r in reacted["reactions"]] == [":heart:"]
    reactant = reacted["reactions"][0]["reactants"][0]
    assert (reactant["user_name"], isinstance(reactant["user_id"], int)) == ("Ada Admin", True)
    assert (
        tines.post(reaction, json={"value": "heart"}).json()["reactions"] == reacted["reactions"]
    )  # idempotent
    removed = tines.post(path(case, f"/comments/{comment['id']}/remove_reaction"), json={"value": "heart"})
    assert removed.json()["reactions"] == []

    feed = tines.get(path(case)).json()["team_case_actions"]
    assert {"id": comment["id"], "action": "COMMENTED", "value": "Looking into it"}.items() <= feed[
        -1
    ].items()
    assert t.error(tines.post(reaction, json={"value": "party"}), 400)["field"] == "value"
    assert t.error(tines.post(path(case, "/comments/987654321/add_reaction"), json={"value": "eyes"}), 404)
    assert t.error(tines.post(path(case, "/comments"), json={"value": "  "}), 400)["field"] == "value"
    assert (
        t.error(tines.post("/api/v1/cases/987654321/comments", json={"value": ""}), 400)["field"] == "value"
    )


def test_subscribers(server: Server, tines: httpx.Client, team: dict[str, Any]) -> None:
    ann = accounts.new_user(server, "ann")
    case = t.create(tines, team)
    response = tines.post(path(case, "/subscribers"), json={"user_email": ann})
    assert response.status_code == 201, response.text
    assert response.json()["user"]["email"] == ann
    assert tines.post(path(case, "/subscribers"), json={"user_email": ann}).status_code == 201  # idempotent
    listed = tines.get(path(case, "/subscribers")).json()
    assert [s["email"] for s in listed["subscribers"]] == [ann]
    gone = tines.request("DELETE", path(case, "/unsubscribe"), json={"user_email": ann})
    assert gone.status_code == 204
    assert tines.get(path(case, "/subscribers")).json()["subscribers"] == []
    assert t.error(tines.post(path(case, "/subscribers"), json={"user_email": "no@where.io"}), 400)
    assert t.error(tines.post(path(case, "/subscribers"), json={}), 400)["field"] == "user_email"


def test_buttons(tines: httpx.Client, team: dict[str, Any]) -> None:
    case = t.create(tines, team)
    body = {
        "button_type": "page",
        "url": "https://tenant.example.com/pages/1",
        "label": "Isolate",
        "button_text": "Go",
    }
    response = tines.post(path(case, "/buttons"), json=body)
    assert response.status_code == 201, response.text
    button = response.json()
    assert {**body, "case_id": case["case_id"]}.items() <= button.items()
    second = tines.post(path(case, "/buttons"), json={**body, "label": "Second"}).json()
    listed = tines.get(path(case, "/buttons")).json()["team_case_buttons"]
    assert [b["label"] for b in listed] == ["Isolate", "Second"]  # adding does not overwrite
    updated = tines.put(path(case, f"/buttons/{button['id']}"), json={"label": "Renamed"}).json()
    assert (updated["label"], updated["url"]) == ("Renamed", body["url"])
    assert tines.delete(path(case, f"/buttons/{second['id']}")).status_code == 204
    assert [b["label"] for b in tines.get(path(case)).json()["team_case_buttons"]] == ["Renamed"]
    assert (
        t.error(tines.put(path(case, f"/buttons/{button['id']}"), json={"url": "ftp://x"}), 400)["field"]
        == "url"
    )
    assert t.error(tines.delete(path(case, "/buttons/987654321")), 404)
    assert t.error(tines.post(path(case, "/buttons"), json={**body, "button_type": "email"}), 400)


def test_metadata(tines: httpx.Client, team: dict[str, Any]) -> None:
    case = t.create(tines, team, metadata={"a": "1"})
    added = tines.post(path(case, "/metadata"), json={"metadata": {"a": "changed", "b": "2"}})
    assert added.status_code == 201, added.text
    assert added.json() == {"case_id": case["case_id"], "metadata": {"a": "1", "b": "2"}}  # never overwrites
    updated = tines.put(path(case, "/metadata"), json={"metadata": {"a": "changed"}}).json()
    assert updated["metadata"] == {"a": "changed", "b": "2"}
    assert tines.get(path(case, "/metadata")).json()["metadata"] == {"a": "changed", "b": "2"}
    assert tines.get(path(case, "/metadata/b")).json() == {"case_id": case["case_id"], "metadata": {"b": "2"}}
    assert t.error(tines.get(path(case, "/metadata/zzz")), 404)
    assert tines.request("DELETE", path(case, "/metadata"), json={"metadata": ["a"]}).status_code == 204
    assert tines.get(path(case)).json()["metadata"] == {"b": "2"}
    assert "METADATA_UPDATED" in t.actions(tines.get(path(case)).json())
    assert t.error(tines.put(path(case, "/metadata"), json={"metadata": "x"}), 400)["field"] == "metadata"


def test_linked_cases(tines: httpx.Client, team: dict[str, Any]) -> None:
    one, two = t.create(tines, team, "One"), t.create(tines, team, "Two")
    response = tines.post(path(one, "/linked_cases"), json={"id": two["case_id"]})
    assert response.status_code == 201, response.text
    assert response.json() == {
        "case_id": one["case_id"],
        "name": "One",
        "linked_cases": [{"case_id": two["case_id"], "name": "Two"}],
    }
    assert (
        tines.post(path(one, "/linked_cases"), json={"id": str(two["case_id"])}).status_code == 201
    )  # idempotent
    assert tines.get(path(two, "/linked_cases")).json()["linked_cases"] == [
        {"case_id": one["case_id"], "name": "One"}
    ]
    assert tines.get(path(one)).json()["linked_cases"] == [two["case_id"]]
    assert "LINKED_CASE_ADDED" in t.actions(tines.get(path(two)).json())
    assert tines.delete(path(one, f"/linked_cases/{two['case_id']}")).status_code == 204
    assert tines.get(path(one, "/linked_cases")).json()["linked_cases"] == []
    assert t.error(tines.post(path(one, "/linked_cases"), json={"id": one["case_id"]}), 400)["field"] == "id"
    assert t.error(tines.post(path(one, "/linked_cases"), json={"id": 987654321}), 400)["field"] == "id"
    assert t.error(tines.delete(path(one, f"/linked_cases/{two['case_id']}")), 400)


def test_files(tines: httpx.Client, team: dict[str, Any]) -> None:
    case, other = t.create(tines, team), t.create(tines, team)
    content = b"%PDF-1.4 not really\x00\xff"
    body = {
        "filename": "report.pdf",
        "file_contents": base64.b64encode(content).decode(),
        "value": "see attached",
    }
    response = tines.post(path(case, "/files"), json=body)
    assert response.status_code == 201, response.text
    attached = response.json()
    assert (attached["action"], attached["value"]) == ("FILE_ATTACHED_AND_COMMENTED", "see attached")
    assert attached["file"]["filename"] == "report.pdf"
    assert attached["file"]["sha256"] == hashlib.sha256(content).hexdigest()
    download = tines.get(path(case, f"/files/{attached['id']}/download"))
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    # The same bytes on another case are stored once and read back the same.
    again = tines.post(path(other, "/files"), json={**body, "value": ""}).json()
    assert again["file"]["sha256"] == attached["file"]["sha256"]
    assert again["action"] == "FILE_ATTACHED"
    assert tines.get(path(other, f"/files/{again['id']}/download")).content == content
    assert tines.get(path(case, f"/files/{attached['id']}")).json() == attached
    assert t.error(tines.get(path(other, f"/files/{attached['id']}/download")), 404)
    assert "FILE_ATTACHED_AND_COMMENTED" in t.actions(tines.get(path(case)).json())
    assert (
        t.error(tines.post(path(case, "/files"), json={**body, "file_contents": "***"}), 400)["field"]
        == "file_contents"
    )
    assert (
        t.error(tines.post(path(case, "/files"), json={**body, "file_contents": ""}), 400)["field"]
        == "file_contents"
    )
