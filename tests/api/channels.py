"""Clients and helpers for the integration configuration APIs' tests."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from datadog_api_client import ApiClient

from tests.conftest import dd_configuration
from tests.support import Keys, Server

TEAMS_URL = "https://prod-00.westus.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=s3cr3t"


def unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}"


@contextmanager
def client_as(server: Server, keys: Keys) -> Iterator[ApiClient]:
    with ApiClient(dd_configuration(server, keys)) as client:
        yield client


def add_slack_account(server: Server, token: str = "xoxb-1-abc") -> str:
    """A new Slack account, added at the command line; answers its name."""
    name = unique("ws")
    done = server.cli("slack", "accounts", "add", "--name", name, "--token", token, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["name"] == name
    return name
