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


def new_user(server: Server, label: str = "user") -> str:
    """Creates a user and returns their email."""
    email = dd.unique_email(label)
    cli_json(server, "users", "create", "--email", email, "--name", label.title())
    return email


def keys_for(server: Server, email: str, scopes: str | None = None) -> Keys:
    args = ["keys", "create", "--user", email]
    if scopes is not None:
        args += ["--scopes", scopes]
    return Keys(**cli_json(server, *args))


def new_keys(server: Server, scopes: str | None = None, label: str = "user") -> Keys:
    """A new user holding a key pair with `scopes` (every scope when None)."""
    return keys_for(server, new_user(server, label), scopes)


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
