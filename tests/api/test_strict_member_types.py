"""Every settings and configuration operation takes, where the contract types a member as a
boolean, string, integer or enumeration, that and nothing else: any other JSON type (or an
unknown enumeration value) is a 400 pointing at the member, and nothing is stored.

The members and their types are read from the contract; each operation only needs a valid
body to start from (`BODIES`), so a member the contract adds is tested without listing it."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import httpx
import pytest
import yaml

from tests.api.channels import add_slack_account
from tests.support import Server

Json = Any
# Placeholders in the bodies and paths below, filled from `world`.
TYPE, CASE_TYPE, PROJECT, INCIDENT = "{incident_type}", "{case_type}", "{project}", "{incident}"
SLACK_ACCOUNT = "{slack_account}"  # with a channel #ops, which a rule's recipient names


@cache
def contract() -> dict[str, Any]:
    text = resources.files("casedesk.entrypoints.api_datadog").joinpath("datadog-v2-cases-incidents.yaml")
    return dict(yaml.safe_load(text.read_text()))


def resolved(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = contract()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


@dataclass(frozen=True)
class Member:
    pointer: str
    type: str  # boolean, string, integer or enum
    values: tuple[Json, ...] = ()  # an enumeration's values


def typed_members(schema: dict[str, Any], pointer: str = "") -> Iterator[Member]:
    """The typed leaves of a request schema, below /data/type, /data/id and /data/attributes
    (relationships name other resources and are checked as references)."""
    schema = resolved(schema)
    if "enum" in schema:
        yield Member(pointer, "enum", tuple(schema["enum"]))
    elif schema.get("type") == "object":
        for name, inner in schema.get("properties", {}).items():
            yield from typed_members(inner, f"{pointer}/{name}")
    elif schema.get("type") == "array":
        yield from typed_members(schema.get("items", {}), f"{pointer}/0")
    elif schema.get("type") in ("boolean", "string", "integer"):
        yield Member(pointer, schema["type"])


def operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """The method, path and request schema of a contract operation."""
    for path, item in contract()["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                schema = op["requestBody"]["content"]["application/json"]["schema"]
                return method.upper(), path, resolved(schema)
    raise LookupError(operation_id)


# A valid body for each operation, with the placeholders above; the item an update changes is
# created first, from its create's body.
BODIES: dict[str, dict[str, Any]] = {
    "CreateProject": {"type": "project", "attributes": {"name": "Ops", "key": "STRICTX", "team_uuid": "t"}},
    "UpdateProject": {
        "type": "project",
        "attributes": {
            "name": "Ops",
            "team_uuid": "t",
            "columns_config": {"columns": [{"sort_field": "created_at", "type": "date"}]},
            "settings": {
                "auto_close_inactive_cases": {"enabled": False, "max_inactive_time_in_secs": 3600},
                "auto_transition_assigned_cases": {"auto_transition_assigned_cases_on_self_assigned": False},
                "integration_incident": {"enabled": False, "auto_escalation_query": "priority:P1"},
                "integration_jira": {"enabled": False, "auto_creation": {"enabled": False},
                                     "metadata": {"account_id": "a", "issue_type_id": "i", "project_id": "p"},
                                     "sync": {"enabled": False}},
                "integration_monitor": {"enabled": False, "auto_resolve_enabled": False},
                "integration_on_call": {"enabled": False, "auto_assign_on_call": False},
                "integration_service_now": {"enabled": False, "assignment_group": "g",
                                            "auto_creation": {"enabled": False}, "instance_name": "n",
                                            "sync_config": {"enabled": False}},
                "notification": {"enabled": False, "destinations": [1], "notify_on_case_assignment": False,
                                 "notify_on_case_closed": False, "notify_on_case_comment": False,
                                 "notify_on_case_comment_mention": False,
                                 "notify_on_case_priority_change": False,
                                 "notify_on_case_status_change": False,
                                 "notify_on_case_unassignment": False},
            },
        },
    },
    "CreateCaseType": {"type": "case_type", "attributes": {"name": "Bug", "description": "d", "emoji": "🐛"}},
    "UpdateCaseType": {"type": "case_type", "attributes": {"name": "Bug", "description": "d", "emoji": "🐛"}},
    "CreateCustomAttributeConfig": {
        "type": "custom_attribute",
        "attributes": {"key": "region", "display_name": "Region", "type": "TEXT", "is_multi": False,
                       "description": "d"},
    },
    "UpdateCustomAttributeConfig": {
        "type": "custom_attribute",
        "attributes": {"display_name": "Region", "description": "d", "type": "TEXT"},
    },
    "CreateCaseView": {
        "type": "view", "attributes": {"name": "Open", "query": "status:open", "project_id": PROJECT}
    },
    "UpdateCaseView": {"type": "view", "attributes": {"name": "Open", "query": "status:open"}},
    "CreateMaintenanceWindow": {
        "type": "maintenance_window",
        "attributes": {"name": "Weekly", "query": "project:SEC", "start_at": "2026-06-01T00:00:00Z",
                       "end_at": "2026-06-01T06:00:00Z"},
    },
    "UpdateMaintenanceWindow": {
        "type": "maintenance_window",
        "attributes": {"name": "Weekly", "query": "project:SEC", "start_at": "2026-06-01T00:00:00Z",
                       "end_at": "2026-06-01T06:00:00Z"},
    },
    "CreateIncidentType": {
        "type": "incident_types",
        "attributes": {
            "name": "Security", "description": "d", "prefix": "SEC", "is_default": False,
            "createdAt": "2026-01-01T00:00:00Z", "modifiedAt": "2026-01-01T00:00:00Z",
            "createdBy": "x", "lastModifiedBy": "x",
            "configuration": {
                "allow_incident_deletion": False, "allow_workflows": False, "create_message": "m",
                "editable_timestamps": False, "private_incidents": False,
                "private_incidents_by_default": False, "slug_source": "default", "test_incidents": False,
            },
        },
    },
    "CreateIncidentUserDefinedField": {
        "type": "user_defined_field",
        "attributes": {
            "name": "region", "display_name": "Region", "type": 3, "category": "what_happened",
            "collected": "active", "default_value": "eu", "ordinal": "1", "required": False,
            "tag_key": "region",
            "valid_values": [{"value": "eu", "display_name": "EU", "description": "d",
                              "short_description": "s"}],
        },
        "relationships": {"incident_type": {"data": {"id": TYPE, "type": "incident_types"}}},
    },
    "CreateIncidentImpactField": {
        "type": "impact_fields",
        "attributes": {
            "name": "region", "display_name": "Region", "field_type": "dropdown", "tag_key": "region",
            "field_choices": [{"value": "eu", "display_name": "EU", "description": "d"}],
        },
        "relationships": {"incident_type": {"data": {"id": TYPE, "type": "incident_types"}}},
    },
    "CreateIncidentNotificationTemplate": {
        "type": "notification_templates",
        "attributes": {"name": "Page", "subject": "s", "content": "c", "category": "alert"},
        "relationships": {"incident_type": {"data": {"id": TYPE, "type": "incident_types"}}},
    },
    "CreateIncidentNotificationRule": {
        "type": "incident_notification_rules",
        "attributes": {
            "conditions": [{"field": "severity", "values": ["SEV-1"]}], "handles": ["@slack-ops"],
            "trigger": "incident_created_trigger", "enabled": False, "renotify_on": ["severity"],
            "visibility": "organization",
        },
    },
    "CreateIncidentPostmortemTemplate": {
        "type": "postmortem_templates",
        "attributes": {
            "name": "Postmortem", "content": "c", "location": "datadog_notebooks", "is_default": None,
            "confluence_postmortem_settings": {"account_id": "a", "parent_id": "p", "space_id": "s"},
            "google_docs_postmortem_settings": {"account_id": "a", "parent_folder_id": "f"},
        },
        "relationships": {"incident_type": {"data": {"id": TYPE, "type": "incident_types"}}},
    },
    "CreateProjectNotificationRule": {
        "type": "notification_rule",
        "attributes": {
            "is_enabled": True, "query": "priority:P1",
            "recipients": [{"type": "SLACK_CHANNEL",
                            "data": {"workspace": SLACK_ACCOUNT, "workspace_id": "T1",
                                     "channel": "#ops", "channel_id": "C1"}}],
            "triggers": [{"type": "STATUS_TRANSITIONED",
                          "data": {"from_status": "OPEN", "from_status_name": "Open",
                                   "to_status": "CLOSED", "to_status_name": "Closed"}}],
        },
    },
    "CreateIncidentRule": {
        "type": "incident_rules",
        "attributes": {
            "condition": {"raw_query": "severity:SEV-1", "normalized_query": "severity:SEV-1"},
            "condition_table_type": 1, "conditions": [{"field": "severity", "values": ["SEV-1"]}],
            "enabled": True, "execution_type": 2, "match_any_condition": False,
            "task_id": "notify-incident-handles-job", "task_payload": "{}", "incident_type_uuid": TYPE,
            "trigger": "incident_created_trigger",
        },
    },
    "CreateIncidentUserDefinedRole": {
        "type": "incident_user_defined_roles",
        "attributes": {"name": "Scribe", "description": "d", "policy": {"is_single": True}},
        "relationships": {"incident_type": {"data": {"id": TYPE, "type": "incident_types"}}},
    },
    "CreateGlobalIncidentHandle": {
        "type": "incidents_handles",
        "attributes": {"name": "@incident-sev-1", "fields": {"severity": ["SEV-1"]}},
        "relationships": {"incident_type": {"data": {"id": TYPE, "type": "incident_types"}}},
    },
    "UpdateGlobalIncidentSettings": {
        "type": "incidents_global_settings", "attributes": {"analytics_dashboard_id": "abc-def-ghi"}
    },
    "CreateIncidentConfiguration": {
        "type": "incidents_configurations",
        "attributes": {"execute_integrations": True, "execute_notification_rules": True,
                       "include_in_analytics": True, "include_in_search": True},
    },
}  # fmt: skip
# Updates whose body is their create's; each names the create that makes the item it changes.
UPDATES = {
    "UpdateProject": "CreateProject",
    "UpdateCaseType": "CreateCaseType",
    "UpdateCustomAttributeConfig": "CreateCustomAttributeConfig",
    "UpdateCaseView": "CreateCaseView",
    "UpdateMaintenanceWindow": "CreateMaintenanceWindow",
    "UpdateProjectNotificationRule": "CreateProjectNotificationRule",
    "UpdateIncidentType": "CreateIncidentType",
    "UpdateIncidentUserDefinedField": "CreateIncidentUserDefinedField",
    "UpdateIncidentImpactField": "CreateIncidentImpactField",
    "UpdateIncidentNotificationTemplate": "CreateIncidentNotificationTemplate",
    "UpdateIncidentNotificationRule": "CreateIncidentNotificationRule",
    "UpdateIncidentPostmortemTemplate": "CreateIncidentPostmortemTemplate",
    "UpdateIncidentRule": "CreateIncidentRule",
    "UpdateIncidentUserDefinedRole": "CreateIncidentUserDefinedRole",
    "UpdateGlobalIncidentHandle": "CreateGlobalIncidentHandle",
    "UpdateIncidentConfiguration": "CreateIncidentConfiguration",
}
# The operations casedesk answers 400 whatever their body: it does not host those products.
NOT_HOSTED = frozenset(
    {
        "CreateIncidentGoogleChatConfiguration", "UpdateIncidentGoogleChatConfiguration",
        "CreateIncidentGoogleMeetConfiguration", "UpdateIncidentGoogleMeetConfiguration",
    }
)  # fmt: skip
# Operations of the contract casedesk does not serve (no route).
NOT_SERVED = frozenset(
    {
        "CreateCaseAutomationRule", "UpdateCaseAutomationRule",
    }
)  # fmt: skip
SETTINGS_PATHS = ("/api/v2/cases/projects", "/api/v2/cases/types", "/api/v2/cases/views",
                  "/api/v2/maintenance_windows", "/api/v2/incidents/config/")  # fmt: skip


def body_of(operation_id: str) -> dict[str, Any]:
    data = copy.deepcopy(BODIES.get(operation_id) or BODIES[UPDATES[operation_id]])
    if operation_id in UPDATES and operation_id != "UpdateGlobalIncidentSettings":
        data["attributes"].pop("key", None)  # a project's key is set once
    return {"data": data}


def present(document: Json, pointer: str) -> bool:
    """Whether the member's parent is in the document, so the member can be set alone."""
    parts = pointer.strip("/").split("/")
    node = document
    for part in parts[:-1]:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    return isinstance(node, dict) or (isinstance(node, list) and parts[-1].isdigit() and len(node) > 0)


def with_value(document: Json, pointer: str, value: Json) -> Json:
    changed = copy.deepcopy(document)
    parts = pointer.strip("/").split("/")
    node = changed
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[int(parts[-1]) if isinstance(node, list) else parts[-1]] = value
    return changed


NOT_A = {
    "boolean": [{"x": 1}, [True], 0, 1, "true", 1.5],
    "string": [{"x": 1}, ["x"], True, 1, 1.5],
    "integer": [{"x": 1}, [1], "1", True, 1.5],
}


def wrong_values(member: Member) -> list[Json]:
    if member.type != "enum":
        return NOT_A[member.type]
    if all(isinstance(v, int) for v in member.values):
        return [*NOT_A["integer"], max(member.values) + 100]
    return [*NOT_A["string"], "no-such-value"]


def cases() -> Iterator[Any]:
    for operation_id in sorted({*BODIES, *UPDATES}):
        _, _, schema = operation(operation_id)
        body = body_of(operation_id)
        for member in typed_members(schema):
            if member.pointer.startswith(("/data/attributes/", "/data/type", "/data/id")) and present(
                body, member.pointer
            ):
                yield pytest.param(operation_id, member, id=f"{operation_id}{member.pointer}")


# -- the world the bodies refer to ---------------------------------------------------------


def filled(document: Json, world: dict[str, str]) -> Json:
    if isinstance(document, dict):
        return {k: filled(v, world) for k, v in document.items()}
    if isinstance(document, list):
        return [filled(v, world) for v in document]
    if isinstance(document, str) and document in world:
        return world[document]
    return document


@pytest.fixture(scope="module")
def world(http: httpx.Client, server: Server) -> dict[str, str]:
    def made(path: str, body: dict[str, Any]) -> str:
        response = http.post(path, json=body)
        assert response.status_code in (200, 201), response.text
        return str(response.json()["data"]["id"])

    key = "S" + uuid.uuid4().hex[:8].upper()
    found = {
        TYPE: made("/api/v2/incidents/config/types", {"data": {"type": "incident_types",
                                                              "attributes": {"name": "S"}}}),
        PROJECT: made("/api/v2/cases/projects", {"data": {"type": "project",
                                                         "attributes": {"name": "S", "key": key}}}),
        CASE_TYPE: made("/api/v2/cases/types", {"data": {"type": "case_type", "attributes": {"name": "S"}}}),
    }  # fmt: skip
    found[INCIDENT] = new_incident(http)
    found[SLACK_ACCOUNT] = add_slack_account(server)
    ops = http.post(f"/api/v1/integration/slack/configuration/accounts/{found[SLACK_ACCOUNT]}/channels",
                    json={"name": "#ops"})  # fmt: skip
    assert ops.status_code == 201, ops.text
    return found


def new_incident(http: httpx.Client) -> str:
    title = {"data": {"type": "incidents", "attributes": {"title": "Strict", "customer_impacted": False}}}
    response = http.post("/api/v2/incidents", json=title)
    assert response.status_code == 201, response.text
    return str(response.json()["data"]["id"])


PATH_PARAMETERS = {
    "project_id": PROJECT,
    "case_type_id": CASE_TYPE,
    "incident_id": INCIDENT,
    "incident_type_id": TYPE,
}


@dataclass(frozen=True)
class Target:
    method: str
    path: str
    body: dict[str, Any]
    probe: tuple[str, str, Json]  # a request whose answer shows what the operation would change


def target(operation_id: str, http: httpx.Client, world: dict[str, str]) -> Target:
    method, path, _ = operation(operation_id)
    body = filled(body_of(operation_id), world)
    if operation_id == "CreateProject":
        body["data"]["attributes"]["key"] = "S" + uuid.uuid4().hex[:8].upper()
    values = {name: world[placeholder] for name, placeholder in PATH_PARAMETERS.items()}
    if "{incident_id}" in path:
        # An incident has one configuration: each case gets an incident of its own.
        values["incident_id"] = new_incident(http)
    create = UPDATES.get(operation_id)
    item_id = None
    if create is not None and operation_id != "UpdateGlobalIncidentHandle":
        _, create_path, _ = operation(create)
        create_body = unique(create, filled(body_of(create), world))
        if create == "CreateProject":
            create_body["data"]["attributes"]["key"] = "S" + uuid.uuid4().hex[:8].upper()
        created = http.post(create_path.format(**values), json=create_body)
        assert created.status_code in (200, 201), created.text
        item_id = created.json()["data"]["id"]
    if operation_id == "UpdateGlobalIncidentHandle":
        _, create_path, _ = operation(create or "")
        created = http.post(create_path, json=filled(body_of("CreateGlobalIncidentHandle"), world))
        assert created.status_code == 201, created.text
        body["data"]["id"] = created.json()["data"]["id"]
    parameter = next((p for p in path.split("/") if p.startswith("{") and p[1:-1] not in values), None)
    if parameter and item_id is not None:
        values[parameter[1:-1]] = item_id
        if "id" in body["data"] or operation_id.startswith("UpdateIncident"):
            body["data"]["id"] = item_id
    concrete = path.format(**values)
    return Target(method, concrete, unique(operation_id, body), probe_of(operation_id, concrete, world))


def unique(operation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Names that must be unique in their scope, made so for each case."""
    attributes = body["data"]["attributes"]
    if operation_id == "CreateCustomAttributeConfig":
        attributes["key"] = "k" + uuid.uuid4().hex[:8]
    if operation_id == "CreateIncidentUserDefinedField":
        attributes["name"] = "f" + uuid.uuid4().hex[:8]
    return body


NO_ITEM_GET = frozenset(
    {
        "UpdateIncidentImpactField",
        "UpdateMaintenanceWindow",
        "UpdateCustomAttributeConfig",
        "UpdateCaseType",
        "UpdateProjectNotificationRule",
    }
)


def probe_of(operation_id: str, path: str, world: dict[str, str]) -> tuple[str, str, Json]:
    if "/configurations" in path:
        # No GET: an empty PATCH answers the configuration as it is (404 while there is none).
        return "PATCH", path, {"data": {"type": "incidents_configurations", "attributes": {}}}
    if operation_id == "CreateCaseView":
        return "GET", f"{path}?project_id={world[PROJECT]}", None
    if operation_id in NO_ITEM_GET:
        return "GET", path.rsplit("/", 1)[0], None  # no GET of one item
    return "GET", path, None


def snapshot(http: httpx.Client, probe: tuple[str, str, Json]) -> Json:
    method, path, body = probe
    response = http.request(method, path, json=body)
    assert response.status_code in (200, 404), response.text
    return response.status_code, strip_times(response.json())


TIMES = frozenset({"created", "modified", "modified_at", "modifiedAt"})


def strip_times(document: Json) -> Json:
    """Without the times an answer may show afresh: the global settings' are those of the
    answer until they are first stored, and an empty PATCH counts as a modification."""
    if isinstance(document, dict):
        return {k: strip_times(v) for k, v in document.items() if k not in TIMES}
    if isinstance(document, list):
        return [strip_times(v) for v in document]
    return document


def pointer_of(response: httpx.Response) -> str:
    error = response.json()["errors"][0]
    if isinstance(error, dict):
        return str(error.get("source", {}).get("pointer", ""))
    return str(error).split(": ", 1)[0]


@pytest.mark.parametrize(("operation_id", "member"), list(cases()))
def test_a_wrong_json_type_is_refused_at_its_pointer_and_nothing_is_stored(
    http: httpx.Client, world: dict[str, str], operation_id: str, member: Member
) -> None:
    at = target(operation_id, http, world)
    before = snapshot(http, at.probe)
    for value in wrong_values(member):
        response = http.request(at.method, at.path, json=with_value(at.body, member.pointer, value))
        assert response.status_code == 400, f"{member.pointer}={value!r}: {response.text}"
        assert pointer_of(response) == member.pointer, f"{member.pointer}={value!r}: {response.text}"
    assert snapshot(http, at.probe) == before


def test_every_settings_operation_with_a_body_is_covered(http: httpx.Client) -> None:
    served = {
        op.get("operationId")
        for item in http.get("/openapi.json").json()["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
    }
    in_scope = {
        op["operationId"]
        for path, item in contract()["paths"].items()
        if path.startswith(SETTINGS_PATHS)
        for method, op in item.items()
        if method in ("post", "put", "patch") and "requestBody" in op and "schema" in str(op["requestBody"])
    }
    assert in_scope - {*BODIES, *UPDATES} - NOT_HOSTED - NOT_SERVED == set()
    assert served & NOT_SERVED == set()


@pytest.mark.parametrize("operation_id", sorted(NOT_HOSTED))
def test_products_casedesk_does_not_host_refuse_any_body(
    http: httpx.Client, world: dict[str, str], operation_id: str
) -> None:
    method, path, _ = operation(operation_id)
    body = {"data": {"type": {"x": 1}, "attributes": {"auto_summarize": 0}}}
    assert http.request(method, path.format(id=uuid.uuid4()), json=body).status_code == 400
