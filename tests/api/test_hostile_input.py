"""No input produces a 500, and a refused write changes nothing."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

CASE_WRITES = [
    ("POST", "/api/v2/cases"),
    ("POST", "/api/v2/cases/{case}/status"),
    ("POST", "/api/v2/cases/{case}/priority"),
    ("POST", "/api/v2/cases/{case}/title"),
    ("POST", "/api/v2/cases/{case}/description"),
    ("POST", "/api/v2/cases/{case}/assign"),
    ("POST", "/api/v2/cases/{case}/unassign"),
    ("POST", "/api/v2/cases/{case}/archive"),
    ("POST", "/api/v2/cases/{case}/unarchive"),
    ("POST", "/api/v2/cases/{case}/attributes"),
    ("POST", "/api/v2/cases/{case}/due_date"),
    ("POST", "/api/v2/cases/{case}/resolved_reason"),
    ("POST", "/api/v2/cases/{case}/comment"),
    ("POST", "/api/v2/cases/projects"),
    ("PATCH", "/api/v2/cases/projects/{project}"),
    ("POST", "/api/v2/users"),
]

HOSTILE_BODIES: list[bytes] = [
    b"",
    b"null",
    b"[]",
    b'"text"',
    b"{}",
    b'{"data": null}',
    b'{"data": []}',
    b'{"data": {"type": "case"}}',
    b'{"data": {"type": "case", "attributes": null}}',
    b'{"data": {"type": "case", "attributes": {"title": 5, "comment": [], "priority": {}}}}',
    b'{"data": {"type": "case", "attributes": {"title": "a\\u0000b", "comment": "\\u0000"}}}',
    b'{"data": {"type": "case", "attributes": {"title": "\\ud800", "description": "\\udfff"}}}',
    b'{"data": {"type": "case", "attributes": {"attributes": {"env\\u0000": ["x"]}}}}',
    b'{"data": {"type": "case", "attributes": {"attributes": {"env": "prod"}}}}',
    b'{"data": {"type": "case", "attributes": {"due_date": "2026-02-30", "assignee_id": "nope"}}}',
    b'{"data": {"type": "case", "attributes": {"security_resolved_reason": ""}}}',
    b"[" * 5000 + b"]" * 5000,
    b'{"data": ' * 3000 + b"1" + b"}" * 3000,
    b"\xff\xfe\x00garbage",
    json.dumps({"data": {"type": "case", "attributes": {"title": "x" * 200_000}}}).encode(),
]


EMPTY_BODY_WRITES = {"/unassign", "/archive", "/unarchive"}


def hostile_for(path: str) -> list[bytes]:
    """Operations whose body is only `{"data": {"type": "case"}}` accept any such body."""
    if not any(path.endswith(suffix) for suffix in EMPTY_BODY_WRITES):
        return HOSTILE_BODIES
    return [body for body in HOSTILE_BODIES if b'"type": "case"' not in body]


@pytest.fixture(scope="module")
def target(http: httpx.Client) -> dict[str, str]:
    project = http.post(
        "/api/v2/cases/projects",
        json={"data": {"type": "project", "attributes": {"name": "Hostile", "key": "HOSTILE"}}},
    ).json()["data"]
    case = http.post(
        "/api/v2/cases",
        json={
            "data": {
                "type": "case",
                "attributes": {"title": "Target", "type_id": "00000000-0000-0000-0000-000000000001"},
                "relationships": {"project": {"data": {"id": project["id"], "type": "project"}}},
            }
        },
    ).json()["data"]
    return {"case": case["id"], "project": project["id"]}


def snapshot(http: httpx.Client, target: dict[str, str]) -> tuple[Any, ...]:
    case = http.get(f"/api/v2/cases/{target['case']}").json()["data"]
    timeline = http.get(f"/api/v2/cases/{target['case']}/timelines").json()["data"]
    project = http.get(f"/api/v2/cases/projects/{target['project']}").json()["data"]
    total = http.get("/api/v2/cases").json()["meta"]["total_cases"]
    return case, len(timeline), project, total


@pytest.mark.parametrize(("method", "path"), CASE_WRITES)
def test_hostile_bodies_are_refused_with_400_and_change_nothing(
    http: httpx.Client, target: dict[str, str], method: str, path: str
) -> None:
    url = path.format(**target)
    before = snapshot(http, target)
    for body in hostile_for(path):
        response = http.request(method, url, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, (body[:80], response.status_code, response.text[:300])
        errors = response.json()["errors"]
        assert errors
        assert all(isinstance(e, str) and e for e in errors)
    assert snapshot(http, target) == before


@pytest.mark.parametrize(
    "query",
    [
        "filter=%00",
        "page[size]=0",
        "page[size]=101",
        "page[size]=abc",
        "page[number]=-1",
        "page[number]=99999999999999999999999",
        "sort[field]=title",
        "sort[asc]=maybe",
        "filter=" + "x" * 5000,
    ],
)
def test_hostile_search_parameters_are_400(http: httpx.Client, query: str) -> None:
    response = http.get(f"/api/v2/cases?{query}")
    assert response.status_code == 400, response.text
    [message] = response.json()["errors"]
    assert message.startswith('parameter "')


@pytest.mark.parametrize(
    "case_ref", ["%00", "not-a-key", "ABC-0", "ABC-01x", "00000000-0000-0000-0000-00000000000Z", "-1"]
)
def test_malformed_case_references_are_400_not_404(http: httpx.Client, case_ref: str) -> None:
    response = http.get(f"/api/v2/cases/{case_ref}")
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0].startswith('parameter "case_id"')


def test_sql_wildcards_in_search_are_plain_text(http: httpx.Client, target: dict[str, str]) -> None:
    token = uuid.uuid4().hex
    created = http.post(
        "/api/v2/cases",
        json={
            "data": {
                "type": "case",
                "attributes": {"title": f"{token}abc", "type_id": "00000000-0000-0000-0000-000000000001"},
                "relationships": {"project": {"data": {"id": target["project"], "type": "project"}}},
            }
        },
    )
    assert created.status_code == 201
    found = {q: http.get("/api/v2/cases", params={"filter": q}).json()["meta"]["total_cases"] for q in
             (token, f"{token}%", f"{token}_bc", f"{token}a_c", f"{token}abc")}  # fmt: skip
    assert found == {token: 1, f"{token}%": 0, f"{token}_bc": 0, f"{token}a_c": 0, f"{token}abc": 1}
