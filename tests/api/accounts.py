"""Extra users and keys for API tests, made through the CLI as an operator would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from datadog_api_client import ApiClient, Configuration
from datadog_api_client.v2.api.case_management_api import CaseManagementApi

from tests.api import dd
from tests.support import Keys, Server, casedesk


def cli_json(server: Server, *args: str) -> dict[str, Any]:
    done = casedesk(server.database_url, *args, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert isinstance(result, dict), done.stdout
    return result


def create_user(server: Server, label: str = "user", role: str = "standard") -> dict[str, Any]:
    """Creates a user; `{"user_id", "email", "role"}` as the CLI prints them."""
    email = dd.unique_email(label)
    return cli_json(server, "users", "create", "--email", email, "--name", label.title(), "--role", role)


def new_user(server: Server, label: str = "user", role: str = "standard") -> str:
    """Creates a user and returns their email."""
    return str(create_user(server, label, role)["email"])


def keys_for(server: Server, email: str, scopes: str | None = None, user_id: str = "") -> Keys:
    args = ["keys", "create", "--user", email]
    if scopes is not None:
        args += ["--scopes", scopes]
    return Keys.parse(cli_json(server, *args), user_id)


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
