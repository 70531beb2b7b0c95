"""Every operation casedesk serves, called by each kind of caller, answers what the access rules
say: 403 when the caller's key (as their role allows it) lacks the scope the route checks,
404 when the request reaches into a restricted project the caller may not see, 403 when an
ownership rule refuses them, and a success otherwise.

The expected status is computed from the rules (`expected`), never typed per cell; the scope
of each route is read from the route itself (`access_recipes.route_scopes`). Each cell is a
valid request (`access_recipes.build`) made on resources of its own, so that the only thing
that differs between the callers of one operation is who calls.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from casedesk.bootstrap import Container
from casedesk.domain.ids import UserRef
from casedesk.domain.notifications.commands import AddSlackAccount
from casedesk.domain.projects.commands import AddProjectMember, RestrictProject
from casedesk.domain.users import CreateKeys, CreateUser, Principal, Role, effective_scopes
from casedesk.domain.vocab import Scope
from tests.api import access_recipes as recipes
from tests.api import dd
from tests.support import Keys, Server

# -- the callers -------------------------------------------------------------------------


class Membership(enum.Enum):
    NONE = "none"
    MEMBER = "member"
    ADMIN = "admin"  # the project's admin


@dataclass(frozen=True)
class Caller:
    name: str
    role: Role
    membership: Membership
    scopes: frozenset[Scope] = Scope.default()

    @property
    def effective(self) -> frozenset[Scope]:
        return effective_scopes(self.scopes, self.role)

    @property
    def sees_project(self) -> bool:
        return self.role is Role.ADMIN or self.membership is not Membership.NONE

    @property
    def administers_project(self) -> bool:
        return self.role is Role.ADMIN or self.membership is Membership.ADMIN


CALLERS = [
    Caller("admin", Role.ADMIN, Membership.NONE),
    Caller("standard_member", Role.STANDARD, Membership.MEMBER),
    Caller("project_admin", Role.STANDARD, Membership.ADMIN),
    Caller("standard_outsider", Role.STANDARD, Membership.NONE),
    Caller("read_only_member", Role.READ_ONLY, Membership.MEMBER),
    Caller("read_only_outsider", Role.READ_ONLY, Membership.NONE),
]
# A member whose key may also name another user as the actor (Tines' `author_email`).
RELAY = Caller(
    "standard_member_acting", Role.STANDARD, Membership.MEMBER, Scope.default() | {Scope.ACT_ON_BEHALF}
)


# -- the rules ---------------------------------------------------------------------------

# Editing or deleting a comment is for its author or an admin; the cells' comments are
# written by the installation's first admin, who is none of the callers.
AUTHOR_ONLY = {"UpdateCaseComment", "DeleteCaseComment"}
# Deleting a case or a project, and changing a project's notification rules, is for an admin
# or the project's admin.
PROJECT_ADMIN_ONLY = {
    "DeleteProject",
    "delete_case",
    "CreateProjectNotificationRule",
    "UpdateProjectNotificationRule",
    "DeleteProjectNotificationRule",
}
# Products casedesk does not host answer 400 with a sentence saying so, to whoever may read
# incidents: the operations exist in Datadog's contract, the products do not exist here.
NOT_HOSTED = {
    "CreateIncidentGoogleChatConfiguration",
    "UpdateIncidentGoogleChatConfiguration",
    "CreateIncidentGoogleMeetConfiguration",
    "UpdateIncidentGoogleMeetConfiguration",
    "GetIncidentAIPostmortem",
    "CreatePageFromIncident",
    "CreateOnCallPageFromIncident",
    "LinkPageToIncident",
    "CreateIncidentServiceNowRecord",
}
# Where a request names what the caller may not see in its body rather than its path, the
# dialect refuses it as it refuses any unknown reference there: a 400 pointing at the member
# (Datadog's bulk update at /data/attributes/case_ids/<i>, Tines' case creation at team_id).
UNSEEN_IN_BODY = {"BulkUpdateCases": 400, "create_case": 400}


@dataclass(frozen=True)
class Variant:
    """A row besides an operation's plain one, whose body also sets what one rule is about."""

    name: str
    operations: frozenset[str]
    members: Callable[[recipes.Arena], dict[str, Any]]  # added to the body (Tines) or its attributes
    rule: str  # the rule that applies to the variant alone


VARIANTS = [
    # Naming someone else as the author (Tines' `author_email`) needs act_on_behalf.
    Variant(
        "author_email",
        frozenset({"create_case", "update_case", "comment", "attach_file"}),
        lambda arena: {"author_email": arena.world.colleague_email},
        "act_on_behalf",
    ),
    # A project's settings are its admin's to change (renaming it is any member's).
    Variant(
        "settings",
        frozenset({"UpdateProject"}),
        lambda arena: {"settings": {"notification": {"enabled": True, "notify_on_case_closed": True}}},
        "project admin",
    ),
]


@dataclass(frozen=True)
class Expected:
    status: int | None  # None: any 2xx
    rule: str  # the rule that decided it

    def matches(self, status: int) -> bool:
        return 200 <= status < 300 if self.status is None else status == self.status

    def __str__(self) -> str:
        return f"{self.status or '2xx'} ({self.rule})"


def expected(
    operation: recipes.Operation, caller: Caller, *, in_project: bool, variant: Variant | None = None
) -> Expected:
    """What `caller` gets for a valid request for `operation`, by the rules in the order the
    server applies them: the route's scope before anything is read, then whether the project
    can be seen (as what the request names is loaded), then whether someone else may be
    named as the actor, then ownership."""
    if recipes.route_scopes()[operation.id] not in caller.effective:
        return Expected(403, "scope")
    if in_project and not caller.sees_project:
        return Expected(UNSEEN_IN_BODY.get(operation.id, 404), "project access")
    rule = variant.rule if variant is not None else None
    if rule == "act_on_behalf" and Scope.ACT_ON_BEHALF not in caller.effective:
        return Expected(403, "act_on_behalf")
    if operation.id in AUTHOR_ONLY and caller.role is not Role.ADMIN:
        return Expected(403, "comment author")
    if (operation.id in PROJECT_ADMIN_ONLY or rule == "project admin") and not caller.administers_project:
        return Expected(403, "project admin")
    if operation.id in NOT_HOSTED:
        return Expected(400, "not hosted")
    return Expected(None, "allowed")


# -- the operations, from the routes -----------------------------------------------------


# The operations are the routes' (collected without a server); the served /openapi.json is
# checked to list exactly these, and the requests are built from what it says of each.
OPERATION_IDS = sorted(recipes.route_scopes())


@dataclass(frozen=True)
class Row:
    operation_id: str
    variant: Variant | None = None

    @property
    def name(self) -> str:
        return self.operation_id if self.variant is None else f"{self.operation_id}.{self.variant.name}"

    def callers(self) -> list[Caller]:
        acting = self.variant is not None and self.variant.rule == "act_on_behalf"
        return [*CALLERS, RELAY] if acting else CALLERS

    def body(self, body: Any, arena: recipes.Arena) -> Any:
        if self.variant is None:
            return body
        members = self.variant.members(arena)
        if "data" in body:  # a JSON:API document: the members are attributes
            attributes = {**body["data"].get("attributes", {}), **members}
            return {"data": {**body["data"], "attributes": attributes}}
        return {**body, **members}


ROWS = [Row(op) for op in OPERATION_IDS] + [
    Row(op, variant) for variant in VARIANTS for op in OPERATION_IDS if op in variant.operations
]


def cells() -> Iterator[Any]:
    for row in ROWS:
        for caller in row.callers():
            yield pytest.param(row, caller, id=f"{row.name}[{caller.name}]")


# -- fixtures ----------------------------------------------------------------------------


def new_user(container: Container, label: str, role: Role, scopes: frozenset[Scope]) -> tuple[str, Keys]:
    """A user with `role` holding a key with `scopes`, made as the operator would."""
    email = dd.unique_email(label)
    container.bus.handle(CreateUser(email=email, name=label, role=role), Principal.operator())
    issued = container.bus.handle(CreateKeys(user_email=email, scopes=scopes), Principal.operator())
    return email, Keys(user_id=str(issued.user_id), api_key=issued.api_key, app_key=issued.app_key)


def issue_key(container: Container, email: str) -> str:
    """A new application key for `email`, as `casedesk keys create` makes it; answers its id."""
    issued = container.bus.handle(CreateKeys(user_email=email, scopes=Scope.default()), Principal.operator())
    return str(issued.key_id)


def add_slack_account(container: Container) -> str:
    """A new Slack account, as `casedesk slack accounts add` makes it; answers its name."""
    name = "ws-" + uuid.uuid4().hex[:8]
    container.bus.handle(AddSlackAccount(name=name, token="xoxb-" + uuid.uuid4().hex), Principal.operator())
    return name


def grant_project_access(container: Container, project_key: str, members: dict[str, Membership]) -> None:
    """Restricts the project to `members` (email → membership), as `casedesk projects restrict`
    and `casedesk projects members add` do."""
    operator = Principal.operator()
    container.bus.handle(RestrictProject(project=project_key), operator)
    for email, membership in members.items():
        member = AddProjectMember(
            project=project_key, user=UserRef.of_email(email, "user"), admin=membership is Membership.ADMIN
        )
        container.bus.handle(member, operator)


@pytest.fixture(scope="module")
def served(http: httpx.Client) -> list[recipes.Operation]:
    response = http.get("/openapi.json")
    assert response.status_code == 200, response.text
    return recipes.served_operations(response.json())


@dataclass
class Matrix:
    world: recipes.World
    operations: dict[str, recipes.Operation]
    clients: dict[tuple[str, str], httpx.Client]  # (caller, dialect) → a client acting as them
    emails: dict[str, str]  # caller → their email
    shared: dict[tuple[str, str], recipes.Arena]  # the arenas of requests that change nothing

    def arena(self, row: Row, caller: Caller) -> recipes.Arena:
        """The row's shared arena; a caller's own for what the path says is the caller's."""
        path = self.operations[row.operation_id].path
        owner = caller.name if path.startswith("/api/v2/current_user/") else ""
        return self.shared.setdefault((row.name, owner), self.fresh(caller))

    def fresh(self, caller: Caller) -> recipes.Arena:
        return recipes.Arena(self.world, self.emails[caller.name])


def dialect_headers(dialect: str, keys: Keys) -> dict[str, str]:
    if dialect == "tines":
        return {"Authorization": f"Bearer {keys.app_key}"}
    return {"DD-API-KEY": keys.api_key, "DD-APPLICATION-KEY": keys.app_key}


@pytest.fixture(scope="module")
def matrix(
    server: Server,
    container: Container,
    http: httpx.Client,
    tines: httpx.Client,
    served: list[recipes.Operation],
) -> Iterator[Matrix]:
    clients: dict[tuple[str, str], httpx.Client] = {}
    members: dict[str, Membership] = {}
    emails: dict[str, str] = {}
    for caller in [*CALLERS, RELAY]:
        email, keys = new_user(container, caller.name, caller.role, caller.scopes)
        members[email] = caller.membership
        emails[caller.name] = email
        for dialect in ("datadog", "tines"):
            headers = dialect_headers(dialect, keys)
            clients[caller.name, dialect] = httpx.Client(base_url=server.url, headers=headers, timeout=30)
    colleague, _ = new_user(container, "colleague", Role.STANDARD, Scope.default())
    members[colleague] = Membership.MEMBER
    granted: dict[str, Membership] = {email: m for email, m in members.items() if m is not Membership.NONE}

    def restricted_project() -> dict[str, Any]:
        project = recipes.new_project(http)
        grant_project_access(container, project["attributes"]["key"], granted)
        return project

    project = restricted_project()
    teams = tines.get("/api/v1/teams").json()["teams"]
    team = next(team for team in teams if team["key"] == project["attributes"]["key"])
    world = recipes.World(
        dd=http,
        tines=tines,
        project_id=project["id"],
        project_key=project["attributes"]["key"],
        team_id=int(team["id"]),
        admin_id=server.admin.user_id,
        colleague_email=colleague,
        restricted_project=restricted_project,
        issue_key=lambda email: issue_key(container, email),
        add_slack_account=lambda: add_slack_account(container),
    )
    yield Matrix(world, {op.id: op for op in served}, clients, emails, {})
    for client in clients.values():
        client.close()


def changes_something(operation: recipes.Operation, want: Expected) -> bool:
    """Whether the request is meant to change what it names. A read, or a request the rules
    refuse, leaves its resources as they were, so the callers of one operation share them; the
    others get resources of their own."""
    return operation.method != "GET" and want.status is None


@pytest.mark.parametrize(("row", "caller"), list(cells()))
def test_each_caller_gets_what_the_access_rules_say(row: Row, caller: Caller, matrix: Matrix) -> None:
    arena = matrix.arena(row, caller)
    operation = matrix.operations[row.operation_id]
    built = recipes.build(operation, arena, variant=row.body)
    want = expected(operation, caller, in_project=arena.in_project, variant=row.variant)
    if changes_something(operation, want):
        built = recipes.build(operation, matrix.fresh(caller), variant=row.body)
    response = built.send(matrix.clients[caller.name, operation.dialect])
    assert want.matches(response.status_code), (
        f"{built.method} {built.path} as {caller.name}: expected {want}, got {response.status_code}: "
        f"{response.text[:300]}"
    )


def test_the_matrix_covers_every_operation_the_server_documents(served: list[recipes.Operation]) -> None:
    assert sorted(op.id for op in served) == OPERATION_IDS


def test_every_operation_has_a_recipe(served: list[recipes.Operation]) -> None:
    """A new operation cannot escape the matrix: its parameters and body must be buildable."""
    gaps = {op.id: found for op in served if (found := recipes.missing(op))}
    assert not gaps
