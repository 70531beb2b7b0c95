"""`/openapi.json` names operations as the routes do (Datadog's operationIds for the Datadog
dialect), declares what each answers, and describes the answers casedesk really gives."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from starlette.routing import BaseRoute, Mount

from casedesk.bootstrap import Container
from casedesk.entrypoints.api_datadog.errors import answers_objects
from casedesk.entrypoints.api_datadog.openapi import Contract
from casedesk.entrypoints.http.app import create_app
from tests.api import accounts
from tests.api import tines as t
from tests.support import Server

# Operations that answer without a body: every 204, and WatchCase's 201 (as the contract says).
BODILESS_SUCCESS = {"WatchCase": "201"}


@pytest.fixture(scope="module")
def document(http: httpx.Client) -> dict[str, Any]:
    response = http.get("/openapi.json")
    assert response.status_code == 200, response.text
    return dict(response.json())


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, op in item.items():
            yield path, method, op


def test_the_document_is_valid_openapi_31(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on an invalid document or a reference that does not resolve


def api_routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every API route with its full path, the mounted dialects' included."""
    for route in routes:
        if isinstance(route, Mount) and isinstance(route.app, FastAPI):
            yield from api_routes(route.app.routes, prefix + route.path)
            continue
        for context in iter_route_contexts([route]):
            if isinstance(context.original_route, APIRoute):
                yield prefix + str(context.path), context.original_route


def test_every_operation_id_is_its_route_name(document: dict[str, Any], container: Container) -> None:
    routes = {
        (path, method.lower()): route.name
        for path, route in api_routes(create_app(container).routes)
        if route.include_in_schema
        for method in route.methods or ()
    }
    ids = {(path, method): op["operationId"] for path, method, op in operations(document)}
    assert ids == routes
    assert ids[("/api/v2/cases", "post")] == "CreateCase"
    assert ids[("/api/v2/incidents/config/user-defined-fields/{field_id}", "patch")] == (
        "UpdateIncidentUserDefinedField"
    )
    assert len(set(ids.values())) == len(ids)


def test_every_operation_declares_its_success_body(document: dict[str, Any]) -> None:
    for _, _, op in operations(document):
        name = op["operationId"]
        success = {status: r for status, r in op["responses"].items() if status.startswith("2")}
        assert len(success) == 1, (name, list(op["responses"]))
        [(status, response)] = success.items()
        if status == "204" or BODILESS_SUCCESS.get(name) == status:
            assert "content" not in response, name
            continue
        [(media_type, content)] = response["content"].items()
        assert media_type in ("application/json", "application/octet-stream"), name
        schema = content["schema"]
        # A list (Slack's channels) is a top-level array of declared items.
        declared = schema.get("properties") or (schema.get("type") == "array" and schema.get("items"))
        assert "$ref" in schema or declared or schema.get("format") == "binary", (
            name,
            schema,
        )


def test_datadog_operations_answer_as_the_contract_declares(document: dict[str, Any]) -> None:
    def answer(path: str, method: str, status: str) -> Any:
        return document["paths"][path][method]["responses"][status]

    assert answer("/api/v2/cases/{case_id}", "get", "200")["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CaseResponse"
    }
    assert answer("/api/v2/cases/{case_id}", "get", "404") == {
        "$ref": "#/components/responses/NotFoundResponse"
    }
    # MoveCaseToProject is one of the operations whose errors are JSON:API error objects.
    moved = answer("/api/v2/cases/{case_id}/relationships/project", "patch", "400")
    assert moved["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/JSONAPIErrorResponse"
    }
    # Statuses the contract declares without a body, which casedesk answers with one.
    bulk = answer("/api/v2/cases/bulk", "post", "200")["content"]["application/json"]["schema"]
    assert bulk["properties"]["data"]["properties"]["type"] == {"const": "bulk"}
    # FastAPI's 422 shape is never sent: request errors are 400s in the dialect's error body.
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert all(
        "422" not in op["responses"] for path, _, op in operations(document) if path.startswith("/api/v2")
    )


def test_datadog_errors_take_the_schema_each_status_declares() -> None:
    contract = Contract.load()
    wrong = []
    for operation_id, op in contract.operations.items():
        for status, response in op["responses"].items():
            if "$ref" in response:
                response = contract.components["responses"][response["$ref"].rsplit("/", 1)[1]]
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if str(status).startswith("4") and "$ref" in schema:
                objects = schema["$ref"].endswith("/JSONAPIErrorResponse")
                if answers_objects(operation_id, int(status)) is not objects:
                    wrong.append((operation_id, status))
    assert wrong == []


def test_datadog_answers_match_their_declared_schemas(
    document: dict[str, Any], http: httpx.Client, project: dict[str, Any]
) -> None:
    body = {
        "data": {
            "type": "case",
            "attributes": {"title": "Disk full", "type_id": "00000000-0000-0000-0000-000000000001"},
            "relationships": {"project": {"data": {"id": project["id"], "type": "project"}}},
        }
    }
    created = http.post("/api/v2/cases", json=body)
    case_id = created.json()["data"]["id"]
    comment = {"data": {"type": "case", "attributes": {"comment": "first"}}}
    commented = http.post(f"/api/v2/cases/{case_id}/comment", json=comment)
    cell_id = commented.json()["data"][0]["id"]
    answers = [
        ("/api/v2/cases", "post", created),
        ("/api/v2/cases/{case_id}", "get", http.get(f"/api/v2/cases/{case_id}")),
        ("/api/v2/cases", "get", http.get("/api/v2/cases", params={"filter": f"project_id:{project['id']}"})),
        ("/api/v2/cases/{case_id}/comment", "post", commented),
        (
            "/api/v2/cases/{case_id}/comment/{cell_id}",
            "put",
            http.put(f"/api/v2/cases/{case_id}/comment/{cell_id}", json=comment),
        ),
        ("/api/v2/cases/{case_id}/timelines", "get", http.get(f"/api/v2/cases/{case_id}/timelines")),
        (
            "/api/v2/cases/bulk",
            "post",
            http.post(
                "/api/v2/cases/bulk",
                json={"data": {"type": "bulk", "attributes": {"type": "archive", "case_ids": [case_id]}}},
            ),
        ),
    ]
    for path, method, response in answers:
        assert_matches(document, path, method, response)
    unknown = http.get(f"/api/v2/cases/{'0' * 8}-0000-4000-8000-{'0' * 12}")
    assert_matches(document, "/api/v2/cases/{case_id}", "get", unknown, status=404)
    malformed = http.post("/api/v2/cases", json={"data": {"type": "case", "attributes": {}}})
    assert_matches(document, "/api/v2/cases", "post", malformed, status=400)


def test_answers_of_operations_outside_the_contract_match_their_declared_schemas(
    document: dict[str, Any], http: httpx.Client, server: Server
) -> None:
    admin = server.admin.user_id
    roles = http.get("/api/v2/roles")
    admin_role = roles.json()["data"][0]["id"]
    member = {"data": {"id": admin, "type": "users"}}
    answers = [
        ("/api/v2/users", "get", http.get("/api/v2/users")),
        (
            "/api/v2/users/{user_id}",
            "patch",
            http.patch(
                f"/api/v2/users/{admin}", json={"data": {"id": admin, "type": "users", "attributes": {}}}
            ),
        ),
        ("/api/v2/roles", "get", roles),
        (
            "/api/v2/roles/{role_id}/users",
            "post",
            http.post(f"/api/v2/roles/{admin_role}/users", json=member),
        ),
        ("/api/v2/current_user/application_keys", "get", http.get("/api/v2/current_user/application_keys")),
        (
            "/api/v2/current_user/application_keys/{app_key_id}",
            "get",
            http.get(f"/api/v2/current_user/application_keys/{server.admin.id}"),
        ),
        ("/api/v2/application_keys", "get", http.get("/api/v2/application_keys")),
        ("/api/v2/audit/events", "get", http.get("/api/v2/audit/events", params={"page[limit]": 1})),
    ]
    for path, method, response in answers:
        assert_matches(document, path, method, response)
    unknown = http.get(f"/api/v2/application_keys/{'0' * 8}-0000-4000-8000-{'0' * 12}")
    assert_matches(document, "/api/v2/application_keys/{app_key_id}", "get", unknown, status=404)


def test_tines_answers_match_their_declared_schemas(
    document: dict[str, Any], server: Server, http: httpx.Client, tines: httpx.Client, team: dict[str, Any]
) -> None:
    ann = accounts.new_user(server, "ann")
    record = tines.post("/api/v1/records", json={"field_values": [{"name": "host", "value": "db-1"}]})
    case = t.create(
        tines,
        team,
        assignee_emails=[ann],
        tag_names=["disk"],
        metadata={"env": "prod"},
        record_ids=[record.json()["id"]],
        team_case_buttons=[{"button_type": "page", "url": "https://example.com", "label": "Run"}],
        closure_conditions=[{"name": "Has tag", "formula": "SIZE(team_case.tags) > 0"}],
    )
    other = t.create(tines, team, name="Other")
    base = f"/api/v1/cases/{case['case_id']}"
    comment = tines.post(f"{base}/comments", json={"value": "Looking"})
    file = tines.post(
        f"{base}/files", json={"filename": "a.txt", "file_contents": base64.b64encode(b"hi").decode()}
    )
    answers = [
        ("/api/v1/records", "post", record),
        ("/api/v1/records/{record_id}", "get", tines.get(f"/api/v1/records/{record.json()['id']}")),
        ("/api/v1/teams", "get", tines.get("/api/v1/teams")),
        ("/api/v1/teams/{team_id}", "get", tines.get(f"/api/v1/teams/{team['id']}")),
        ("/api/v1/cases", "get", tines.get("/api/v1/cases", params={"team_id": team["id"]})),
        ("/api/v1/cases/{case_id}", "get", tines.get(base)),
        ("/api/v1/cases/{case_id}", "put", tines.put(base, json={"add_tag_names": ["db"]})),
        ("/api/v1/cases/{case_id}/assignees", "get", tines.get(f"{base}/assignees")),
        ("/api/v1/cases/{case_id}/comments", "post", comment),
        (
            "/api/v1/cases/{case_id}/comments/{comment_id}/add_reaction",
            "post",
            tines.post(f"{base}/comments/{comment.json()['id']}/add_reaction", json={"value": "heart"}),
        ),
        (
            "/api/v1/cases/{case_id}/subscribers",
            "post",
            tines.post(f"{base}/subscribers", json={"user_email": ann}),
        ),
        ("/api/v1/cases/{case_id}/subscribers", "get", tines.get(f"{base}/subscribers")),
        ("/api/v1/cases/{case_id}/buttons", "get", tines.get(f"{base}/buttons")),
        (
            "/api/v1/cases/{case_id}/buttons",
            "post",
            tines.post(
                f"{base}/buttons", json={"button_type": "page", "url": "https://a.example", "label": "B"}
            ),
        ),
        ("/api/v1/cases/{case_id}/metadata", "get", tines.get(f"{base}/metadata")),
        ("/api/v1/cases/{case_id}/metadata/{key}", "get", tines.get(f"{base}/metadata/env")),
        (
            "/api/v1/cases/{case_id}/linked_cases",
            "post",
            tines.post(f"{base}/linked_cases", json={"id": other["case_id"]}),
        ),
        ("/api/v1/cases/{case_id}/linked_cases", "get", tines.get(f"{base}/linked_cases")),
        ("/api/v1/cases/{case_id}/files", "post", file),
        ("/api/v1/cases/{case_id}/files/{file_id}", "get", tines.get(f"{base}/files/{file.json()['id']}")),
    ]
    for path, method, response in answers:
        assert_matches(document, path, method, response)
    unknown = tines.get("/api/v1/cases/987654321")
    assert_matches(document, "/api/v1/cases/{case_id}", "get", unknown, status=404)
    refused = tines.put(base, json={"status": "CLOSED", "remove_tag_names": ["disk", "db"]})
    assert_matches(document, "/api/v1/cases/{case_id}", "put", refused, status=422)


def assert_matches(
    document: dict[str, Any], path: str, method: str, response: httpx.Response, status: int | None = None
) -> None:
    """The answer has `status` (a success when None), the operation declares that status, and
    the body fits the schema declared for it."""
    if status is None:
        assert response.is_success, (path, method, response.status_code, response.text)
    else:
        assert response.status_code == status, (path, method, response.status_code, response.text)
    declared = document["paths"][path][method]["responses"]
    code = str(response.status_code)
    assert code in declared, (path, method, code, response.text)
    answer = declared[code]
    if "$ref" in answer:
        answer = document["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    schema = answer["content"]["application/json"]["schema"]
    validator = OAS31Validator({**schema, "components": document["components"]})
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())]
    assert not problems, (path, method, code, problems[:5])
