"""Tines' v1 cases over real HTTP: create (the documented sample), get, list, update, delete,
teams and records, authentication and errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from casedesk.adapters.db.schema import core as tables
from casedesk.bootstrap import Container
from tests.api import accounts
from tests.api import tines as t
from tests.support import Server, casedesk

# Tines' documented sample request (docs "Cases › Create 1.0"), verbatim. `team_id` and
# `record_id` are the placeholders the docs leave for real ids.
SEED_SAMPLE = r"""{
  "team_id": "team_id",
  "name": "Suspicious login detected",
  "priority": "high",
  "description": "This is a high priority case created via the API",
  "assignee_emails": [
    "jane@tines.io"
  ],
  "tag_names": [
    "login",
    "security"
  ],
  "record_ids": [
    "record_id"
  ],
  "metadata": {
    "key": "value"
  },
  "team_case_buttons": [
    {
      "button_type": "page",
      "url": "https://tenant.tines.com/pages/55e94b9b4e26175051c0287f4259363f/",
      "label": "Isolate host and give reason",
      "button_text": "Open form"
    },
    {
      "button_type": "webhook",
      "url": "http://tenant.tines.com/webhook/e840b4e8cf60437196d9a4bcb85d2de0/61441bc05fddfa4c09924b23fcf72b91",
      "label": "Isolate host",
      "button_text": "Isolate"
    }
  ],
  "closure_conditions": [
    {
      "name": "has at least 1 assignee",
      "formula": "=SIZE(team_case.assignees) > 0"
    }
  ]
}"""
RESPONSE_FIELDS = {
    "case_id", "name", "description", "status", "url", "metadata", "author", "opened_by",
    "resolved_by", "assignees", "tags", "team_case_actions", "team", "team_case_buttons",
    "linked_cases", "opened_at", "resolved_at", "created_at", "updated_at", "records", "priority",
    "closure_conditions",
}  # fmt: skip
USER_FIELDS = {"id", "first_name", "last_name", "email", "is_service_account"}


@pytest.fixture(scope="module")
def jane(server: Server) -> str:
    """The sample's assignee, jane@tines.io (one server per test process, so made once)."""
    done = casedesk(server.database_url, "users", "create", "--email", "jane@tines.io", "--name", "Jane Doe")
    assert done.returncode == 0 or "already" in done.stderr.lower(), done.stderr
    return "jane@tines.io"


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def recent(text: str) -> bool:
    return abs(datetime.now(UTC) - when(text)) < timedelta(minutes=5)


def new_record(tines: httpx.Client, **values: Any) -> dict[str, Any]:
    fields = [{"name": k, "value": v} for k, v in (values or {"Story name": "Cases API"}).items()]
    response = tines.post("/api/v1/records", json={"field_values": fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


# -- create ------------------------------------------------------------------------------


def test_the_documented_sample_creates_the_documented_case(
    tines: httpx.Client, team: dict[str, Any], jane: str, server: Server
) -> None:
    record = new_record(tines)
    body = SEED_SAMPLE.replace('"team_id": "team_id"', f'"team_id": "{team["id"]}"')
    body = body.replace('"record_id"', f'"{record["id"]}"')
    response = tines.post("/api/v1/cases/", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 201, response.text
    case = response.json()
    sample = json.loads(SEED_SAMPLE)

    assert set(case) >= RESPONSE_FIELDS
    assert isinstance(case["case_id"], int)
    assert case["name"] == sample["name"]
    assert case["description"] == sample["description"]
    assert case["status"] == "OPEN"
    assert case["priority"] == "HIGH"
    assert case["url"].endswith(f"/team/{team['id']}/cases/{case['case_id']}")
    assert case["metadata"] == {"key": "value"}
    assert case["team"] == {"id": team["id"], "name": team["name"]}
    # No author_email: the key's user is the author and who opened it.
    for who in (case["author"], case["opened_by"]):
        assert set(who) == USER_FIELDS
        assert who["email"] == "admin@example.com"
        assert (who["first_name"], who["last_name"]) == ("Ada", "Admin")
        assert isinstance(who["id"], int)
        assert who["is_service_account"] is False
    assert case["resolved_by"] is None
    assert [(a["email"], a["first_name"], a["last_name"]) for a in case["assignees"]] == [
        ("jane@tines.io", "Jane", "Doe")
    ]
    assert [tag["name"] for tag in case["tags"]] == ["login", "security"]
    assert all(isinstance(tag["id"], int) for tag in case["tags"])
    buttons = [
        {k: b[k] for k in ("button_type", "url", "label", "button_text")} for b in case["team_case_buttons"]
    ]
    assert buttons == sample["team_case_buttons"]
    assert all(isinstance(b["id"], int) for b in case["team_case_buttons"])
    assert case["closure_conditions"] == sample["closure_conditions"]
    assert case["linked_cases"] == []
    assert case["records"] == [
        {
            "id": record["id"],
            "results": [{"id": record["results"][0]["id"], "name": "Story name", "value": "Cases API"}],
        }
    ]
    assert case["resolved_at"] is None
    for moment in ("opened_at", "created_at", "updated_at"):
        assert case[moment].endswith("Z")
        assert recent(case[moment])
    first = case["team_case_actions"][0]
    assert (first["action"], first["value"]) == ("CREATED", str(case["case_id"]))
    assert isinstance(first["id"], int)
    assert first["user"]["email"] == "admin@example.com"
    assert t.actions(case) == ["CREATED", "ASSIGNED", "TAGS_ADDED", "RECORD_RESULT_SET_ADDED"]
    assert tines.get(f"/api/v1/cases/{case['case_id']}").json() == case


def test_defaults_come_from_the_key(tines: httpx.Client, team: dict[str, Any]) -> None:
    case = t.create(tines, team, "No extras")
    assert [a["email"] for a in case["assignees"]] == ["admin@example.com"]
    assert case["author"]["email"] == "admin@example.com"
    assert case["priority"] == "LOW"
    assert case["status"] == "OPEN"
    assert case["metadata"] == {}
    assert case["tags"] == []
    assert case["records"] == []
    assert case["team_case_buttons"] == []
    assert case["closure_conditions"] == []


@pytest.mark.parametrize(
    ("given", "shown"),
    [("critical", "CRITICAL"), ("HIGH", "HIGH"), ("Medium", "MEDIUM"), ("low", "LOW"), ("iNfO", "INFO")],
)
def test_priority_in_any_case_out_upper(
    tines: httpx.Client, team: dict[str, Any], given: str, shown: str
) -> None:
    assert t.create(tines, team, priority=given)["priority"] == shown


def test_author_assignees_times_and_closed_status(
    server: Server, acting_tines: httpx.Client, team: dict[str, Any]
) -> None:
    author, first, second = (accounts.new_user(server, n) for n in ("author", "first", "second"))
    case = t.create(
        acting_tines,
        team,
        author_email=author,
        assignee_emails=[first, second],
        status="closed",
        opened_at="2024-01-02T03:04:05Z",
        resolved_at="2024-01-03T00:00:00+00:00",
    )
    assert case["author"]["email"] == author
    assert case["opened_by"]["email"] == author
    assert [a["email"] for a in case["assignees"]] == [first, second]
    assert case["status"] == "CLOSED"
    assert case["resolved_by"]["email"] == author
    assert case["opened_at"] == "2024-01-02T03:04:05Z"
    assert case["resolved_at"] == "2024-01-03T00:00:00Z"
    assert t.actions(case) == ["CREATED", "ASSIGNED", "ASSIGNED", "STATUS_UPDATED"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"priority": "urgent"}, "priority"),
        ({"status": "pending"}, "status"),
        ({"assignee_emails": ["not-an-email"]}, "assignee_emails"),
        ({"author_email": "nobody"}, "author_email"),
        ({"tag_names": [""]}, "tag_names"),
        ({"metadata": {"": "x"}}, "metadata"),
        ({"team_case_buttons": [{"button_type": "story", "url": "https://x.io", "label": "L"}]},
         "team_case_buttons.0.button_type"),
        ({"team_case_buttons": [{"button_type": "page", "url": "javascript:alert(1)", "label": "L"}]},
         "team_case_buttons.0.url"),
        ({"closure_conditions": [{"name": "broken", "formula": "=SIZE(team_case.assignees"}]},
         "closure_conditions"),
        ({"closure_conditions": [{"name": "unknown", "formula": "=EVAL(1)"}]}, "closure_conditions"),
        ({"record_ids": [0]}, "record_ids"),
        ({"opened_at": "yesterday"}, "opened_at"),
        ({"colour": "red"}, "colour"),
    ],
)  # fmt: skip
def test_malformed_create_is_a_400_naming_the_field_before_any_lookup(
    tines: httpx.Client, change: dict[str, Any], field: str
) -> None:
    # The team does not exist either: the malformed value is still what is reported.
    body = {"team_id": 999_999_999, "name": "Bad", **change}
    found = t.error(tines.post("/api/v1/cases", json=body), 400)
    assert found["field"] == field
    assert found["type"] == "bad_request"


def test_a_formula_that_does_not_parse_is_named(tines: httpx.Client, team: dict[str, Any]) -> None:
    conditions = [{"name": "needs a tag", "formula": "=SIZE(team_case.tags) >"}]
    found = t.error(tines.post("/api/v1/cases", json={"team_id": team["id"], "name": "x",
                                                      "closure_conditions": conditions}), 400)  # fmt: skip
    assert "needs a tag" in found["message"]


def test_unknown_references_are_400s_naming_them(tines: httpx.Client, team: dict[str, Any]) -> None:
    found = t.error(
        tines.post("/api/v1/cases", json={"team_id": team["id"], "name": "x", "record_ids": [987654]}), 400
    )
    assert (found["field"], "987654" in found["message"]) == ("record_ids", True)
    found = t.error(tines.post("/api/v1/cases", json={"team_id": 987654, "name": "x"}), 400)
    assert found["field"] == "team_id"
    found = t.error(
        tines.post(
            "/api/v1/cases", json={"team_id": team["id"], "name": "x", "assignee_emails": ["no@where.io"]}
        ),
        400,
    )
    assert found["field"] == "assignee_emails"
    assert (
        t.error(tines.post("/api/v1/cases", json={"team_id": "team_id", "name": "x"}), 400)["field"]
        == "team_id"
    )


def test_mentions_are_resolved_for_notifying_later(
    container: Container, tines: httpx.Client, team: dict[str, Any], jane: str
) -> None:
    jane_user = next(a for a in t.create(tines, team, assignee_emails=[jane])["assignees"])
    case = t.create(tines, team, description=f"Over to <@user-{jane_user['id']}> and <@user-987654>")
    comment = tines.post(
        f"/api/v1/cases/{case['case_id']}/comments", json={"value": f"ping <@user-{jane_user['id']}>"}
    )
    assert comment.status_code == 201, comment.text
    with container.engine.connect() as conn:
        jane_id = conn.execute(select(tables.users.c.id).where(tables.users.c.email == jane)).scalar_one()
        payloads = (
            conn.execute(
                select(tables.outbox.c.payload)
                .join(tables.cases, tables.cases.c.id == tables.outbox.c.subject_id)
                .where(
                    tables.outbox.c.kind == "case.users_mentioned", tables.cases.c.number == case["case_id"]
                )
                .order_by(tables.outbox.c.seq)
            )
            .scalars()
            .all()
        )
    assert payloads == [
        {"user_ids": [str(jane_id)], "in": "description", "excerpt": case["description"]},
        {"user_ids": [str(jane_id)], "in": "comment", "excerpt": f"ping <@user-{jane_user['id']}>"},
    ]


# -- authentication ----------------------------------------------------------------------


def test_x_user_token_and_email(server: Server, team: dict[str, Any]) -> None:
    token = server.admin.app_key
    with httpx.Client(base_url=server.url, timeout=30) as raw:
        ok = raw.get("/api/v1/teams", headers={"X-User-Token": token, "X-User-Email": "ADMIN@example.com"})
        assert ok.status_code == 200, ok.text
        assert raw.get("/api/v1/teams", headers={"x-user-token": token}).status_code == 200
        wrong = raw.get("/api/v1/teams", headers={"X-User-Token": token, "X-User-Email": "else@example.com"})
        assert t.error(wrong, 401)["type"] == "unauthorized"
        assert t.error(raw.get("/api/v1/cases"), 401)["type"] == "unauthorized"
        assert t.error(raw.get("/api/v1/cases", headers={"Authorization": "Bearer nope"}), 401)


def test_scopes_apply(server: Server, team: dict[str, Any]) -> None:
    reader = accounts.new_keys(server, "cases_read")
    with t.client(server, reader) as tines:
        assert tines.get("/api/v1/cases").status_code == 200
        assert t.error(tines.post("/api/v1/cases", json={"team_id": team["id"], "name": "x"}), 403)


# -- get, update, delete -----------------------------------------------------------------


def test_get_errors(tines: httpx.Client) -> None:
    assert t.error(tines.get("/api/v1/cases/987654321"), 404)["type"] == "not_found"
    assert t.error(tines.get("/api/v1/cases/SEC-1"), 400)["field"] == "case_id"
    assert t.error(tines.get("/api/v1/nothing/here"), 404)


def test_update_every_part(server: Server, tines: httpx.Client, team: dict[str, Any]) -> None:
    other = accounts.new_user(server, "other")
    record = new_record(tines, verdict="benign")
    case = t.create(tines, team, tag_names=["a", "b"], metadata={"k": "v"})
    number = case["case_id"]
    body = {
        "name": "Renamed",
        "description": "Now with <@user-1>",
        "priority": "critical",
        "add_assignee_emails": [other],
        "remove_assignee_emails": ["admin@example.com"],
        "add_tag_names": ["c"],
        "remove_tag_names": ["a"],
        "add_record_ids": [record["id"]],
        "metadata": {"k2": "v2"},
        "team_case_buttons": [
            {"button_type": "webhook", "url": "https://hooks.example.com/x", "label": "Go"}
        ],
        "closure_conditions": [{"name": "has c", "formula": '=INCLUDES(team_case.tags, "c")'}],
        "opened_at": "2024-05-01T00:00:00Z",
    }
    response = tines.put(f"/api/v1/cases/{number}", json=body)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["name"], updated["description"], updated["priority"]) == (
        "Renamed",
        body["description"],
        "CRITICAL",
    )
    assert [a["email"] for a in updated["assignees"]] == [other]
    assert [tag["name"] for tag in updated["tags"]] == ["b", "c"]
    assert [r["id"] for r in updated["records"]] == [record["id"]]
    assert updated["metadata"] == {"k": "v", "k2": "v2"}
    assert [b["label"] for b in updated["team_case_buttons"]] == ["Go"]
    assert updated["closure_conditions"] == body["closure_conditions"]
    assert updated["opened_at"] == "2024-05-01T00:00:00Z"
    assert {"SEVERITY_UPDATED", "ASSIGNED", "UNASSIGNED", "TAGS_ADDED", "TAGS_REMOVED",
            "RECORD_RESULT_SET_ADDED", "METADATA_UPDATED"} <= set(t.actions(updated))  # fmt: skip

    closed = tines.put(f"/api/v1/cases/{number}", json={"status": "closed"}).json()
    assert (closed["status"], closed["resolved_by"]["email"]) == ("CLOSED", "admin@example.com")
    assert closed["resolved_at"] is not None
    assert t.actions(closed)[-1] == "STATUS_UPDATED"
    reopened = tines.put(f"/api/v1/cases/{number}", json={"status": "open"}).json()
    assert (reopened["status"], reopened["resolved_by"], reopened["resolved_at"]) == ("OPEN", None, None)


def test_update_validates_before_looking_up(tines: httpx.Client) -> None:
    assert t.error(tines.put("/api/v1/cases/987654321", json={"priority": "meh"}), 400)["field"] == "priority"
    assert t.error(tines.put("/api/v1/cases/987654321", json={"name": "fine"}), 404)


def test_delete(tines: httpx.Client, team: dict[str, Any]) -> None:
    case = t.create(tines, team, tag_names=["gone"], team_case_buttons=[
        {"button_type": "page", "url": "https://example.com", "label": "L"}])  # fmt: skip
    assert tines.delete(f"/api/v1/cases/{case['case_id']}").status_code == 204
    assert t.error(tines.get(f"/api/v1/cases/{case['case_id']}"), 404)
    assert t.error(tines.delete(f"/api/v1/cases/{case['case_id']}"), 404)


# -- list --------------------------------------------------------------------------------


def numbers(response: httpx.Response) -> list[int]:
    assert response.status_code == 200, response.text
    return [c["case_id"] for c in response.json()["cases"]]


def test_list_filters_order_and_paging(server: Server, tines: httpx.Client, team: dict[str, Any]) -> None:
    ann = accounts.new_user(server, "ann")
    a = t.create(
        tines, team, "Alpha disk", priority="high", tag_names=["db", "prod"], metadata={"env": "prod"}
    )
    b = t.create(tines, team, "Beta login", priority="low", tag_names=["prod"], assignee_emails=[ann])
    c = t.create(tines, team, "Gamma", priority="critical", status="closed")
    everything = [c["case_id"], b["case_id"], a["case_id"]]
    scope = {"team_id": team["id"]}

    assert numbers(tines.get("/api/v1/cases", params=scope)) == everything
    assert numbers(tines.get("/api/v1/cases", params={**scope, "order": "CREATED_ASC"})) == everything[::-1]
    by_priority = numbers(tines.get("/api/v1/cases", params={**scope, "order": "PRIORITY_DESC"}))
    assert by_priority == [c["case_id"], a["case_id"], b["case_id"]]
    table: list[tuple[dict[str, Any], list[dict[str, Any]]]] = [
        ({"filters[status]": "OPEN"}, [b, a]),
        ({"filters[status]": "CLOSED"}, [c]),
        ({"filters[priority]": "HIGH"}, [a]),
        ({"filters[tags][]": ["db", "prod"]}, [a]),
        ({"filters[or_tags][]": ["db", "prod"]}, [b, a]),
        ({"filters[exclude_tags][]": "db"}, [c, b]),
        ({"filters[assignee_emails][]": ann}, [b]),
        ({"filters[search]": "login"}, [b]),
        ({"filters[search]": str(a["case_id"])}, [a]),
        ({"filters[metadata][env]": "prod"}, [a]),
        ({"filters[case_ids][]": [a["case_id"], c["case_id"]]}, [c, a]),
        ({"filters[start_date]": "2000-01-01T00:00:00Z", "filters[end_date]": "2001-01-01T00:00:00Z"}, []),
    ]
    for params, expected in table:
        assert numbers(tines.get("/api/v1/cases", params={**scope, **params})) == [
            x["case_id"] for x in expected
        ]

    page = tines.get("/api/v1/cases", params={**scope, "per_page": 2, "page": 1}).json()
    assert [x["case_id"] for x in page["cases"]] == everything[:2]
    meta = page["meta"]
    assert (meta["per_page"], meta["pages"], meta["count"], meta["next_page_number"]) == (2, 2, 3, 2)
    assert meta["previous_page"] is None
    assert "page=2" in meta["next_page"]
    assert "page=1" in meta["current_page"]
    last = tines.get("/api/v1/cases", params={**scope, "per_page": 2, "page": 2}).json()
    assert [x["case_id"] for x in last["cases"]] == everything[2:]
    assert last["meta"]["next_page"] is None
    assert last["meta"]["next_page_number"] is None


def test_list_takes_a_json_body_on_get(tines: httpx.Client, team: dict[str, Any]) -> None:
    a = t.create(tines, team, tag_names=["json"])
    t.create(tines, team)
    body = {"team_id": team["id"], "filters": {"tags": ["json"]}, "per_page": 10}
    response = tines.request("GET", "/api/v1/cases", json=body)
    assert numbers(response) == [a["case_id"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"filters[colour]": "red"}, "filters[colour]"),
        ({"per_page": "501"}, "per_page"),
        ({"per_page": "0000000000010000"}, "per_page"),
        ({"page": "0"}, "page"),
        ({"order": "SIDEWAYS"}, "order"),
        ({"filters[priority]": "urgent"}, "filters[priority]"),
        ({"filters[start_date]": "soon"}, "filters[start_date]"),
        ({"team_id": "abc"}, "team_id"),
        ({"sort": "x"}, "sort"),
    ],
)
def test_list_refuses_bad_parameters(tines: httpx.Client, params: dict[str, str], field: str) -> None:
    assert t.error(tines.get("/api/v1/cases", params=params), 400)["field"] == field


# -- teams and records -------------------------------------------------------------------


def test_teams(tines: httpx.Client, team: dict[str, Any]) -> None:
    listed = tines.get("/api/v1/teams").json()
    assert team in listed["teams"]
    assert listed["meta"]["count"] == len(listed["teams"])
    assert tines.get(f"/api/v1/teams/{team['id']}").json() == team
    assert t.error(tines.get("/api/v1/teams/987654321"), 404)
    assert t.error(tines.get("/api/v1/teams/x"), 400)["field"] == "team_id"
    assert t.error(tines.get("/api/v1/teams/" + "9" * 5000), 400)["field"] == "team_id"
    assert t.error(tines.get("/api/v1/cases/" + "9" * 5000), 400)["field"] == "case_id"


def test_records(tines: httpx.Client) -> None:
    record = new_record(tines, host="db-1", count=3, seen=True)
    assert [(r["name"], r["value"]) for r in record["results"]] == [
        ("host", "db-1"),
        ("count", 3),
        ("seen", True),
    ]
    assert tines.get(f"/api/v1/records/{record['id']}").json() == record
    assert t.error(tines.get("/api/v1/records/987654321"), 404)
    assert t.error(tines.post("/api/v1/records", json={"field_values": []}), 400)["field"] == "field_values"
    assert t.error(tines.post("/api/v1/records", json={}), 400)["field"] == "field_values"


# -- hostile input -----------------------------------------------------------------------


def test_hostile_bodies_are_400s_not_500s(tines: httpx.Client, team: dict[str, Any]) -> None:
    base = {"team_id": team["id"], "name": "x"}
    nul = t.error(tines.post("/api/v1/cases", json={**base, "name": "a\x00b"}), 400)
    assert nul["field"] == "name"
    deep = '{"team_id": 1, "name": "x", "metadata": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}"
    t.error(tines.post("/api/v1/cases", content=deep, headers={"content-type": "application/json"}), 400)
    t.error(
        tines.post("/api/v1/cases", content="{not json", headers={"content-type": "application/json"}), 400
    )
    huge = {"name": "c", "formula": "=" + "(" * 1500 + "1" + ")" * 1500}
    assert t.error(tines.post("/api/v1/cases", json={**base, "closure_conditions": [huge]}), 400)[
        "field"
    ] == ("closure_conditions")
    many = {**base, "tag_names": [f"t{i}" for i in range(150)]}
    assert t.error(tines.post("/api/v1/cases", json=many), 400)["field"] == "tag_names"
    assert t.error(tines.get("/api/v1/cases/99999999999999999999999"), 400)["field"] == "case_id"
    body = '{"filters": ' + '{"a": ' * 50 + "1" + "}" * 50 + "}"
    listed = tines.request("GET", "/api/v1/cases", content=body, headers={"content-type": "application/json"})
    t.error(listed, 400)
    assert t.error(tines.post("/api/v1/cases", json={**base, "metadata": {"k": "v" * 20_000}}), 400)[
        "field"
    ] == ("metadata")
