"""Datadog error bodies: strings for `APIErrorResponse` operations, JSON:API objects for the
operations whose contract declares `JSONAPIErrorResponse`, each naming the offending field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from casedesk.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidTransition,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from casedesk.entrypoints.api_datadog import errors
from casedesk.entrypoints.api_datadog import schemas as s

STRINGS = "UpdatePriority"  # declares APIErrorResponse
OBJECTS = "AddCaseInsights"  # declares JSONAPIErrorResponse


def body(response: JSONResponse) -> Any:
    return json.loads(bytes(response.body))


def answer(
    operation: str | None, exc: DomainError, parameters: frozenset[str] = frozenset()
) -> tuple[int, Any]:
    response = errors.from_domain(operation, exc, parameters)
    return response.status_code, body(response)


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (NotFound("case", "SEC-1"), 404),
        (Unauthenticated("unknown API key"), 401),
        (Forbidden("this key lacks the cases_write scope"), 403),
        (Conflict("taken"), 409),
        (DomainError("something odd"), 400),
    ],
)
def test_domain_errors_map_to_statuses(exc: DomainError, status: int) -> None:
    assert answer(STRINGS, exc) == (status, {"errors": [exc.message]})
    title = errors.TITLES.get(status, "Error")
    assert answer(OBJECTS, exc) == (
        status,
        {"errors": [{"status": str(status), "title": title, "detail": exc.message}]},
    )


def test_not_found_names_the_resource() -> None:
    assert answer("GetProject", NotFound("project", "x")) == (404, {"errors": ["project not found"]})


@pytest.mark.parametrize(
    ("field", "pointer"),
    [
        ("title", "/data/attributes/title"),
        ("security_resolved_reason", "/data/attributes/security_resolved_reason"),
        ("assignees", "/data/relationships/assignee/data/id"),
        ("project", "/data/relationships/project/data/id"),
        ("status", "/data/attributes/status"),
    ],
)
def test_validation_errors_lead_with_a_pointer(field: str, pointer: str) -> None:
    exc = ValidationFailed(field, "is wrong")
    assert answer(STRINGS, exc) == (400, {"errors": [f"{pointer}: is wrong"]})
    assert answer(OBJECTS, exc) == (
        400,
        {
            "errors": [
                {
                    "status": "400",
                    "title": "Bad Request",
                    "detail": "is wrong",
                    "source": {"pointer": pointer},
                }
            ]
        },
    )


def test_invalid_transitions_are_validation_errors() -> None:
    exc = InvalidTransition("security_resolved_reason", "set a reason first")
    assert answer(STRINGS, exc) == (
        400,
        {"errors": ["/data/attributes/security_resolved_reason: set a reason first"]},
    )


@pytest.mark.parametrize("parameter", ["case_id", "project_id", "user_id", "cell_id", "page[size]", "filter"])
def test_path_and_query_values_are_named_as_parameters(parameter: str) -> None:
    exc = ValidationFailed(parameter, "'x' is not a UUID")
    sent = frozenset({parameter, "other"})
    assert answer(STRINGS, exc, sent) == (400, {"errors": [f"parameter \"{parameter}\": 'x' is not a UUID"]})
    assert answer(OBJECTS, exc, sent)[1]["errors"][0]["source"] == {"parameter": parameter}


def test_a_body_member_named_like_another_operations_parameter_is_a_pointer() -> None:
    exc = ValidationFailed("query", "does not parse")
    assert answer("CreateCaseView", exc)[1] == {"errors": ["/data/attributes/query: does not parse"]}
    assert answer("SearchIncidents", exc, frozenset({"query"}))[1] == {
        "errors": ['parameter "query": does not parse']
    }


def test_the_project_handle_is_pointed_at_where_each_operation_takes_it() -> None:
    exc = ValidationFailed("handle", "taken")
    assert answer("CreateProject", exc)[1] == {"errors": ["/data/attributes/handle: taken"]}
    assert answer("UpdateProject", exc)[1] == {
        "errors": ["/data/attributes/settings/integration_monitor/handle: taken"]
    }


def test_unknown_operations_answer_with_strings() -> None:
    assert answer(None, NotFound("case", "x")) == (404, {"errors": ["case not found"]})


# -- request validation (what pydantic refuses before a route runs) -----------------------


def request_error(model: type[BaseModel], document: Any) -> RequestValidationError:
    """The error FastAPI raises for a body `model` refuses (its locations start at `body`)."""
    try:
        model.model_validate(document)
    except ValidationError as refused:
        return RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in refused.errors()])
    raise AssertionError("the document was accepted")


def validation_answer(operation: str, exc: RequestValidationError) -> tuple[int, Any]:
    response = errors.from_request_validation(operation, exc)
    return response.status_code, body(response)


def test_wrong_resource_type() -> None:
    exc = request_error(
        s.CaseUpdatePriorityRequest, {"data": {"type": "project", "attributes": {"priority": "P1"}}}
    )
    status, answered = validation_answer(STRINGS, exc)
    assert status == 400
    assert answered == {"errors": ["/data/type: got type 'project' expected one of 'case'"]}


def test_bad_enum_value() -> None:
    exc = request_error(
        s.CaseUpdatePriorityRequest, {"data": {"type": "case", "attributes": {"priority": "P9"}}}
    )
    [message] = validation_answer(STRINGS, exc)[1]["errors"]
    assert message.startswith("/data/attributes/priority: invalid priority 'P9'; must be one of ")
    assert "'P1'" in message


def test_missing_member() -> None:
    exc = request_error(s.CaseUpdateTitleRequest, {"data": {"type": "case", "attributes": {}}})
    assert validation_answer(STRINGS, exc)[1] == {
        "errors": ["/data/attributes/title: this member is required"]
    }


def test_wrong_member_type_in_an_object_operation() -> None:
    exc = request_error(
        s.ProjectCreateRequest, {"data": {"type": "project", "attributes": {"name": "A", "key": 5}}}
    )
    status, answered = validation_answer(OBJECTS, exc)
    assert status == 400
    [item] = answered["errors"]
    assert item["status"] == "400"
    assert item["title"] == "Bad Request"
    assert item["source"] == {"pointer": "/data/attributes/key"}
    assert item["detail"]


def test_body_that_is_not_an_object() -> None:
    exc = request_error(s.CaseUpdateTitleRequest, [])
    assert validation_answer(STRINGS, exc)[1]["errors"][0].startswith("/: ")


def test_invalid_json() -> None:
    exc = RequestValidationError([{"type": "json_invalid", "loc": ("body", 1), "msg": "JSON decode error"}])
    assert validation_answer(STRINGS, exc) == (400, {"errors": ["request body is not valid JSON"]})
    assert validation_answer(OBJECTS, exc)[1] == {
        "errors": [{"status": "400", "title": "Bad Request", "detail": "request body is not valid JSON"}]
    }


def test_query_parameter_errors_name_the_parameter() -> None:
    exc = RequestValidationError(
        [{"type": "less_than_equal", "loc": ("query", "page[size]"), "msg": "Input should be <= 100"}]
    )
    assert validation_answer("SearchCases", exc) == (
        400,
        {"errors": ['parameter "page[size]": Input should be <= 100']},
    )


def test_first_complaint_wins() -> None:
    exc = request_error(
        s.CaseCreateRequest, {"data": {"type": "case", "attributes": {}, "relationships": {}}}
    )
    [message] = validation_answer("CreateCase", exc)[1]["errors"]
    assert message == "/data/attributes/title: this member is required"
