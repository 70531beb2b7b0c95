"""Tines dialect errors: `{"error": {"type", "message", "field"}}`, the one error body Tines
documents. A close refused by closure conditions is a 422 that also lists them."""

from __future__ import annotations

from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from casedesk.domain.cases.closure import ClosureRefused
from casedesk.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    TimedOut,
    Unauthenticated,
    ValidationFailed,
)

TYPES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "unprocessable_entity",
    429: "too_many_requests",
    503: "service_unavailable",
}

# The domain's field names, in Tines' words.
FIELDS = {
    "title": "name",
    "project": "team_id",
    "author": "author_email",
    "assignee": "assignee_emails",
    "assignees": "assignee_emails",
    "add_assignees": "add_assignee_emails",
    "remove_assignees": "remove_assignee_emails",
    "user": "user_email",
    "comment": "value",
    "attributes": "tag_names",
    "tags": "tag_names",
    "child_entity_id": "id",
    "link": "linked_case_id",
}
# What a request body names that does not exist is a 400 on that member in Tines (the core
# says NotFound, as a path naming nothing is): the resource, its member, and how to say so.
NAMED_IN_BODY = {
    "project": ("team_id", "no team has the id {ref}"),
    "user": ("user_email", "no user has the email {ref}"),
    "child case": ("id", "no case has the id {ref}"),
    "linked case": ("linked_case_id", "no case has the id {ref}"),
}


def error_response(status: int, message: str, field: str | None = None, **members: Any) -> JSONResponse:
    """`members` are added to the error object (the conditions a refused close failed)."""
    body: dict[str, Any] = {"type": TYPES.get(status, "error"), "message": message, "field": field, **members}
    return JSONResponse({"error": body}, status_code=status)


def from_domain(exc: DomainError) -> JSONResponse:
    if isinstance(exc, ClosureRefused):
        conditions = [c.as_data() for c in exc.failing]
        return error_response(422, exc.message, "closure_conditions", failing_conditions=conditions)
    if isinstance(exc, ValidationFailed):
        return error_response(400, exc.message, FIELDS.get(exc.field, exc.field))
    if isinstance(exc, NotFound) and exc.resource in NAMED_IN_BODY:
        field, message = NAMED_IN_BODY[exc.resource]
        return error_response(400, message.format(ref=exc.ref), field)
    if isinstance(exc, NotFound):
        return error_response(404, f"{exc.resource} {exc.ref} not found")
    if isinstance(exc, Unauthenticated):
        return error_response(401, exc.message)
    if isinstance(exc, Forbidden):
        return error_response(403, exc.message, FIELDS.get(exc.field, exc.field) if exc.field else None)
    if isinstance(exc, Conflict):
        return error_response(409, exc.message)
    if isinstance(exc, TimedOut):
        return error_response(503, exc.message)
    return error_response(400, exc.message)


def refusal(status: int, message: str) -> JSONResponse:
    """A refusal made before any route is reached (body size, rate limit)."""
    return error_response(status, message)


def from_request_validation(exc: RequestValidationError) -> JSONResponse:
    """Pydantic's first complaint; `field` is the member's dotted path (`team_case_buttons.0.url`)
    or the parameter's name."""
    errors = jsonable_encoder(exc.errors())
    first = errors[0] if errors else {"loc": ("body",), "msg": "invalid request", "type": ""}
    if first.get("type") == "json_invalid":
        return error_response(400, "request body is not valid JSON")
    loc = [str(part) for part in first.get("loc", ())]
    field = ".".join(loc[1:]) if len(loc) > 1 else None
    kind = first.get("type", "")
    if kind == "missing":
        message = f"{field} is required" if field else "a request body is required"
    elif kind == "extra_forbidden":
        message = f"unknown parameter {field}"
    else:
        message = f"{field}: {first.get('msg', 'invalid value')}" if field else str(first.get("msg"))
    return error_response(400, message, field)
