"""Extra users and keys for API tests, made with the commands the CLI sends as the operator.

The CLI itself is tested by tests/integration/test_cli*.py; here the same commands go through
a message bus on the server's database in this process, since starting a `casedesk` process
for each user and each key pair was most of what many API tests cost.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx
from datadog_api_client import ApiClient, Configuration
from datadog_api_client.v2.api.case_management_api import CaseManagementApi

from casedesk.bootstrap import bootstrap
from casedesk.domain import users as uc
from casedesk.domain.commands import Command
from casedesk.domain.users import Principal, Role, clean_email
from casedesk.domain.vocab import Scope
from tests.api import dd
from tests.support import Keys, Server, casedesk

T = TypeVar("T")


def as_operator(server: Server, command: Command[T]) -> T:
    """`command` sent on the server's database as the CLI sends it: by the operator."""
    container = bootstrap(server.settings())
    try:
        return container.bus.handle(command, Principal.operator())
    finally:
        container.close()


def cli_json(server: Server, *args: str) -> dict[str, Any]:
    done = casedesk(server.database_url, *args, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert isinstance(result, dict), done.stdout
    return result


def create_user(server: Server, label: str = "user", role: str = "standard") -> dict[str, Any]:
    """Creates a user; `{"user_id", "email", "role"}` as `casedesk users create --json` prints them."""
    email = dd.unique_email(label)
    command = uc.CreateUser(email=email, name=label.title(), role=Role(role))
    user_id = as_operator(server, command)
    return {"user_id": str(user_id), "email": clean_email(email), "role": role}


def new_user(server: Server, label: str = "user", role: str = "standard") -> str:
    """Creates a user and returns their email."""
    return str(create_user(server, label, role)["email"])


def keys_for(server: Server, email: str, scopes: str | None = None, user_id: str = "") -> Keys:
    """A key pair for the user with `email`, as `casedesk keys create --user EMAIL [--scopes]`
    makes it: `scopes` comma-separated, the default scopes when None."""
    wanted = Scope.default() if scopes is None else frozenset(Scope(s.strip()) for s in scopes.split(","))
    command = uc.CreateKeys(user_email=email, scopes=wanted, name="cli")
    issued = as_operator(server, command)
    return Keys(
        api_key=issued.api_key,
        app_key=issued.app_key,
        id=str(issued.key_id),
        scopes=tuple(sorted(s.value for s in issued.scopes)),
        user_id=user_id,
    )


def new_keys(server: Server, scopes: str | None = None, label: str = "user", role: str = "standard") -> Keys:
    """A new user of `role` holding a key pair with `scopes` (the default scopes when None),
    narrowed by the role as every key is."""
    user = create_user(server, label, role)
    return keys_for(server, user["email"], scopes, user["user_id"])


def key_headers(keys: Keys) -> dict[str, str]:
    return {"DD-API-KEY": keys.api_key, "DD-APPLICATION-KEY": keys.app_key}


@contextmanager
def http_as(server: Server, headers: dict[str, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        yield client


@contextmanager
def api_as(
    server: Server, keys: Keys | None = None, *, bearer: str | None = None
) -> Iterator[CaseManagementApi]:
    """The official client acting with `keys`, or with only a bearer application key."""
    config = Configuration(host=server.url, access_token=bearer)
    if keys is not None:
        config.api_key["apiKeyAuth"] = keys.api_key
        config.api_key["appKeyAuth"] = keys.app_key
    with ApiClient(config) as client:
        yield CaseManagementApi(client)
