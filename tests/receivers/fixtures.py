"""pytest fixtures for the fake receivers: one server per fake and test process, reset
before each test that asks for it (`fake_slack`, `fake_teams`, `fake_pagerduty`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import pytest

from tests.receivers.base import Fake, serve
from tests.receivers.pagerduty import FakePagerDuty
from tests.receivers.slack import FakeSlack
from tests.receivers.teams import FakeTeams

F = TypeVar("F", bound=Fake)


@dataclass
class Served(Generic[F]):
    """A running fake: its state (`fake`) and its base URL."""

    fake: F
    url: str


def _served(fake: F) -> Iterator[Served[F]]:
    with serve(fake) as running:
        yield Served(fake, running.url)


@pytest.fixture(scope="session")
def _slack_server() -> Iterator[Served[FakeSlack]]:
    yield from _served(FakeSlack())


@pytest.fixture(scope="session")
def _teams_server() -> Iterator[Served[FakeTeams]]:
    for served in _served(FakeTeams()):
        served.fake.base_url = served.url
        yield served


@pytest.fixture(scope="session")
def _pagerduty_server() -> Iterator[Served[FakePagerDuty]]:
    yield from _served(FakePagerDuty())


@pytest.fixture
def fake_slack(_slack_server: Served[FakeSlack]) -> Served[FakeSlack]:
    """The Slack Web API fake; point the sender at `url + "/api"`."""
    _slack_server.fake.reset()
    return _slack_server


@pytest.fixture
def fake_teams(_teams_server: Served[FakeTeams]) -> Served[FakeTeams]:
    """The Teams Workflows fake; `fake.add_workflow()` hands out a webhook URL."""
    _teams_server.fake.reset()
    return _teams_server


@pytest.fixture
def fake_pagerduty(_pagerduty_server: Served[FakePagerDuty]) -> Served[FakePagerDuty]:
    """The PagerDuty Events v2 fake; point the sender at `url + "/v2/enqueue"`."""
    _pagerduty_server.fake.reset()
    return _pagerduty_server
