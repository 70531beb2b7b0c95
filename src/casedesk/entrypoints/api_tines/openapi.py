"""The Tines half of `/openapi.json`: each operation's answer and its errors.

FastAPI knows only `dict` for these routes and declares a 422 in its own validation shape,
which this dialect never sends (its request errors are 400s in Tines' error body). Here each
operation gets its success model from `response_models.ANSWERS` (or binary content for a
download) and Tines' error body for the statuses it can answer.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from casedesk.entrypoints.api_tines import PREFIX
from casedesk.entrypoints.api_tines.response_models import ANSWERS, Answer, TinesError

REF = "#/components/schemas/{model}"
ERRORS = {
    "400": "A malformed or refused value; `field` names it",
    "401": "No key, or an unknown one",
    "403": "The key lacks the scope, or the team is not the caller's",
    "404": "An unknown case, team, record or sub-resource",
    "409": "A concurrent change won; retrying may succeed",
}
CLOSE_REFUSED = {"422": "The case may not close while closure conditions are false"}
BINARY = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}


def describe(document: dict[str, Any], foreign: tuple[str, ...] = ()) -> None:
    """Declares the answers of the operations under PREFIX, but for those under the
    `foreign` prefixes (another dialect's, mounted inside Tines' prefix)."""
    models: list[type[Answer]] = [TinesError, *ANSWERS.values()]
    refs, schemas = models_json_schema([(model, "serialization") for model in models], ref_template=REF)
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in schemas.get("$defs", {}).items():
        if name in components and components[name] != schema:
            raise ValueError(f"the OpenAPI document already has a different schema {name!r}")
        components[name] = schema
    error = {"application/json": {"schema": refs[(TinesError, "serialization")]}}
    for path, item in document["paths"].items():
        if not path.startswith(PREFIX + "/") or path.startswith(tuple(p + "/" for p in foreign)):
            continue
        for op in item.values():
            op["responses"] = _responses(op, refs, error)


def _responses(op: dict[str, Any], refs: dict[Any, Any], error: dict[str, Any]) -> dict[str, Any]:
    name = op["operationId"]
    success = {s: r for s, r in op["responses"].items() if s.startswith("2")}
    for status, response in success.items():
        model = ANSWERS.get(name)
        if model is not None:
            response["content"] = {"application/json": {"schema": refs[(model, "serialization")]}}
        elif status == "204":
            response.pop("content", None)
        elif name == "download_file":
            response["content"] = BINARY
        else:
            raise ValueError(f"Tines operation {name!r} has no declared answer")
    statuses = {**ERRORS, **(CLOSE_REFUSED if name == "update_case" else {})}
    errors = {status: {"description": text, "content": error} for status, text in statuses.items()}
    return {**success, **errors}
