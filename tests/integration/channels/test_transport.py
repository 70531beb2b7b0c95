"""Failures to get an answer at all: every channel reports them the same way, as an
outcome with the error's class, and never raises."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable

import httpx
import pytest

from casedesk.adapters.channels.pagerduty import PagerDutySender
from casedesk.adapters.channels.slack import SlackSender
from casedesk.adapters.channels.teams import TeamsSender
from casedesk.adapters.outbound.client import BlockedAddress
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.notices import PageAction
from casedesk.domain.notifications.outcomes import Outcome, Result
from casedesk.services.ports.channels import Job, Sender
from tests.notices import case_notice, deliver, job, pd_key
from tests.receivers.base import Scripted
from tests.receivers.fixtures import Served
from tests.receivers.pagerduty import FakePagerDuty


def closed_port() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def jobs_to(base: str) -> list[tuple[Callable[[httpx.AsyncClient], Sender], Job]]:
    notice = case_notice(page=PageAction.TRIGGER)
    return [
        (
            lambda c: SlackSender(c, base + "/api"),
            job(
                notice,
                ChannelKind.SLACK,
                "acme/alerts",
                config={"channel": "alerts"},
                secrets={"token": "xoxb-1"},
            ),
        ),
        (
            lambda c: TeamsSender(c),
            job(notice, ChannelKind.TEAMS, "oncall", secrets={"url": base + "/workflows/x"}),
        ),
        (
            lambda c: PagerDutySender(c, base + "/v2/enqueue"),
            job(notice, ChannelKind.PAGERDUTY, "payments", secrets={"routing_key": pd_key()}),
        ),
    ]


@pytest.mark.parametrize("index", [0, 1, 2], ids=["slack", "teams", "pagerduty"])
def test_a_refused_connection_is_transient(index: int) -> None:
    make, one = jobs_to(closed_port())[index]

    outcome = deliver(make, one)

    assert (outcome.result, outcome.error, outcome.status) == (Result.TRANSIENT, "connect_error", None)
    assert outcome.snippet.startswith("ConnectError")


def test_a_receiver_slower_than_the_timeout_is_transient(fake_pagerduty: Served[FakePagerDuty]) -> None:
    fake_pagerduty.fake.script(Scripted(status=202, json={}, delay=1.0))
    make, one = jobs_to(fake_pagerduty.url)[2]

    outcome = deliver(make, one, timeout=0.2)

    assert (outcome.result, outcome.error) == (Result.TRANSIENT, "timeout")
    assert outcome.snippet.startswith("ReadTimeout")


class Guarded(httpx.AsyncBaseTransport):
    def __init__(self, error: Exception) -> None:
        self.error = error

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise self.error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            BlockedAddress("db.internal", ipaddress.ip_address("10.0.0.1")),
            (Result.PERMANENT, "blocked_address"),
        ),
        (httpx.UnsupportedProtocol("ftp"), (Result.PERMANENT, "unsupported_protocol")),
        (httpx.RemoteProtocolError("bad answer"), (Result.TRANSIENT, "protocol_error")),
        (httpx.ProxyError("proxy"), (Result.TRANSIENT, "proxy_error")),
        (ValueError("unexpected"), (Result.PERMANENT, "value_error")),
    ],
)
def test_errors_raised_by_the_client_become_outcomes(error: Exception, expected: tuple[Result, str]) -> None:
    notice = case_notice(page=PageAction.TRIGGER)
    one = job(notice, ChannelKind.PAGERDUTY, "payments", secrets={"routing_key": pd_key()})

    async def go() -> Outcome:
        async with httpx.AsyncClient(transport=Guarded(error)) as client:
            return await PagerDutySender(client, "http://127.0.0.1:9/v2/enqueue").send(one)

    outcome = asyncio.run(go())

    assert (outcome.result, outcome.error) == expected
