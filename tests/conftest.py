"""Shared fixtures: one real server per test process, driven by the official clients."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from datadog_api_client import ApiClient, Configuration
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.incidents_api import IncidentsApi
from datadog_api_client.v2.api.users_api import UsersApi

from casedesk.bootstrap import Container, bootstrap
from tests.support import Keys, Server, backend, running_server, throwaway_database

# The vendors' fake receivers (tests/receivers/), for any test that asks for one.
pytest_plugins = ["tests.receivers.fixtures"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgresql` are left out on SQLite rather than skipped: the suite runs
    on both databases, and each database's run holds only what applies to it."""
    if backend() == "postgresql":
        return
    left_out = [item for item in items if item.get_closest_marker("postgresql") is not None]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item.get_closest_marker("postgresql") is None]


def pytest_report_header() -> str:
    return f"casedesk database backend: {backend()}"


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    with throwaway_database() as url, running_server(url) as srv:
        yield srv


@pytest.fixture(scope="session")
def container(server: Server) -> Iterator[Container]:
    """Direct access to the server's database, for checks the API cannot make."""
    c = bootstrap(server.settings())
    yield c
    c.close()


def dd_configuration(server: Server, keys: Keys) -> Configuration:
    config = Configuration(host=server.url)
    config.api_key["apiKeyAuth"] = keys.api_key
    config.api_key["appKeyAuth"] = keys.app_key
    return config


@pytest.fixture(scope="session")
def dd_client(server: Server) -> Iterator[ApiClient]:
    with ApiClient(dd_configuration(server, server.admin)) as client:
        yield client


@pytest.fixture(scope="session")
def cases_api(dd_client: ApiClient) -> CaseManagementApi:
    return CaseManagementApi(dd_client)


@pytest.fixture(scope="session")
def incidents_api(server: Server) -> Iterator[IncidentsApi]:
    """The official client's IncidentsApi with its unstable (beta) operations enabled."""
    from tests.api.incidents_dd import incidents_configuration

    with ApiClient(incidents_configuration(server, server.admin)) as client:
        yield IncidentsApi(client)


@pytest.fixture(scope="session")
def users_api(dd_client: ApiClient) -> UsersApi:
    return UsersApi(dd_client)


@pytest.fixture(scope="session")
def http(server: Server) -> Iterator[httpx.Client]:
    """Raw HTTP as the admin, for requests the official client refuses to send."""
    headers = {"DD-API-KEY": server.admin.api_key, "DD-APPLICATION-KEY": server.admin.app_key}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        yield client


def unique_key() -> str:
    return "P" + uuid.uuid4().hex[:8].upper()


@pytest.fixture
def project(http: httpx.Client) -> dict[str, Any]:
    """A fresh project (raw JSON:API resource)."""
    body = {"data": {"type": "project", "attributes": {"name": "Ops", "key": unique_key()}}}
    response = http.post("/api/v2/cases/projects", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])
