"""Fixtures for the Tines dialect's tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from casedesk.domain.vocab import Scope
from tests.api import tines as t
from tests.api.accounts import keys_for
from tests.support import Server


@pytest.fixture(scope="session")
def tines(server: Server) -> Iterator[httpx.Client]:
    """Tines' dialect as the admin, with a bearer key."""
    with t.client(server) as client:
        yield client


@pytest.fixture(scope="session")
def acting_tines(server: Server) -> Iterator[httpx.Client]:
    """Tines' dialect as the admin with a key that may name other authors (act_on_behalf)."""
    every = ",".join(scope.value for scope in Scope.all())
    with t.client(server, keys_for(server, "admin@example.com", every)) as client:
        yield client


@pytest.fixture
def team(http: httpx.Client, tines: httpx.Client) -> dict[str, Any]:
    """A fresh project, as the Tines team `{id, name, key}`."""
    return t.new_team(http, tines)
