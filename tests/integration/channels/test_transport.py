"""Failures to get an answer at all: every channel reports them the same way, as an
outcome with the error's class, and never raises."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator

import aiohttp
import pytest

from casedesk.adapters.channels.pagerduty import PagerDutySender
from casedesk.adapters.channels.slack import SlackSender
from casedesk.adapters.channels.teams import TeamsSender
from casedesk.adapters.outbound.client import OutboundClient
from casedesk.adapters.outbound.policy import AddressPolicy
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


def jobs_to(base: str) -> list[tuple[Callable[[OutboundClient], Sender], Job]]:
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
    assert outcome.snippet.startswith("ClientConnectorError")


def test_a_receiver_slower_than_the_timeout_is_transient(fake_pagerduty: Served[FakePagerDuty]) -> None:
    fake_pagerduty.fake.script(Scripted(status=202, json={}, delay=1.0))
    make, one = jobs_to(fake_pagerduty.url)[2]

    outcome = deliver(make, one, timeout=0.2)

    assert (outcome.result, outcome.error) == (Result.TRANSIENT, "timeout")
    assert outcome.snippet.startswith("TimeoutError")


@pytest.mark.parametrize("index", [0, 1, 2], ids=["slack", "teams", "pagerduty"])
def test_a_receiver_the_policy_refuses_is_permanent(index: int) -> None:
    make, one = jobs_to(closed_port())[index]

    async def go() -> Outcome:
        async with OutboundClient(AddressPolicy()) as client:  # no private range allowed
            return await make(client).send(one)

    outcome = asyncio.run(go())

    assert (outcome.result, outcome.error, outcome.status) == (Result.PERMANENT, "blocked_address", None)
    assert outcome.snippet.startswith("BlockedAddress: casedesk does not send to 127.0.0.1")


@pytest.fixture
def broken_receiver() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback server that reads a request and answers what `answers` holds next (no
    answer at all when it is empty bytes), then closes the connection."""
    answers: list[bytes] = []
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(answers.pop(0) if answers else b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", answers
    server.shutdown(socket.SHUT_RDWR)  # wakes the accept() waiting in the thread
    server.close()
    thread.join(timeout=5)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (b"", "protocol_error"),  # closed without answering
        (b"SMTP ready\r\n\r\n", "protocol_error"),  # not HTTP
        (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\ncut short", "read_error"),
    ],
    ids=["closed", "not-http", "cut-short"],
)
def test_a_broken_answer_is_transient(
    broken_receiver: tuple[str, list[bytes]], answer: bytes, expected: str
) -> None:
    base, answers = broken_receiver
    answers.append(answer)
    make, one = jobs_to(base)[1]

    outcome = deliver(make, one)

    assert (outcome.result, outcome.error, outcome.status) == (Result.TRANSIENT, expected, None)


@pytest.mark.parametrize(
    ("url", "expected"),
    [("ftp://127.0.0.1/hook", "unsupported_protocol"), ("http:///hook", "invalid_url")],
)
def test_an_unusable_url_is_permanent(url: str, expected: str) -> None:
    one = job(case_notice(), ChannelKind.TEAMS, "oncall", secrets={"url": url})

    outcome = deliver(lambda c: TeamsSender(c), one)

    assert (outcome.result, outcome.error) == (Result.PERMANENT, expected)


def raising(error: Exception) -> aiohttp.ClientMiddlewareType:
    async def middleware(
        request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        raise error

    return middleware


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (aiohttp.NonHttpUrlClientError("ftp://x"), (Result.PERMANENT, "unsupported_protocol")),
        (aiohttp.ServerDisconnectedError(), (Result.TRANSIENT, "protocol_error")),
        (aiohttp.ClientConnectionResetError("closing"), (Result.TRANSIENT, "write_error")),
        (aiohttp.ClientConnectionError("closed"), (Result.TRANSIENT, "client_connection_error")),
        (ValueError("unexpected"), (Result.PERMANENT, "value_error")),
    ],
)
def test_errors_raised_by_the_client_become_outcomes(error: Exception, expected: tuple[Result, str]) -> None:
    notice = case_notice(page=PageAction.TRIGGER)
    one = job(notice, ChannelKind.PAGERDUTY, "payments", secrets={"routing_key": pd_key()})

    async def go() -> Outcome:
        async with OutboundClient(AddressPolicy(), middlewares=[raising(error)]) as client:
            return await PagerDutySender(client, "http://127.0.0.1:9/v2/enqueue").send(one)

    outcome = asyncio.run(go())

    assert (outcome.result, outcome.error) == expected
