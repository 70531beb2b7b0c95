"""Fixtures for the Tines dialect's tests, and a server that notifies the fake receivers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from casedesk.bootstrap import bootstrap
from casedesk.domain.vocab import Scope
from tests.api import tines as t
from tests.api.accounts import keys_for
from tests.api.notifying import Notifying, vendor_env
from tests.receivers.fixtures import Served
from tests.receivers.pagerduty import FakePagerDuty
from tests.receivers.slack import FakeSlack
from tests.receivers.smtp import smtp_receiver
from tests.support import Server, running_server, throwaway_database


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


@pytest.fixture(scope="session")
def notifying(
    _slack_server: Served[FakeSlack],
    _pagerduty_server: Served[FakePagerDuty],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Notifying]:
    """A server of its own whose worker sends to the fakes (Slack, PagerDuty, a mail relay)."""
    with smtp_receiver(tmp_path_factory.mktemp("smtp"), starttls=False) as smtp:
        env = vendor_env(_slack_server.url, _pagerduty_server.url, smtp)
        with throwaway_database() as url, running_server(url, env) as srv:
            headers = {"DD-API-KEY": srv.admin.api_key, "DD-APPLICATION-KEY": srv.admin.app_key}
            container = bootstrap(srv.settings())
            try:
                with httpx.Client(base_url=srv.url, headers=headers, timeout=30) as client:
                    yield Notifying(srv, client, smtp, container)
            finally:
                container.close()
