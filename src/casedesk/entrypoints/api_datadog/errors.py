"""Datadog dialect errors: each operation answers in the error schema its contract declares.

Most operations declare `APIErrorResponse` (`{"errors": ["..."]}`, strings): there the
offending field leads the message as a JSON pointer (`/data/attributes/title: ...`). The
operations below declare `JSONAPIErrorResponse`, whose objects carry `source.pointer`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from casedesk.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    TimedOut,
    Unauthenticated,
    ValidationFailed,
)

OBJECT_ERROR_OPERATIONS = frozenset(
    {
        "AddCaseInsights", "CreateCaseJiraIssue", "CreateCaseNotebook",
        "CreateCaseServiceNowTicket", "CreateGlobalIncidentHandle",
        "CreateIncidentPostmortemAttachment", "CreateIncidentPostmortemTemplate",
        "CreateIncidentUserDefinedField", "CreateIncidentUserDefinedRole",
        "DeleteGlobalIncidentHandle", "DeleteIncidentPostmortemTemplate",
        "DeleteIncidentUserDefinedField", "DeleteIncidentUserDefinedRole",
        "GetGlobalIncidentSettings", "GetIncidentPostmortemTemplate",
        "GetIncidentUserDefinedField", "GetIncidentUserDefinedRole", "LinkIncident",
        "LinkJiraIssueToCase", "ListGlobalIncidentHandles",
        "ListIncidentPostmortemTemplates", "ListIncidentUserDefinedFields",
        "ListIncidentUserDefinedRoles", "MoveCaseToProject", "RemoveCaseInsights",
        "UnlinkJiraIssue", "UpdateGlobalIncidentHandle", "UpdateGlobalIncidentSettings",
        "UpdateIncidentPostmortemTemplate", "UpdateIncidentUserDefinedField",
        "UpdateIncidentUserDefinedRole",
    }
)  # fmt: skip
# Where an operation's statuses disagree: the user-defined fields' operations answer
# authentication failures as strings, and LinkPageToIncident answers a conflict as objects.
_UDF_OPERATIONS = ("ListIncidentUserDefinedFields", "CreateIncidentUserDefinedField",
                   "DeleteIncidentUserDefinedField", "GetIncidentUserDefinedField",
                   "UpdateIncidentUserDefinedField")  # fmt: skip
STRING_ERROR_STATUSES = frozenset((op, status) for op in _UDF_OPERATIONS for status in (401, 403))
OBJECT_ERROR_STATUSES = frozenset({("LinkPageToIncident", 409)})


def answers_objects(operation: str | None, status: int) -> bool:
    """Whether the operation declares `JSONAPIErrorResponse` (objects) for this status."""
    if (operation, status) in OBJECT_ERROR_STATUSES:
        return True
    if status == 429:  # every operation declares its rate limit's answer as strings
        return False
    return operation in OBJECT_ERROR_OPERATIONS and (operation, status) not in STRING_ERROR_STATUSES


# Domain field names whose place in a request body is not /data/attributes/<field>.
FIELD_POINTERS = {
    # cases
    "assignees": "/data/relationships/assignee/data/id",
    "project": "/data/relationships/project/data/id",
    "status": "/data/attributes/status",
    "tags": "/data/attributes/attributes/tags",
    # incidents
    "commander_user": "/data/relationships/commander_user/data/id",
    "declared_by_user": "/data/relationships/declared_by_user/data/id",
    "incident_type": "/data/relationships/incident_type/data/id",
    "user": "/data/relationships/user/data/id",
    "member_user": "/data/relationships/member_user/data",
    "data": "/data",
    "data/id": "/data/id",
    "data/type": "/data/type",
}
# Fields that one operation carries somewhere else: UpdateProject takes the handle inside
# the monitor integration's settings, where Datadog keeps it.
OPERATION_FIELD_POINTERS = {
    ("UpdateProject", "handle"): "/data/attributes/settings/integration_monitor/handle",
    ("CreateCase", "status"): "/data/attributes/status_name",
    # A bulk update's shared value, refused while applying it to a case, is in its payload.
    ("AssignCase", "assignee"): "/data/attributes/assignee_id",
    ("BulkUpdateCases", "assignee"): "/data/attributes/payload/assignee_id",
    ("BulkUpdateCases", "project"): "/data/attributes/payload/project_id",
    ("BulkUpdateCases", "system"): "/data/attributes/type",
    # MoveCaseToProject's and LinkIncident's bodies are the relationship itself:
    # {"data": {"id", "type"}}.
    ("MoveCaseToProject", "project"): "/data/id",
    ("LinkIncident", "incident_id"): "/data/id",
    # AddUserToRole's body is the user; the last active admin keeps the admin role.
    ("AddUserToRole", "role"): "/data/id",
}
# Datadog's v1 integration operations take flat bodies: a field is a member of the body.
FLAT_BODY_OPERATIONS = frozenset(
    {
        "CreateWebhooksIntegration", "UpdateWebhooksIntegration",
        "CreateWebhooksIntegrationCustomVariable", "UpdateWebhooksIntegrationCustomVariable",
        "CreatePagerDutyIntegrationService", "UpdatePagerDutyIntegrationService",
        "CreateSlackIntegrationChannel", "UpdateSlackIntegrationChannel",
    }
)  # fmt: skip
# Fields of one operation that are lists in the domain's words: `<field>/<index>` is the item
# at that index of the request's list.
OPERATION_LIST_POINTERS = {
    # A bulk update's changes are one per case, in the order of its case_ids.
    ("BulkUpdateCases", "changes"): "/data/attributes/case_ids",
}
# Fields that one operation takes as a path parameter of another name.
OPERATION_PARAMETERS = {
    ("WatchCase", "user"): "user_uuid",
    ("UnwatchCase", "user"): "user_uuid",
    # The last active admin, refused: the user the path names.
    ("DisableUser", "disabled"): "user_id",
}
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def error_response(
    operation: str | None,
    status: int,
    detail: str,
    *,
    pointer: str | None = None,
    parameter: str | None = None,
) -> JSONResponse:
    if answers_objects(operation, status):
        item: dict[str, Any] = {"status": str(status), "title": TITLES.get(status, "Error"), "detail": detail}
        if pointer:
            item["source"] = {"pointer": pointer}
        elif parameter:
            item["source"] = {"parameter": parameter}
        return JSONResponse({"errors": [item]}, status_code=status)
    where = pointer or (f'parameter "{parameter}"' if parameter else None)
    text = f"{where}: {detail}" if where else detail
    return JSONResponse({"errors": [text]}, status_code=status)


def field_location(
    field: str, operation: str | None = None, parameters: Collection[str] = ()
) -> dict[str, str]:
    """Where the refused value was: a path or query parameter the request carried under that
    name, else a place in the body (the operation's own, a known one, or an attribute)."""
    pointer = OPERATION_FIELD_POINTERS.get((operation or "", field))
    head, _, rest = field.partition("/")
    listed = OPERATION_LIST_POINTERS.get((operation or "", head))
    if pointer is None and listed is not None:
        pointer = f"{listed}/{rest}" if rest else listed
    parameter = OPERATION_PARAMETERS.get((operation or "", field), field)
    if pointer is None and parameter in parameters:
        return {"parameter": parameter}
    if pointer is None and operation in FLAT_BODY_OPERATIONS:
        return {"pointer": f"/{field}"}
    return {"pointer": pointer or FIELD_POINTERS.get(field, f"/data/attributes/{field}")}


def from_domain(operation: str | None, exc: DomainError, parameters: Collection[str] = ()) -> JSONResponse:
    """`parameters` names the request's path and query parameters."""
    if isinstance(exc, ValidationFailed):
        location = field_location(exc.field, operation, parameters)
        return error_response(operation, 400, exc.message, **location)
    if isinstance(exc, NotFound):
        return error_response(operation, 404, exc.message)
    if isinstance(exc, Unauthenticated):
        return error_response(operation, 401, exc.message)
    if isinstance(exc, Forbidden):
        return error_response(operation, 403, exc.message)
    if isinstance(exc, Conflict):
        return error_response(operation, 409, exc.message)
    if isinstance(exc, TimedOut):
        return error_response(operation, 503, exc.message)
    return error_response(operation, 400, exc.message)


def refusal(status: int, message: str) -> JSONResponse:
    """A refusal made before any route is reached (body size, rate limit), so in the schema
    most operations declare."""
    return error_response(None, status, message)


def from_request_validation(operation: str | None, exc: RequestValidationError) -> JSONResponse:
    """Pydantic's first complaint, with its location turned into a pointer or parameter."""
    errors = jsonable_encoder(exc.errors())
    first = errors[0] if errors else {"loc": ("body",), "msg": "invalid request", "type": ""}
    loc = [str(part) for part in first.get("loc", ())]
    if first.get("type") == "json_invalid":
        return error_response(operation, 400, "request body is not valid JSON")
    if loc and loc[0] in ("path", "query", "header"):
        parameter = loc[-1] if len(loc) > 1 else None
        return error_response(operation, 400, str(first["msg"]), parameter=parameter)
    pointer = "/" + "/".join(loc[1:]) if len(loc) > 1 else ""
    detail = _detail(first)
    return error_response(operation, 400, detail, pointer=pointer or "/")


# Pydantic's complaints about a member's JSON type, in the words the core's document codec
# uses for the same mistakes (`domain/documents.py`), so both read alike.
TYPE_MESSAGES = {
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "extra_forbidden": "unknown member",
}


def _detail(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    loc = error.get("loc", ())
    if kind == "literal_error" and loc and loc[-1] == "type":
        expected = error.get("ctx", {}).get("expected", "")
        return f"got type {error.get('input')!r} expected one of {expected}"
    if kind == "literal_error":
        name = loc[-1] if loc else "value"
        expected = error.get("ctx", {}).get("expected", "")
        return f"invalid {name} {error.get('input')!r}; must be one of {expected}"
    if kind == "string_unstorable":
        return str(error.get("msg"))
    if kind == "missing":
        return "this member is required"
    if kind in TYPE_MESSAGES:
        return TYPE_MESSAGES[kind]
    return str(error.get("msg", "invalid value"))
