"""A valid request for every operation casedesk serves, with the resources it names made fresh.

`Arena` makes what a request names (a case, a view, an incident and its todo, a comment cell…)
as the admin, each kind once per arena, so a request built in a fresh arena touches nothing
another request uses. `build(operation, arena)` resolves the path parameters by name, fills the
required query parameters, and takes the request body from the contract's example for the
operation with the ids in it pointed at the arena's resources; `BODIES` overrides the examples
that do not fit (or that the contract lacks: the Tines dialect publishes none). An operation
with no way to build its request raises `NoRecipe`.

The arena remembers whether the request reached into the project whose access is restricted
(`in_project`), which is what decides whether a caller who may not see it gets a 404.
"""

from __future__ import annotations

import base64
import copy
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import yaml
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from casedesk.domain.vocab import Scope
from casedesk.entrypoints import api_datadog, api_tines

CONTRACT = Path(api_datadog.__file__).parent / "datadog-v2-cases-incidents.yaml"
STANDARD_TYPE = "00000000-0000-0000-0000-000000000001"
INTEGRATIONS = api_datadog.V1_PREFIX
TEAMS_HANDLES = "/api/v2/integration/ms-teams/configuration/workflows-webhook-handles"
TEAMS_URL = "https://prod-00.westus.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=s"


class NoRecipe(Exception):
    """The operation names something the arena cannot make: add it here."""


# -- the operations, as /openapi.json lists them, with the scope their route checks -------


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str  # the template, e.g. /api/v2/cases/{case_id}
    document: dict[str, Any] = field(compare=False, repr=False)
    required_queries: tuple[str, ...] = ()

    @property
    def dialect(self) -> str:
        tines = self.path.startswith("/api/v1") and not self.path.startswith(api_datadog.V1_PREFIX + "/")
        return "tines" if tines else "datadog"

    @property
    def parameters(self) -> list[str]:
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{")]


def served_operations(document: dict[str, Any]) -> list[Operation]:
    return [
        Operation(op["operationId"], method.upper(), path, op, required_queries(document, op))
        for path, item in document["paths"].items()
        for method, op in item.items()
    ]


def required_queries(document: dict[str, Any], op: dict[str, Any]) -> tuple[str, ...]:
    """The names of the operation's required query parameters, shared ones ($ref) resolved."""
    shared = document.get("components", {}).get("parameters", {})
    found = []
    for declared in op.get("parameters", []):
        if "$ref" in declared:
            declared = shared[declared["$ref"].rsplit("/", 1)[1]]
        if declared["in"] == "query" and declared.get("required"):
            found.append(declared["name"])
    return tuple(found)


def _scopes_checked(dependant: Dependant) -> set[Scope]:
    """The scopes the route's dependencies check: each is a closure over the scope it was made
    for (`deps.context`, `tines_context`), so it is read from there rather than restated."""
    found: set[Scope] = set()
    closure = getattr(dependant.call, "__closure__", None) or ()
    found |= {cell.cell_contents for cell in closure if isinstance(cell.cell_contents, Scope)}
    for inner in dependant.dependencies:
        found |= _scopes_checked(inner)
    return found


@cache
def route_scopes() -> dict[str, Scope]:
    """Operation id → the one scope its route checks before anything else, for every route."""
    scopes: dict[str, Scope] = {}
    for routes in (api_datadog.router(), api_datadog.v1_router(), api_tines.router()):
        for context in iter_route_contexts(routes.routes):
            route = context.original_route
            if isinstance(route, APIRoute) and route.include_in_schema:
                checked = _scopes_checked(route.dependant)
                assert len(checked) == 1, (route.name, checked)
                scopes[route.name] = checked.pop()
    return scopes


@cache
def contract_examples() -> dict[str, Any]:
    """Operation id → the first example request body the contract gives for it."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when built with it
    contract = yaml.load(CONTRACT.read_text(), Loader=loader)
    examples: dict[str, Any] = {}
    for item in contract["paths"].values():
        for op in item.values():
            if not isinstance(op, dict) or "requestBody" not in op:
                continue
            content = op["requestBody"]["content"].get("application/json", {})
            for example in content.get("examples", {}).values():
                examples[op["operationId"]] = example["value"]
                break
    return examples


# -- what a request names, made as the admin ---------------------------------------------


def unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}"


@dataclass
class World:
    """What every arena shares: the admin's clients and the project whose access is restricted."""

    dd: httpx.Client
    tines: httpx.Client
    project_id: str
    project_key: str
    team_id: int
    admin_id: str
    colleague_email: str  # a member of the project, for requests naming someone else
    # Another project with the same access as the first, for a request that deletes it.
    restricted_project: Callable[[], dict[str, Any]]
    # A new application key for the user with this email; answers its id.
    issue_key: Callable[[str], str]
    # A new Slack account (as `casedesk slack accounts add` makes one); answers its name.
    add_slack_account: Callable[[], str]


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.is_success, (response.request.method, response.request.url, response.text)
    return dict(response.json())


class Arena:
    """Resources for one request, each kind made once on first use (see the module's doc)."""

    def __init__(self, world: World, caller_email: str | None = None) -> None:
        """`caller_email` is whom the request is sent as, for what it names of their own."""
        self.world = world
        self.caller_email = caller_email
        self.in_project = False
        self._made: dict[str, Any] = {}
        self.case_type_id: str | None = None  # the type the arena's cases take

    def _once(self, kind: str, make: Callable[[], Any]) -> Any:
        if kind not in self._made:
            self._made[kind] = make()
        return self._made[kind]

    @property
    def dd(self) -> httpx.Client:
        return self.world.dd

    @property
    def tines(self) -> httpx.Client:
        return self.world.tines

    # -- the restricted project and what lives in it

    def project_id(self) -> str:
        self.in_project = True
        return self.world.project_id

    def team_id(self) -> int:
        self.in_project = True
        return self.world.team_id

    def own_project_id(self) -> str:
        """A project restricted like the shared one, for a request that deletes it."""
        self.in_project = True
        return str(self._once("own_project", lambda: self.world.restricted_project()["id"]))

    def other_project_id(self) -> str:
        return str(self._once("other_project", lambda: new_project(self.dd)["id"]))

    def _case(self, kind: str) -> dict[str, Any]:
        def make() -> dict[str, Any]:
            attributes = {"title": unique("Disk full"), "type_id": self.case_type_id or STANDARD_TYPE}
            body = {
                "data": {
                    "type": "case",
                    "attributes": attributes,
                    "relationships": {"project": {"data": {"id": self.world.project_id, "type": "project"}}},
                }
            }
            return dict(created(self.dd.post("/api/v2/cases", json=body))["data"])

        self.in_project = True
        return dict(self._once(kind, make))

    def case_id(self) -> str:
        return str(self._case("case")["id"])

    def case_number(self) -> int:
        return int(self._case("case")["attributes"]["case_number"])

    def other_case_id(self) -> str:
        return str(self._case("other_case")["id"])

    def other_case_number(self) -> int:
        return int(self._case("other_case")["attributes"]["case_number"])

    def open_case_number(self) -> int:
        """A case in a project everyone sees."""

        def make() -> int:
            body = {
                "data": {
                    "type": "case",
                    "attributes": {"title": unique("Elsewhere"), "type_id": STANDARD_TYPE},
                    "relationships": {
                        "project": {"data": {"id": self.other_project_id(), "type": "project"}}
                    },
                }
            }
            return int(created(self.dd.post("/api/v2/cases", json=body))["data"]["attributes"]["case_number"])

        return int(self._once("open_case", make))

    def cell_id(self) -> str:
        def make() -> str:
            body = {"data": {"type": "case", "attributes": {"comment": "Looking into it"}}}
            cells = created(self.dd.post(f"/api/v2/cases/{self.case_id()}/comment", json=body))["data"]
            return str(cells[0]["id"])

        return str(self._once("cell", make))

    def link_id(self) -> str:
        def make() -> str:
            body = {
                "data": {
                    "type": "link",
                    "attributes": {
                        "parent_entity_id": self.case_id(),
                        "parent_entity_type": "CASE",
                        "child_entity_id": self.other_case_id(),
                        "child_entity_type": "CASE",
                        "relationship": "BLOCKS",
                    },
                }
            }
            return str(created(self.dd.post("/api/v2/cases/link", json=body))["data"]["id"])

        return str(self._once("link", make))

    def view_id(self) -> str:
        def make() -> str:
            attributes = {"name": unique("Open"), "project_id": self.world.project_id, "query": "status:open"}
            body = {"data": {"type": "view", "attributes": attributes}}
            return str(created(self.dd.post("/api/v2/cases/views", json=body))["data"]["id"])

        self.in_project = True
        return str(self._once("view", make))

    # -- Tines' things under a case

    def tines_comment_id(self) -> int:
        def make() -> int:
            path = f"/api/v1/cases/{self.case_number()}/comments"
            return int(created(self.tines.post(path, json={"value": "Looking"}))["id"])

        return int(self._once("tines_comment", make))

    def reacted_comment_id(self) -> int:
        def make() -> int:
            comment = self.tines_comment_id()
            path = f"/api/v1/cases/{self.case_number()}/comments/{comment}/add_reaction"
            created(self.tines.post(path, json={"value": "heart"}))
            return comment

        return int(self._once("reacted_comment", make))

    def button_id(self) -> int:
        def make() -> int:
            body = {"button_type": "page", "url": "https://example.com", "label": "Run"}
            answer = created(self.tines.post(f"/api/v1/cases/{self.case_number()}/buttons", json=body))
            return int(answer["case_buttons"][-1]["id"] if "case_buttons" in answer else answer["id"])

        return int(self._once("button", make))

    def metadata_key(self) -> str:
        def make() -> str:
            path = f"/api/v1/cases/{self.case_number()}/metadata"
            created(self.tines.post(path, json={"metadata": {"env": "prod"}}))
            return "env"

        return str(self._once("metadata", make))

    def linked_case_number(self) -> int:
        def make() -> int:
            path = f"/api/v1/cases/{self.case_number()}/linked_cases"
            created(self.tines.post(path, json={"id": self.other_case_number()}))
            return self.other_case_number()

        return int(self._once("linked_case", make))

    def file_id(self) -> int:
        def make() -> int:
            body = {"filename": "a.txt", "file_contents": base64.b64encode(b"hi").decode()}
            return int(created(self.tines.post(f"/api/v1/cases/{self.case_number()}/files", json=body))["id"])

        return int(self._once("file", make))

    def subscriber(self) -> str:
        def make() -> str:
            path = f"/api/v1/cases/{self.case_number()}/subscribers"
            created(self.tines.post(path, json={"user_email": self.world.colleague_email}))
            return self.world.colleague_email

        return str(self._once("subscriber", make))

    def record_id(self) -> int:
        def make() -> int:
            body = {"field_values": [{"name": "host", "value": "db-1"}]}
            return int(created(self.tines.post("/api/v1/records", json=body))["id"])

        return int(self._once("record", make))

    # -- shared configuration, users, maintenance windows

    def case_type(self) -> str:
        def make() -> str:
            body = {"data": {"type": "case_type", "attributes": {"name": unique("Type")}}}
            return str(created(self.dd.post("/api/v2/cases/types", json=body))["data"]["id"])

        return str(self._once("case_type", make))

    def custom_attribute(self) -> dict[str, Any]:
        """A NUMBER attribute on a fresh case type, which the arena's cases then take."""

        def make() -> dict[str, Any]:
            type_id = self.case_type()
            self.case_type_id = type_id
            key = "n_" + uuid.uuid4().hex[:8]
            attributes = {"display_name": "Count", "key": key, "type": "NUMBER", "is_multi": False}
            body = {"data": {"type": "custom_attribute", "attributes": attributes}}
            path = f"/api/v2/cases/types/{type_id}/custom_attributes"
            return dict(created(self.dd.post(path, json=body))["data"])

        return dict(self._once("custom_attribute", make))

    def user_id(self) -> str:
        def make() -> str:
            body = {"data": {"type": "users", "attributes": {"email": unique("someone") + "@example.com"}}}
            return str(created(self.dd.post("/api/v2/users", json=body))["data"]["id"])

        return str(self._once("user", make))

    def role_id(self, name: str) -> str:
        """The id of the role named `name` in ListRoles."""

        def make() -> dict[str, str]:
            roles = created(self.dd.get("/api/v2/roles"))["data"]
            return {role["attributes"]["name"]: role["id"] for role in roles}

        return str(self._once("roles", make)[name])

    def key_id(self) -> str:
        """A new application key of someone who is none of the callers."""
        return str(self._once("key", lambda: self.world.issue_key(self.world.colleague_email)))

    def own_key_id(self) -> str:
        """A new application key of the caller's, besides the one they call with."""
        if self.caller_email is None:
            raise NoRecipe("a key of the caller's own needs an arena made for the caller")
        email = self.caller_email
        return str(self._once("own_key", lambda: self.world.issue_key(email)))

    def maintenance_window_id(self) -> str:
        def make() -> str:
            attributes = {
                "name": unique("Window"),
                "query": "priority:P1",
                "start_at": "2030-06-01T00:00:00Z",
                "end_at": "2030-06-01T06:00:00Z",
            }
            body = {"data": {"type": "maintenance_window", "attributes": attributes}}
            return str(created(self.dd.post("/api/v2/maintenance_windows", json=body))["data"]["id"])

        return str(self._once("maintenance_window", make))

    def notification_rule_id(self) -> str:
        """A case notification rule of the shared (restricted) project."""

        def make() -> str:
            path = f"/api/v2/cases/projects/{self.world.project_id}/notification_rules"
            return str(created(self.dd.post(path, json=notification_rule_body()))["data"]["id"])

        self.in_project = True
        return str(self._once("notification_rule", make))

    def delivery_id(self) -> str:
        """A delivery about a new case of the shared (restricted) project, made by the
        server's worker from a rule only that case matches (an email one: with no relay
        configured, it goes dead at once)."""

        def make() -> str:
            word = "dlv" + uuid.uuid4().hex[:12]
            rule = notification_rule_body()
            rule["data"]["attributes"]["query"] = word
            path = f"/api/v2/cases/projects/{self.world.project_id}/notification_rules"
            created(self.dd.post(path, json=rule))
            relationships = {"project": {"data": {"id": self.world.project_id, "type": "project"}}}
            attributes = {"title": f"{word} disk full", "type_id": STANDARD_TYPE}
            body = {"data": {"type": "case", "attributes": attributes, "relationships": relationships}}
            key = created(self.dd.post("/api/v2/cases", json=body))["data"]["attributes"]["key"]
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                found = created(self.dd.get("/api/v2/deliveries", params={"filter[case]": key}))["data"]
                if found:
                    return str(found[0]["id"])
                time.sleep(0.05)
            raise AssertionError(f"no delivery about {key} appeared")

        self.in_project = True
        return str(self._once("delivery", make))

    # -- notification channels

    def webhook_name(self) -> str:
        def make() -> str:
            body = {"name": unique("hook"), "url": "https://hooks.example.com/casedesk"}
            return str(
                created(self.dd.post(f"{INTEGRATIONS}/webhooks/configuration/webhooks", json=body))["name"]
            )

        return str(self._once("webhook", make))

    def custom_variable_name(self) -> str:
        def make() -> str:
            name = "VAR_" + uuid.uuid4().hex[:8].upper()
            body = {"name": name, "value": "v", "is_secret": False}
            path = f"{INTEGRATIONS}/webhooks/configuration/custom-variables"
            return str(created(self.dd.post(path, json=body))["name"])

        return str(self._once("custom_variable", make))

    def service_name(self) -> str:
        def make() -> str:
            body = {"service_name": unique("svc"), "service_key": uuid.uuid4().hex}
            path = f"{INTEGRATIONS}/pagerduty/configuration/services"
            return str(created(self.dd.post(path, json=body))["service_name"])

        return str(self._once("pagerduty_service", make))

    def account_name(self) -> str:
        return str(self._once("slack_account", self.world.add_slack_account))

    def channel_name(self) -> str:
        def make() -> str:
            path = f"{INTEGRATIONS}/slack/configuration/accounts/{self.account_name()}/channels"
            # Named in paths without its '#', which a URL would take for a fragment.
            made = created(self.dd.post(path, json={"name": "#" + unique("ops")}))
            return str(made["name"]).removeprefix("#")

        return str(self._once("slack_channel", make))

    def teams_handle_id(self) -> str:
        def make() -> str:
            attributes = {"name": unique("ops"), "url": TEAMS_URL}
            body = {"data": {"type": "workflows-webhook-handle", "attributes": attributes}}
            return str(created(self.dd.post(TEAMS_HANDLES, json=body))["data"]["id"])

        return str(self._once("teams_handle", make))

    # -- incidents, their items and their configuration

    def incident_id(self) -> str:
        def make() -> str:
            body = {
                "data": {
                    "type": "incidents",
                    "attributes": {"title": unique("Checkout is down"), "customer_impacted": False},
                }
            }
            return str(created(self.dd.post("/api/v2/incidents", json=body))["data"]["id"])

        return str(self._once("incident", make))

    def incident_item(self, kind: str) -> str:
        """The id of a fresh item of the arena's incident, made with its create operation."""
        create, path = INCIDENT_ITEMS[kind]
        incident = self.incident_id()

        def make() -> str:
            body = request_body(create, self)
            answer = created(self.dd.post(path.format(incident_id=incident), json=body))
            data = answer["data"]
            return str((data[0] if isinstance(data, list) else data)["id"])

        return str(self._once(f"incident_item:{kind}", make))

    def incident_configuration_id(self) -> str:
        def make() -> str:
            body = example("CreateIncidentConfiguration", self)
            path = f"/api/v2/incidents/{self.incident_id()}/configurations"
            return str(created(self.dd.post(path, json=body))["data"]["id"])

        return str(self._once("incident_configuration", make))

    def incident_type_id(self) -> str:
        return self.incident_setting("types")

    def incident_setting(self, kind: str) -> str:
        """The id of a fresh incident setting of `kind` (its path under /incidents/config)."""
        create = INCIDENT_SETTINGS[kind]

        def make() -> str:
            body = request_body(create, self)
            answer = created(self.dd.post(f"/api/v2/incidents/config/{kind}", json=body))
            return str(answer["data"]["id"])

        return str(self._once(f"incident_setting:{kind}", make))

    def global_handle_id(self) -> str:
        def make() -> str:
            body = request_body("CreateGlobalIncidentHandle", self)
            answer = created(self.dd.post("/api/v2/incidents/config/global/incident-handles", json=body))
            return str(answer["data"]["id"])

        return str(self._once("global_handle", make))


def new_project(dd: httpx.Client) -> dict[str, Any]:
    key = "P" + uuid.uuid4().hex[:8].upper()
    body = {"data": {"type": "project", "attributes": {"name": unique("Project"), "key": key}}}
    return dict(created(dd.post("/api/v2/cases/projects", json=body))["data"])


# Incident items: kind → the operation that creates one and its path.
INCIDENT_ITEMS: dict[str, tuple[str, str]] = {
    "todos": ("CreateIncidentTodo", "/api/v2/incidents/{incident_id}/relationships/todos"),
    "attachments": ("CreateIncidentAttachment", "/api/v2/incidents/{incident_id}/attachments"),
    "impacts": ("CreateIncidentImpact", "/api/v2/incidents/{incident_id}/impacts"),
    "responders": ("CreateIncidentResponder", "/api/v2/incidents/{incident_id}/responders"),
    "integrations": (
        "CreateIncidentIntegration",
        "/api/v2/incidents/{incident_id}/relationships/integrations",
    ),
    "timestamp-overrides": ("CreateTimestampOverride", "/api/v2/incidents/{incident_id}/timestamp-overrides"),
}

# Incident settings: their path under /incidents/config → the operation that creates one.
INCIDENT_SETTINGS: dict[str, str] = {
    "types": "CreateIncidentType",
    "user-defined-fields": "CreateIncidentUserDefinedField",
    "impact-fields": "CreateIncidentImpactField",
    "notification-rules": "CreateIncidentNotificationRule",
    "notification-templates": "CreateIncidentNotificationTemplate",
    "postmortem-templates": "CreateIncidentPostmortemTemplate",
    "rules": "CreateIncidentRule",
    "user-defined-roles": "CreateIncidentUserDefinedRole",
}


# -- path and query parameters -----------------------------------------------------------

# A path parameter named for what it names, resolved the same way wherever it appears.
DATADOG_PARAMETERS: dict[str, Callable[[Arena], object]] = {
    "case_id": Arena.case_id,
    "project_id": Arena.project_id,
    "cell_id": Arena.cell_id,
    "link_id": Arena.link_id,
    "view_id": Arena.view_id,
    "user_uuid": lambda arena: arena.world.admin_id,
    "case_type_id": Arena.case_type,
    "custom_attribute_id": lambda arena: arena.custom_attribute()["id"],
    "custom_attribute_key": lambda arena: arena.custom_attribute()["attributes"]["key"],
    "user_id": Arena.user_id,
    "maintenance_window_id": Arena.maintenance_window_id,
    "notification_rule_id": Arena.notification_rule_id,
    "incident_id": Arena.incident_id,
    "incident_type_id": Arena.incident_type_id,
    "todo_id": lambda arena: arena.incident_item("todos"),
    "attachment_id": lambda arena: arena.incident_item("attachments"),
    "impact_id": lambda arena: arena.incident_item("impacts"),
    "responder_id": lambda arena: arena.incident_item("responders"),
    "integration_metadata_id": lambda arena: arena.incident_item("integrations"),
    "template_id": lambda arena: arena.incident_setting("postmortem-templates"),
    "rule_id": lambda arena: arena.incident_setting("rules"),
    "app_key_id": Arena.key_id,
    "webhook_name": Arena.webhook_name,
    "custom_variable_name": Arena.custom_variable_name,
    "service_name": Arena.service_name,
    "account_name": Arena.account_name,
    "channel_name": Arena.channel_name,
    "handle_id": Arena.teams_handle_id,
    "delivery_id": Arena.delivery_id,
}

TINES_PARAMETERS: dict[str, Callable[[Arena], object]] = {
    "case_id": Arena.case_number,
    "team_id": Arena.team_id,
    "record_id": Arena.record_id,
    "comment_id": Arena.tines_comment_id,
    "button_id": Arena.button_id,
    "key": Arena.metadata_key,
    "linked_case_id": Arena.linked_case_number,
    "file_id": Arena.file_id,
}


def resolver(operation: Operation, name: str) -> Callable[[Arena], object] | None:
    """How the arena makes what path parameter `name` of `operation` names (None: it cannot).
    A parameter named `id` or `field_id` names what the path segment before it lists."""
    if operation.dialect == "tines":
        if operation.id == "remove_reaction" and name == "comment_id":
            return Arena.reacted_comment_id
        return TINES_PARAMETERS.get(name)
    parts = operation.path.split("/")
    listed = parts[parts.index("{" + name + "}") - 1]
    if listed == "user-defined-roles":
        return lambda arena: arena.incident_setting(listed)
    if listed == "roles":
        return lambda arena: arena.role_id("Datadog Read Only Role")
    if name == "app_key_id" and "current_user" in parts:
        return Arena.own_key_id
    if name in ("id", "field_id"):
        if listed in INCIDENT_ITEMS:
            return lambda arena: arena.incident_item(listed)
        if listed in INCIDENT_SETTINGS:
            return lambda arena: arena.incident_setting(listed)
        if listed.endswith("-configurations"):
            return lambda arena: str(uuid.uuid4())  # products casedesk does not host: nothing to make
        return None
    if name == "project_id" and operation.method == "DELETE" and operation.path.endswith("{project_id}"):
        return Arena.own_project_id
    return DATADOG_PARAMETERS.get(name)


def parameter(operation: Operation, name: str, arena: Arena) -> object:
    make = resolver(operation, name)
    if make is None:
        raise NoRecipe(f"{operation.id}: path parameter {name}")
    return make(arena)


QUERIES: dict[str, Callable[[Arena], dict[str, Any]]] = {
    "ListCaseLinks": lambda arena: {"entity_type": "CASE", "entity_id": arena.case_id()},
    "ListCaseViews": lambda arena: {"project_id": arena.project_id()},
    "SearchIncidents": lambda arena: {"query": "state:active"},
    "DeleteGlobalIncidentHandle": lambda arena: {"id": arena.global_handle_id()},
}


# -- request bodies ----------------------------------------------------------------------


def _case_body(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "case", "attributes": attributes}}


def _type_ref(arena: Arena) -> dict[str, Any]:
    return {"incident_type": {"data": {"id": arena.incident_type_id(), "type": "incident_types"}}}


def _handle(arena: Arena) -> dict[str, Any]:
    return {
        "data": {
            "type": "incidents_handles",
            "attributes": {"name": "@" + unique("incident"), "fields": {}},
            "relationships": _type_ref(arena),
        }
    }


def _postmortem(arena: Arena) -> dict[str, Any]:
    document = example("CreateIncidentPostmortemAttachment", arena)
    document["data"]["attributes"]["postmortem_template_id"] = arena.incident_setting("postmortem-templates")
    return document


def _tines_author(arena: Arena) -> dict[str, Any]:
    return {"author_email": arena.world.colleague_email}


def notification_rule_body() -> dict[str, Any]:
    """The contract's example names an EMAIL recipient without its address."""
    recipient = {"type": "EMAIL", "data": {"email": "oncall@example.com"}}
    attributes = {"recipients": [recipient], "triggers": [{"type": "CASE_CREATED"}]}
    return {"data": {"type": "notification_rule", "attributes": attributes}}


# Operation id → its body, where the contract's example does not fit or there is none.
BODIES: dict[str, Callable[[Arena], Any]] = {
    # -- Datadog: the delivery log (a `since` in the future retries nothing)
    "RetryDeadDeliveries": lambda arena: {
        "data": {"type": "delivery_retry", "attributes": {"status": "dead", "since": "2999-01-01T00:00:00Z"}}
    },
    # -- Datadog: cases
    "CreateCase": lambda arena: {
        "data": {
            "type": "case",
            "attributes": {"title": "Disk full", "type_id": STANDARD_TYPE, "priority": "P3"},
            "relationships": {"project": {"data": {"id": arena.project_id(), "type": "project"}}},
        }
    },
    "BulkUpdateCases": lambda arena: {
        "data": {
            "type": "bulk",
            "attributes": {"type": "priority", "case_ids": [arena.case_id()], "payload": {"priority": "P1"}},
        }
    },
    "CreateCaseLink": lambda arena: {
        "data": {
            "type": "link",
            "attributes": {
                "parent_entity_id": arena.case_id(),
                "parent_entity_type": "CASE",
                "child_entity_id": arena.other_case_id(),
                "child_entity_type": "CASE",
                "relationship": "BLOCKS",
            },
        }
    },
    "CreateProject": lambda arena: {
        "data": {"type": "project", "attributes": {"name": "Ops", "key": "P" + uuid.uuid4().hex[:8].upper()}}
    },
    "UpdateProject": lambda arena: {"data": {"type": "project", "attributes": {"name": unique("Ops")}}},
    "CreateProjectNotificationRule": lambda arena: notification_rule_body(),
    "UpdateProjectNotificationRule": lambda arena: notification_rule_body(),
    "CreateCaseType": lambda arena: {"data": {"type": "case_type", "attributes": {"name": unique("Type")}}},
    "UpdateCaseType": lambda arena: {"data": {"type": "case_type", "attributes": {"name": unique("Type")}}},
    "CreateCustomAttributeConfig": lambda arena: {
        "data": {
            "type": "custom_attribute",
            "attributes": {
                "display_name": "Region",
                "key": "r_" + uuid.uuid4().hex[:8],
                "type": "TEXT",
                "is_multi": False,
            },
        }
    },
    "CreateCaseView": lambda arena: {
        "data": {
            "type": "view",
            "attributes": {"name": unique("Open"), "project_id": arena.project_id(), "query": "status:open"},
        }
    },
    "AssignCase": lambda arena: _case_body(assignee_id=arena.world.admin_id),
    "UpdateStatus": lambda arena: _case_body(status="IN_PROGRESS"),
    "UpdatePriority": lambda arena: _case_body(priority="P2"),
    "UpdateCaseResolvedReason": lambda arena: _case_body(security_resolved_reason="FALSE_POSITIVE"),
    "UpdateCaseCustomAttribute": lambda arena: _case_body(is_multi=False, type="NUMBER", value=42),
    "LinkIncident": lambda arena: {"data": {"id": arena.incident_id(), "type": "incidents"}},
    "MoveCaseToProject": lambda arena: {"data": {"id": arena.other_project_id(), "type": "project"}},
    # -- Datadog: notification channels
    "CreateWebhooksIntegration": lambda arena: {"name": unique("hook"), "url": "https://example.com/hook"},
    "UpdateWebhooksIntegration": lambda arena: {"payload": '{"title": "$CASE_TITLE"}'},
    "CreateWebhooksIntegrationCustomVariable": lambda arena: {
        "name": "VAR_" + uuid.uuid4().hex[:8].upper(),
        "value": "secret",
        "is_secret": True,
    },
    "UpdateWebhooksIntegrationCustomVariable": lambda arena: {"value": "changed"},
    "CreatePagerDutyIntegrationService": lambda arena: {
        "service_name": unique("svc"),
        "service_key": uuid.uuid4().hex,
    },
    "UpdatePagerDutyIntegrationService": lambda arena: {"service_key": uuid.uuid4().hex},
    "CreateSlackIntegrationChannel": lambda arena: {"name": "#" + unique("alerts")},
    "UpdateSlackIntegrationChannel": lambda arena: {"display": {"snapshot": False}},
    "CreateWorkflowsWebhookHandle": lambda arena: {
        "data": {"type": "workflows-webhook-handle", "attributes": {"name": unique("ops"), "url": TEAMS_URL}}
    },
    "UpdateWorkflowsWebhookHandle": lambda arena: {
        "data": {"type": "workflows-webhook-handle", "attributes": {"name": unique("renamed")}}
    },
    # -- Datadog: users and maintenance windows
    "CreateUser": lambda arena: {
        "data": {"type": "users", "attributes": {"email": unique("invited") + "@example.com"}}
    },
    "UpdateUser": lambda arena: {
        "data": {"id": arena.user_id(), "type": "users", "attributes": {"name": unique("Renamed")}}
    },
    # The path names the read-only role; the user is a standard one: added, they change role,
    # removed from a role they do not have, nothing changes (a user has exactly one role).
    "AddUserToRole": lambda arena: {"data": {"id": arena.user_id(), "type": "users"}},
    "RemoveUserFromRole": lambda arena: {"data": {"id": arena.user_id(), "type": "users"}},
    "CreateMaintenanceWindow": lambda arena: {
        "data": {
            "type": "maintenance_window",
            "attributes": {
                "name": unique("Window"),
                "query": "priority:P1",
                "start_at": "2030-06-01T00:00:00Z",
                "end_at": "2030-06-01T06:00:00Z",
            },
        }
    },
    # -- Datadog: incidents
    "CreateIncident": lambda arena: {
        "data": {"type": "incidents", "attributes": {"title": unique("Checkout"), "customer_impacted": False}}
    },
    "UpdateIncident": lambda arena: {
        "data": {"id": arena.incident_id(), "type": "incidents", "attributes": {"title": unique("Renamed")}}
    },
    "ImportIncident": lambda arena: {
        "data": {
            "type": "incidents",
            "attributes": {
                "title": unique("Imported"),
                "declared": "2025-01-01T00:00:00Z",
                "resolved": "2025-01-01T01:00:00Z",
                "fields": {"state": {"value": "resolved"}},
            },
        }
    },
    "CreateIncidentTodo": lambda arena: {
        "data": {"type": "incident_todos", "attributes": {"content": "Restore lost data.", "assignees": []}}
    },
    "UpdateIncidentTodo": lambda arena: {
        "data": {"type": "incident_todos", "attributes": {"content": "Restore it all.", "assignees": []}}
    },
    "CreateIncidentResponder": lambda arena: {
        "data": {
            "type": "incident_responders",
            "relationships": {"user": {"data": {"id": arena.world.admin_id, "type": "users"}}},
        }
    },
    "CreateIncidentIntegration": lambda arena: _integration(arena, "#new-channel"),
    "UpdateIncidentIntegration": lambda arena: _integration(arena, "#renamed"),
    "CreateIncidentType": lambda arena: {
        "data": {"type": "incident_types", "attributes": {"name": unique("Type"), "prefix": "IR"}}
    },
    "UpdateIncidentType": lambda arena: {
        "data": {
            "id": arena.incident_type_id(),
            "type": "incident_types",
            "attributes": {"name": unique("Type")},
        }
    },
    "CreateIncidentUserDefinedField": lambda arena: {
        "data": {
            "type": "user_defined_field",
            "attributes": {"name": "f_" + uuid.uuid4().hex[:8], "type": 3},
            "relationships": _type_ref(arena),
        }
    },
    "CreateIncidentImpactField": lambda arena: {
        "data": {
            "type": "impact_fields",
            "attributes": {
                "name": "i_" + uuid.uuid4().hex[:8],
                "display_name": "Scope",
                "field_type": "text",
            },
            "relationships": _type_ref(arena),
        }
    },
    "CreateGlobalIncidentHandle": lambda arena: _handle(arena),
    "UpdateGlobalIncidentHandle": lambda arena: {
        "data": {**_handle(arena)["data"], "id": arena.global_handle_id()}
    },
    "CreateIncidentPostmortemAttachment": lambda arena: _postmortem(arena),
    "UpdateIncidentConfiguration": lambda arena: {
        "data": {
            "id": arena.incident_configuration_id(),
            "type": "incidents_configurations",
            "attributes": {"include_in_search": False},
        }
    },
    # -- Tines
    "create_record": lambda arena: {"field_values": [{"name": "host", "value": "db-1"}]},
    "create_case": lambda arena: {"team_id": arena.team_id(), "name": "Disk full"},
    "update_case": lambda arena: {"add_tag_names": ["db"]},
    "comment": lambda arena: {"value": "Looking"},
    "add_reaction": lambda arena: {"value": "heart"},
    "remove_reaction": lambda arena: {"value": "heart"},
    "subscribe": lambda arena: {"user_email": arena.world.colleague_email},
    "unsubscribe": lambda arena: {"user_email": arena.subscriber()},
    "add_button": lambda arena: {"button_type": "page", "url": "https://example.com", "label": "Run"},
    "update_button": lambda arena: {"label": "Rerun"},
    "add_metadata": lambda arena: {"metadata": {"team": "db"}},
    "update_metadata": lambda arena: {"metadata": {arena.metadata_key(): "staging"}},
    "delete_metadata": lambda arena: {"metadata": [arena.metadata_key()]},
    # To a case everyone sees: when both ends are hidden, which one the answer names (the path's,
    # 404, or the body's, 400) follows the order the cases are locked in, their ids'.
    "link_case": lambda arena: {"id": arena.open_case_number()},
    "attach_file": lambda arena: {"filename": "a.txt", "file_contents": base64.b64encode(b"hi").decode()},
}


def _integration(arena: Arena, channel: str) -> dict[str, Any]:
    document = example("CreateIncidentIntegration", arena)
    document["data"]["attributes"]["metadata"]["channels"][0]["channel_name"] = channel
    return document


def example(operation: str, arena: Arena) -> dict[str, Any]:
    """The contract's example body for `operation`, with what it names pointed at the arena:
    the incident it is about, the resource the path names (`data.id`)."""
    examples = contract_examples()
    if operation not in examples:
        raise NoRecipe(f"{operation}: no example request body in the contract")
    document = copy.deepcopy(examples[operation])
    data = document.get("data", {})
    if "incident_id" in data.get("attributes", {}):
        data["attributes"]["incident_id"] = arena.incident_id()
    relationships = data.get("relationships", {})
    if "incident_type" in relationships:
        relationships["incident_type"] = _type_ref(arena)["incident_type"]
    if "notification_template" in relationships:
        template = arena.incident_setting("notification-templates")
        relationships["notification_template"]["data"]["id"] = template
    return dict(document)


def request_body(operation: str, arena: Arena) -> Any:
    if operation in BODIES:
        return BODIES[operation](arena)
    return example(operation, arena)


# Operations whose request carries a body (beyond those the contract gives one for).
def has_body(operation: Operation) -> bool:
    return "requestBody" in operation.document


# -- the request -------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    params: dict[str, Any] | None = None
    json: Any = None
    sends_body: bool = False

    def send(self, client: httpx.Client) -> httpx.Response:
        if self.sends_body:
            return client.request(self.method, self.path, params=self.params, json=self.json)
        return client.request(self.method, self.path, params=self.params)


def build(
    operation: Operation, arena: Arena, *, variant: Callable[[Any, Arena], Any] | None = None
) -> Request:
    """A valid request for `operation`: its resources made in `arena`, and its body (as
    `variant` changes it, for the rows that test one member's rule)."""
    path = operation.path
    # Custom attribute paths first: the arena's cases then take the attribute's type.
    names = sorted(operation.parameters, key=lambda name: not name.startswith("custom_attribute"))
    for name in names:
        path = path.replace("{" + name + "}", str(parameter(operation, name, arena)))
    params = QUERIES[operation.id](arena) if operation.id in QUERIES else None
    body = None
    if has_body(operation):
        body = request_body(operation.id, arena)
        named = operation.parameters
        if named and isinstance(body, dict) and "id" in body.get("data", {}) and operation.id not in BODIES:
            # An update's `data.id` repeats what the path names.
            body["data"]["id"] = path.rstrip("/").rsplit("/", 1)[1]
        if variant is not None:
            body = variant(body, arena)
    return Request(operation.method, path, params, body, has_body(operation))


def missing(operation: Operation) -> list[str]:
    """What `build` would not know how to make for `operation`, found without making anything."""
    gaps = [f"path parameter {name}" for name in operation.parameters if resolver(operation, name) is None]
    if operation.required_queries and operation.id not in QUERIES:
        gaps.append(f"query parameters {', '.join(operation.required_queries)}")
    if has_body(operation) and operation.id not in BODIES and operation.id not in contract_examples():
        gaps.append("a request body")
    return gaps
