"""The command line contract, run as a user runs it: subprocesses against a real database."""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, inspect, select

from casedesk.adapters.db import case_numbers
from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container, bootstrap
from casedesk.config import Settings
from casedesk.domain import users as uc
from casedesk.domain.audit import AuditAction
from casedesk.domain.errors import NotFound, Unauthenticated
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal, Role
from casedesk.domain.vocab import Scope
from casedesk.services import access
from casedesk.services.keys import authenticate
from tests.support import casedesk, throwaway_database


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with throwaway_database() as database_url:
        assert casedesk(database_url, "migrate").returncode == 0
        yield database_url


@pytest.fixture(scope="module")
def store(url: str) -> Iterator[Container]:
    """Direct access to the database the CLI writes, to check what it did."""
    container = bootstrap(Settings(database_url=url))
    yield container
    container.close()


def new_email(prefix: str = "user") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@example.com"


def succeeds(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    done = casedesk(url, *args)
    assert done.returncode == 0, done.stderr
    return done


def only_json(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """`--json` output: exactly one JSON object on one line and nothing else on stdout."""
    lines = done.stdout.splitlines()
    assert len(lines) == 1, done.stdout
    parsed = json.loads(lines[0])
    assert isinstance(parsed, dict)
    return parsed


def refused(url: str, *args: str) -> str:
    done = casedesk(url, *args)
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.startswith("error: "), done.stderr
    return done.stderr


def login(store: Container, keys: dict[str, Any]) -> Principal:
    return authenticate(store.keys, keys["api_key"], keys["app_key"])


def app_key_count(store: Container) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.app_keys)).scalar_one())


# -- migrate ------------------------------------------------------------------------------


def test_migrate_creates_the_schema_and_is_idempotent() -> None:
    with throwaway_database() as fresh:
        first = succeeds(fresh, "migrate")
        second = succeeds(fresh, "migrate")
        assert first.stdout == second.stdout == "database is up to date\n"

        container = bootstrap(Settings(database_url=fresh))
        try:
            tables = set(inspect(container.engine).get_table_names())
            with container.engine.connect() as conn:
                counter = case_numbers.last_drawn(conn)
                case_types = conn.execute(select(func.count()).select_from(t.case_types)).scalar_one()
        finally:
            container.close()
    assert {table.name for table in t.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables
    assert counter == 0
    assert case_types >= 2


# -- init ---------------------------------------------------------------------------------


def test_init_prints_one_json_object_with_working_keys(url: str, store: Container) -> None:
    email = new_email("Admin")
    keys = only_json(succeeds(url, "init", "--admin-email", email.upper(), "--name", "Ada", "--json"))

    assert list(keys) == ["user_id", "id", "api_key", "app_key", "scopes"]
    assert keys["scopes"] == sorted(s.value for s in Scope.default())
    assert re.fullmatch(r"[0-9a-f]{32}", keys["api_key"])
    assert re.fullmatch(r"[0-9a-f]{40}", keys["app_key"])
    principal = login(store, keys)
    assert str(principal.user_id) == keys["user_id"]
    assert principal.email == email.lower()
    # an admin with every scope but acting on behalf of others, which is granted only by name
    assert (principal.role, principal.scopes) == (Role.ADMIN, Scope.all() - {Scope.ACT_ON_BEHALF})
    user = store.read.user(uuid.UUID(keys["user_id"]))
    assert user.name == "Ada"


def test_init_again_gives_new_keys_for_the_same_user(url: str, store: Container) -> None:
    email = new_email("admin")
    first = only_json(succeeds(url, "init", "--admin-email", email, "--json"))
    second = only_json(succeeds(url, "init", "--admin-email", email, "--json"))

    assert second["user_id"] == first["user_id"]
    assert second["api_key"] != first["api_key"]
    assert second["app_key"] != first["app_key"]
    # The first pair keeps working: running init again adds keys, it does not rotate them.
    assert login(store, first).user_id == login(store, second).user_id


def test_init_without_json_prints_the_keys_for_a_person(url: str, store: Container) -> None:
    done = succeeds(url, "init", "--admin-email", new_email("admin"))
    assert "Keep these keys" in done.stdout
    api_key = re.search(r"API key:\s+([0-9a-f]{32})", done.stdout)
    app_key = re.search(r"application key:\s+([0-9a-f]{40})", done.stdout)
    assert api_key is not None
    assert app_key is not None
    assert login(store, {"api_key": api_key.group(1), "app_key": app_key.group(1)}).scopes == Scope.default()


def test_init_refuses_a_bad_email(url: str) -> None:
    assert "not an email address" in refused(url, "init", "--admin-email", "root", "--json")


# -- users --------------------------------------------------------------------------------


def test_users_create(url: str, store: Container) -> None:
    email = new_email("Jane")
    made = only_json(
        succeeds(
            url, "users", "create", "--email", email.upper(), "--name", "Jane", "--title", "SRE", "--json"
        )
    )
    assert made == {"user_id": made["user_id"], "email": email.lower(), "role": "standard"}
    user = store.read.user(uuid.UUID(made["user_id"]))
    assert (user.email, user.name, user.title, user.disabled) == (email.lower(), "Jane", "SRE", False)


def test_users_create_refuses_a_bad_email(url: str) -> None:
    message = refused(url, "users", "create", "--email", "bad", "--json")
    assert "'bad' is not an email address" in message


def test_users_create_refuses_a_duplicate(url: str) -> None:
    email = new_email()
    succeeds(url, "users", "create", "--email", email)
    assert "already exists" in refused(url, "users", "create", "--email", email.upper())


# -- keys ---------------------------------------------------------------------------------


def test_keys_create_with_scopes(url: str, store: Container) -> None:
    email = new_email()
    user_id = only_json(succeeds(url, "users", "create", "--email", email, "--json"))["user_id"]
    keys = only_json(
        succeeds(url, "keys", "create", "--user", email, "--scopes", "cases_write,cases_read", "--json")
    )

    assert list(keys) == ["id", "api_key", "app_key", "scopes"]
    assert keys["scopes"] == ["cases_read", "cases_write"]  # as stored, sorted
    principal = login(store, keys)
    assert str(principal.user_id) == user_id
    assert str(principal.key_id) == keys["id"]
    assert principal.scopes == frozenset({Scope.CASES_READ, Scope.CASES_WRITE})
    assert not principal.has(Scope.USER_ACCESS_INVITE)
    # The application key alone is a bearer token.
    assert authenticate(store.keys, None, keys["app_key"]).user_id == principal.user_id
    with pytest.raises(Unauthenticated):
        authenticate(store.keys, "0" * 32, keys["app_key"])
    with pytest.raises(Unauthenticated):
        authenticate(store.keys, keys["api_key"], keys["api_key"])


def test_keys_create_defaults_to_what_the_users_role_allows(url: str, store: Container) -> None:
    email = new_email()
    succeeds(url, "users", "create", "--email", email)
    keys = only_json(succeeds(url, "keys", "create", "--user", email.upper(), "--json"))
    assert login(store, keys).scopes == Role.STANDARD.allows - {Scope.ACT_ON_BEHALF}


def test_keys_create_refuses_an_empty_scope_list(url: str, store: Container) -> None:
    email = new_email()
    succeeds(url, "users", "create", "--email", email)
    assert "names no scope" in refused(url, "keys", "create", "--user", email, "--scopes", "", "--json")
    assert "names no scope" in refused(url, "keys", "create", "--user", email, "--scopes", " , ", "--json")


def test_keys_create_refuses_an_unknown_scope(url: str, store: Container) -> None:
    email = new_email()
    succeeds(url, "users", "create", "--email", email)
    before = app_key_count(store)
    message = refused(url, "keys", "create", "--user", email, "--scopes", "cases_read,cases_admin", "--json")
    assert "cases_admin" in message
    assert "cases_read" in message  # the known scopes are listed
    assert app_key_count(store) == before


def test_keys_create_refuses_an_unknown_user(url: str, store: Container) -> None:
    before = app_key_count(store)
    assert "not found" in refused(url, "keys", "create", "--user", new_email("ghost"), "--json")
    assert app_key_count(store) == before


def test_keys_of_a_disabled_user_stop_working(url: str, store: Container) -> None:
    email = new_email()
    succeeds(url, "users", "create", "--email", email)
    keys = only_json(succeeds(url, "keys", "create", "--user", email, "--json"))
    store.bus.handle(uc.DisableUser(login(store, keys).user_id), Principal.operator())
    with pytest.raises(Unauthenticated):
        login(store, keys)
    assert "disabled" in refused(url, "keys", "create", "--user", email, "--json")


# -- projects -----------------------------------------------------------------------------


def test_projects_restrict_and_members_change_who_sees_a_project_and_are_audited(
    url: str, store: Container
) -> None:
    email = new_email("lead")
    user_id = uuid.UUID(only_json(succeeds(url, "users", "create", "--email", email, "--json"))["user_id"])
    lead = Principal(user_id=user_id, email=email, scopes=Scope.default(), role=Role.STANDARD)
    key = "R" + uuid.uuid4().hex[:6].upper()
    owner_email = new_email("owner")
    owner_id = only_json(succeeds(url, "users", "create", "--email", owner_email, "--json"))["user_id"]
    owner = Principal(user_id=uuid.UUID(owner_id), email=owner_email, scopes=Scope.default())
    project_id = store.bus.handle(pc.CreateProject(name="Red team", key=key), owner)

    restricted: object = json.loads(succeeds(url, "projects", "restrict", key, "--json").stdout)
    assert restricted == {"project": key, "restricted": True}
    assert key not in {p.key for p in store.read.projects(access.visibility(lead))}
    added = only_json(
        succeeds(url, "projects", "members", "add", key.lower(), email.upper(), "--admin", "--json")
    )
    assert (added["email"], added["role"]) == (email, "admin")
    project = store.read.project(access.visibility(lead), project_id)
    assert (project.restricted, user_id in project.admin_ids) == (True, True)
    succeeds(url, "projects", "members", "remove", key, email)
    with pytest.raises(NotFound):
        store.read.project(access.visibility(lead), project_id)
    assert "not a member" in refused(url, "projects", "members", "remove", key, email)
    assert "project" in refused(url, "projects", "restrict", "NOSUCH")
    assert succeeds(url, "projects", "restrict", key, "--off").stdout == f"project {key} is open\n"
    assert store.read.project(access.visibility(lead), project_id).restricted is False

    with store.uow() as uow:
        entries = [e for e in uow.audit.entries(limit=20) if e.target_id == str(project_id)]
    assert [e.action for e in reversed(entries)] == [
        AuditAction.PROJECT_RESTRICTED,
        AuditAction.PROJECT_MEMBER_ADDED,
        AuditAction.PROJECT_MEMBER_REMOVED,
        AuditAction.PROJECT_OPENED,
    ]
    assert {(e.actor_id, e.actor_email) for e in entries} == {(None, "operator")}
