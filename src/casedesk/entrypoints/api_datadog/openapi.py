"""The Datadog half of `/openapi.json`, taken from the contract casedesk implements.

`datadog-v2-cases-incidents.yaml` beside this module is the contract (the subset of Datadog's
v2 OpenAPI document for cases, incidents, maintenance windows and users), shipped as package
data so a document can be served without the source tree. For each operation it defines,
the request body and every response (success and error schemas, per status) are the
contract's: they are what the official client sends and parses, and what casedesk answers
(the API tests drive every operation through that client). Parameters stay the ones FastAPI
reads from the routes, since those are what casedesk actually takes. Casedesk's own
response members (e.g. `case_number`) are not in the contract's schemas, which do not forbid
them.

The contract is OpenAPI 3.0; the served document is 3.1, so `nullable` is rewritten as a
`null` type on the way in.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from casedesk.entrypoints.api_datadog import own_answers
from casedesk.entrypoints.api_datadog.errors import answers_objects
from casedesk.entrypoints.http.openapi_refs import references

CONTRACT_FILE = "datadog-v2-cases-incidents.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")

# Statuses the contract declares without a body although casedesk answers with one.
BULK_SUMMARY: dict[str, Any] = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "object",
            "required": ["type", "attributes"],
            "properties": {
                "type": {"const": "bulk"},
                "attributes": {
                    "type": "object",
                    "required": ["type", "case_ids"],
                    "properties": {
                        "type": {"$ref": "#/components/schemas/CaseBulkActionType"},
                        "case_ids": {
                            "description": "The UUIDs of the updated cases, in request order.",
                            "type": "array",
                            "items": {"type": "string", "format": "uuid"},
                        },
                    },
                },
            },
        }
    },
}
BODIES_THE_CONTRACT_LACKS: dict[tuple[str, str], dict[str, Any]] = {
    ("BulkUpdateCases", "200"): BULK_SUMMARY,
    ("UpdateCaseComment", "200"): {"$ref": "#/components/schemas/TimelineResponse"},
}


# Statuses every operation may answer whatever the contract lists: a malformed path
# parameter or body (400, validation comes before any lookup) and an unknown resource (404),
# in the error body the operation declares elsewhere.
ALWAYS_ANSWERED = {"400": "Bad Request", "404": "Not Found"}


def declare_every_error(operation: str, responses: dict[str, Any]) -> None:
    for status, description in ALWAYS_ANSWERED.items():
        if status not in responses:
            schema = "JSONAPIErrorResponse" if answers_objects(operation, int(status)) else "APIErrorResponse"
            content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
            responses[status] = {"description": description, "content": content}


@dataclass(frozen=True)
class Contract:
    operations: dict[str, dict[str, Any]]  # by operationId
    components: dict[str, dict[str, Any]]  # by kind (schemas, responses, ...), then name

    @classmethod
    def load(cls) -> Contract:
        text = resources.files(__package__).joinpath(CONTRACT_FILE).read_text(encoding="utf-8")
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when built with it
        document = to_openapi_31(yaml.load(text, Loader=loader))
        operations = {
            op["operationId"]: op
            for item in document["paths"].values()
            for method, op in item.items()
            if method in HTTP_METHODS and "operationId" in op
        }
        return cls(operations, document["components"])


def contract_operations(document: dict[str, Any], contract: Contract) -> list[tuple[dict[str, Any], Any]]:
    """(operation in `document`, the contract's definition) for each operation both have."""
    found = []
    for item in document["paths"].values():
        for method, op in item.items():
            source = contract.operations.get(op.get("operationId", "")) if method in HTTP_METHODS else None
            if source is not None:
                found.append((op, source))
    return found


def forget_generated_bodies(document: dict[str, Any], contract: Contract) -> None:
    """Removes FastAPI's request bodies and responses where the contract's will go, so the
    schemas only they used can be dropped before the contract's, often of the same names,
    come in."""
    for op, _ in contract_operations(document, contract):
        op.pop("requestBody", None)
        op["responses"] = {}


def describe(document: dict[str, Any], contract: Contract) -> None:
    """Gives every operation of `document` that the contract defines the contract's request
    body, responses, summary and tags, and adds the components they reference."""
    wanted: set[str] = set()
    for op, source in contract_operations(document, contract):
        op["responses"] = {str(status): dict(r) for status, r in source["responses"].items()}
        for (operation, status), schema in BODIES_THE_CONTRACT_LACKS.items():
            if operation == op["operationId"]:
                op["responses"][status]["content"] = {"application/json": {"schema": schema}}
        declare_every_error(op["operationId"], op["responses"])
        if "requestBody" in source:
            op["requestBody"] = source["requestBody"]
        op["parameters"] = [*op.get("parameters", []), *_missing_path_parameters(op, source, contract)]
        for key in ("summary", "description", "tags"):
            if key in source:
                op[key] = source[key]
        wanted |= references(op)
    add_components(document, contract, wanted)


def describe_own(document: dict[str, Any], contract: Contract) -> None:
    """Gives the Datadog operations the contract lacks their declared answers
    (`own_answers.ANSWERS`) and Datadog's error body, in place of FastAPI's 422."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/APIErrorResponse"}}}
    wanted: set[str] = set()
    for path, item in document["paths"].items():
        for method, op in item.items():
            name = op.get("operationId", "")
            ours = path.startswith(("/api/v2/", "/api/v1/integration/"))
            if method not in HTTP_METHODS or not ours or name in contract.operations:
                continue
            if name not in own_answers.ANSWERS:
                raise ValueError(f"Datadog operation {name!r} has no declared answer")
            body = own_answers.ANSWERS[name]
            [status] = [s for s in op["responses"] if s.startswith("2")]
            success: dict[str, Any] = {"description": "OK"}
            if body is not None:
                success["content"] = {"application/json": {"schema": body}}
            errors = {
                code: {"description": text, "content": error} for code, text in own_answers.ERRORS.items()
            }
            op["responses"] = {status: success, **errors}
            wanted |= references(op["responses"])  # the request bodies are FastAPI's
    add_components(document, contract, wanted)


def _missing_path_parameters(
    op: dict[str, Any], source: dict[str, Any], contract: Contract
) -> list[dict[str, Any]]:
    """The contract's path parameters that the route reads from the request itself (routes
    registered for several setting kinds at once), which FastAPI therefore cannot list."""
    known = {(p["in"], p["name"]) for p in op.get("parameters", [])}
    missing = []
    for parameter in source.get("parameters", []):
        ref = parameter.get("$ref")
        found = contract.components["parameters"][ref.rsplit("/", 1)[1]] if ref else parameter
        if found["in"] == "path" and ("path", found["name"]) not in known:
            missing.append(parameter)
    return missing


def add_components(document: dict[str, Any], contract: Contract, refs: set[str]) -> None:
    """Copies the referenced components and those they reference, refusing to overwrite a
    different component of the same name (two meanings for one name would mislead)."""
    pending, seen = list(refs), set()
    components = document.setdefault("components", {})
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, kind, name = ref.split("/", 3)
        found = contract.components[kind][name]
        existing = components.setdefault(kind, {}).get(name)
        if existing is not None and existing != found:
            raise ValueError(f"the OpenAPI document already has a different {kind} {name!r}")
        components[kind][name] = found
        pending.extend(references(found))


def to_openapi_31(node: Any) -> Any:
    """OpenAPI 3.0's `nullable: true` as 3.1 says it: `null` among the types."""
    if isinstance(node, list):
        return [to_openapi_31(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: to_openapi_31(value) for key, value in node.items()}
    if converted.get("nullable") is not True:
        return converted
    del converted["nullable"]
    kind = converted.get("type")
    if isinstance(kind, str):
        converted["type"] = [kind, "null"]
        if "enum" in converted:
            converted["enum"] = [*converted["enum"], None]
        return converted
    return {"anyOf": [converted, {"type": "null"}]}
