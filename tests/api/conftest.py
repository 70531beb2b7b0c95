"""Fixtures for the Tines dialect's tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api import tines as t
from tests.support import Server


@pytest.fixture(scope="session")
def tines(server: Server) -> Iterator[httpx.Client]:
    """Tines' dialect as the admin, with a bearer key."""
    with t.client(server) as client:
        yield client


@pytest.fixture
def team(http: httpx.Client, tines: httpx.Client) -> dict[str, Any]:
    """A fresh project, as the Tines team `{id, name, key}`."""
    return t.new_team(http, tines)
