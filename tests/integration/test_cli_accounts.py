"""The command line's contract for users, roles, keys and the audit log, which scripts rely
on: the exact members `--json` prints, what each change does to the next authentication, and
that every change is in the audit log."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from casedesk.bootstrap import Container, bootstrap
from casedesk.config import Settings
from casedesk.domain.errors import Unauthenticated
from casedesk.domain.users import Role
from casedesk.domain.vocab import Scope
from tests.integration.test_cli import login, new_email, only_json, refused, succeeds
from tests.support import casedesk, throwaway_database


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with throwaway_database() as database_url:
        assert casedesk(database_url, "init", "--admin-email", "root@example.com", "--json").returncode == 0
        yield database_url


@pytest.fixture(scope="module")
def store(url: str) -> Iterator[Container]:
    container = bootstrap(Settings(database_url=url))
    yield container
    container.close()


def json_list(url: str, *args: str) -> list[dict[str, Any]]:
    done = succeeds(url, *args, "--json")
    [line] = done.stdout.splitlines()
    parsed = json.loads(line)
    assert isinstance(parsed, list)
    return parsed


def user_with_keys(url: str, role: str = "standard", scopes: str | None = None) -> tuple[str, dict[str, Any]]:
    email = new_email(role)
    succeeds(url, "users", "create", "--email", email, "--role", role)
    args = ["keys", "create", "--user", email, "--json"] + ([] if scopes is None else ["--scopes", scopes])
    return email, only_json(succeeds(url, *args))


def audit(url: str, action: str) -> list[dict[str, Any]]:
    return json_list(url, "audit", "list", "--action", action, "--limit", "1000")


def test_users_create_takes_a_role_and_defaults_to_standard(url: str, store: Container) -> None:
    admin = only_json(succeeds(url, "users", "create", "--email", new_email(), "--role", "admin", "--json"))
    plain = only_json(succeeds(url, "users", "create", "--email", new_email(), "--json"))
    assert (admin["role"], plain["role"]) == ("admin", "standard")
    assert store.read.user(uuid.UUID(admin["user_id"])).role is Role.ADMIN
    assert "unknown role 'root'" in refused(url, "users", "create", "--email", new_email(), "--role", "root")


def test_set_role_narrows_the_users_keys_on_the_next_check(url: str, store: Container) -> None:
    email, keys = user_with_keys(url, "admin")
    assert login(store, keys).has(Scope.CASES_SHARED_SETTINGS_WRITE)

    assert "now has the role read_only" in succeeds(url, "users", "set-role", email, "read_only").stdout
    assert login(store, keys).scopes == Role.READ_ONLY.allows
    succeeds(url, "users", "set-role", email.upper(), "standard")
    assert login(store, keys).role is Role.STANDARD

    [latest, earlier] = audit(url, "user.role_changed")[:2]
    assert latest["data"] == {"email": email, "old": "read_only", "new": "standard"}
    assert earlier["data"] == {"email": email, "old": "admin", "new": "read_only"}
    assert latest["actor"] == "operator"
    assert (latest["target_type"], latest["target_id"]) == ("user", str(login(store, keys).user_id))


def test_set_role_refuses_unknown_users_and_roles(url: str) -> None:
    assert "not found" in refused(url, "users", "set-role", new_email("ghost"), "admin")
    email, _ = user_with_keys(url)
    assert "unknown role" in refused(url, "users", "set-role", email, "owner")


def test_disable_then_enable_turns_the_users_keys_off_and_on(url: str, store: Container) -> None:
    email, keys = user_with_keys(url)
    succeeds(url, "users", "disable", email)
    with pytest.raises(Unauthenticated):
        login(store, keys)
    succeeds(url, "users", "enable", email)
    assert login(store, keys).email == email
    actions = [e["action"] for e in json_list(url, "audit", "list", "--limit", "2")]
    assert actions == ["user.enabled", "user.disabled"]


def test_the_last_active_admin_cannot_be_demoted_or_disabled() -> None:
    with throwaway_database() as url:
        succeeds(url, "init", "--admin-email", "only@example.com")
        assert "last active admin" in refused(url, "users", "set-role", "only@example.com", "standard")
        assert "last active admin" in refused(url, "users", "disable", "only@example.com")
        # With a second admin, the first may go; then the second is the last.
        succeeds(url, "users", "create", "--email", "second@example.com", "--role", "admin")
        succeeds(url, "users", "disable", "only@example.com")
        assert "last active admin" in refused(url, "users", "set-role", "second@example.com", "read_only")


def test_init_promotes_an_existing_user_to_admin(url: str, store: Container) -> None:
    email = new_email("promoted")
    succeeds(url, "users", "create", "--email", email, "--role", "read_only")
    keys = only_json(succeeds(url, "init", "--admin-email", email, "--json"))
    assert login(store, keys).role is Role.ADMIN
    assert audit(url, "user.role_changed")[0]["data"] == {"email": email, "old": "read_only", "new": "admin"}


def test_keys_list_prints_every_key_without_secrets(url: str, store: Container) -> None:
    email, keys = user_with_keys(url, scopes="cases_write,cases_read")
    listed = json_list(url, "keys", "list", "--user", email)
    assert listed == [
        {
            "id": keys["id"],
            "user": email,
            "scopes": ["cases_read", "cases_write"],
            "created_at": listed[0]["created_at"],
            "last_used_at": None,
            "revoked_at": None,
        }
    ]
    login(store, keys)
    [used] = json_list(url, "keys", "list", "--user", email)
    assert used["last_used_at"] is not None
    everyone = json_list(url, "keys", "list")
    assert {"root@example.com", email} <= {k["user"] for k in everyone}
    table = succeeds(url, "keys", "list", "--user", email).stdout
    assert keys["id"] in table
    assert keys["app_key"] not in table


def test_keys_revoke_refuses_the_key_on_the_next_check(url: str, store: Container) -> None:
    email, keys = user_with_keys(url)
    login(store, keys)
    succeeds(url, "keys", "revoke", keys["id"])
    with pytest.raises(Unauthenticated, match="unknown application key"):
        login(store, keys)
    [revoked] = json_list(url, "keys", "list", "--user", email)
    assert revoked["revoked_at"] is not None
    succeeds(url, "keys", "revoke", keys["id"])  # again: harmless, and not recorded twice
    entries = [e for e in audit(url, "key.revoked") if e["target_id"] == keys["id"]]
    assert len(entries) == 1


def test_keys_revoke_refuses_an_unknown_or_malformed_id(url: str) -> None:
    assert "not found" in refused(url, "keys", "revoke", str(uuid.uuid4()))
    assert "not-an-id" in refused(url, "keys", "revoke", "not-an-id")


def test_audit_list_is_newest_first_and_filters_by_action(url: str) -> None:
    email, _ = user_with_keys(url)
    [keys_made, user_made] = json_list(url, "audit", "list", "--limit", "2")
    assert (keys_made["action"], user_made["action"]) == ("keys.created", "user.created")
    assert set(keys_made) == {
        "id",
        "occurred_at",
        "actor",
        "actor_id",
        "key_id",
        "action",
        "target_type",
        "target_id",
        "data",
    }
    assert user_made["data"] == {"email": email, "role": "standard"}
    assert all(e["action"] == "user.created" for e in audit(url, "user.created"))
    assert "unknown action" in refused(url, "audit", "list", "--action", "user.exploded")
