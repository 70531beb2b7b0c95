"""The webhook sender against a real loopback receiver: signatures (verified by the
independent `standardwebhooks` package), payload templates, encodings and headers, and how
each kind of answer is classified."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from standardwebhooks.webhooks import Webhook

from casedesk.adapters.channels.webhook import WebhookSender
from casedesk.adapters.outbound.client import OutboundClient
from casedesk.adapters.outbound.policy import AddressPolicy
from casedesk.domain.notifications.destinations import ChannelKind, Destination
from casedesk.domain.notifications.notices import Notice, NoticeReason
from casedesk.domain.notifications.outcomes import SNIPPET_MAX, Outcome, Result
from casedesk.services.ports.channels import Job
from tests.receivers.webhook import Answer, WebhookReceiver, new_secret, receiving
from tests.support import free_port

NOTICE = Notice(
    event_id="0b0e7a52-0000-4000-8000-000000000001",
    event_kind="case.status_changed",
    subject_type="case",
    subject_id="6f1c3c6e-0000-4000-8000-000000000002",
    occurred_at="2026-12-01T15:00:00+00:00",
    title='[SEC-12] Disk "full" on db-1',
    headline="Ada moved SEC-12 from Open to In progress",
    url="http://127.0.0.1:8000/cases/SEC-12",
    reason=NoticeReason.RULE,
    subject={
        "id": "6f1c3c6e-0000-4000-8000-000000000002",
        "key": "SEC-12",
        "title": 'Disk "full"\non db-1',
        "status": "In progress",
        "priority": "P2",
        "assignee": {"id": "u1", "name": "Ada", "email": "ada@example.com"},
        "project": {"id": "p1", "key": "SEC", "name": "Security"},
        "tags": ["env:prod", "db"],
    },
    change={"old": "OPEN", "new": "IN_PROGRESS"},
    actor="Ada",
)


def send(destination: Destination, delivery_id: str = "msg_01TEST", notice: Notice = NOTICE) -> Outcome:
    async def main() -> Outcome:
        async with OutboundClient(AddressPolicy.from_text("127.0.0.0/8")) as client:
            return await WebhookSender(client).send(Job(delivery_id, 1, notice, destination))

    return asyncio.run(main())


def hook(url: str, secrets: dict[str, str], **config: Any) -> Destination:
    return Destination(ChannelKind.WEBHOOK, "ops", {"url": url, **config}, secrets)


def test_the_default_payload_is_signed_per_standard_webhooks(receiver: WebhookReceiver, secret: str) -> None:
    outcome = send(hook(receiver.url, {"signing_secret": secret}), delivery_id="msg_01ABC")
    assert outcome.result is Result.DELIVERED
    assert outcome.status == 200
    [request] = receiver.requests
    assert request.verified
    assert request.webhook_id == "msg_01ABC"
    assert request.headers["content-type"] == "application/json"
    body = Webhook(secret).verify(request.body, request.headers)
    assert body["type"] == "case.status_changed"
    assert body["timestamp"] == NOTICE.occurred_at
    assert body["data"]["subject"]["key"] == "SEC-12"
    assert body["data"]["change"] == {"old": "OPEN", "new": "IN_PROGRESS"}
    assert body["data"]["headline"] == NOTICE.headline
    assert body["data"]["url"] == NOTICE.url
    assert body["data"]["reason"] == "rule"
    assert body["data"]["actor"] == "Ada"


def test_during_a_rotation_both_secrets_sign(secret: str) -> None:
    old = new_secret()
    with receiving(old) as still_on_the_old_one:
        destination = hook(
            still_on_the_old_one.url, {"signing_secret": secret, "previous_signing_secret": old}
        )
        assert send(destination).result is Result.DELIVERED
        [request] = still_on_the_old_one.requests
    assert request.verified
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(secret).verify(request.body, request.headers)


def test_a_template_gets_its_variables_json_escaped(receiver: WebhookReceiver, secret: str) -> None:
    template = json.dumps(
        {
            "id": "$ID",
            "title": "$CASE_TITLE",
            "key": "$CASE_KEY",
            "status": "$CASE_STATUS",
            "priority": "$CASE_PRIORITY",
            "assignee": "$CASE_ASSIGNEE",
            "project": "$PROJECT_KEY",
            "link": "$LINK",
            "user": "$USER",
            "event": "$EVENT_TYPE",
            "team": "$TEAM",
            "token": "$API_TOKEN",
            "unknown": "$NOT_A_VARIABLE",
            "keys": "$CASE_KEYS",
        }
    )
    destination = hook(
        receiver.url,
        {"signing_secret": secret, "API_TOKEN": 'se"cret'},
        payload=template,
        custom_variables={"TEAM": "sre"},
    )
    assert send(destination).result is Result.DELIVERED
    body = json.loads(receiver.requests[0].body)
    assert body == {
        "id": NOTICE.event_id,
        "title": 'Disk "full"\non db-1',
        "key": "SEC-12",
        "status": "In progress",
        "priority": "P2",
        "assignee": "ada@example.com",
        "project": "SEC",
        "link": NOTICE.url,
        "user": "Ada",
        "event": "case.status_changed",
        "team": "sre",
        "token": 'se"cret',
        "unknown": "$NOT_A_VARIABLE",
        "keys": "$CASE_KEYS",
    }


def test_incident_variables() -> None:
    from casedesk.adapters.channels.variables import render, variables

    incident = Notice(
        **{
            **NOTICE.to_json(),
            "subject_type": "incident",
            "reason": NoticeReason.INCIDENT_RULE,
            "subject": {"public_id": 7, "title": "API down", "severity": "SEV-1", "state": "active"},
        }
    )
    found = variables(incident, "msg_1", {})
    text = "$INCIDENT_PUBLIC_ID $INCIDENT_TITLE $INCIDENT_SEVERITY $INCIDENT_STATE $DELIVERY_ID"
    assert render(text, found, json_escape=False) == "7 API down SEV-1 active msg_1"
    assert "CASE_KEY" not in found


def test_form_encoding_and_custom_headers(receiver: WebhookReceiver, secret: str) -> None:
    destination = hook(
        receiver.url,
        {"signing_secret": secret},
        payload='{"text": "$EVENT_TITLE", "count": 3}',
        encode_as="form",
        custom_headers='{"X-Team": "sre", "webhook-id": "forged"}',
    )
    assert send(destination, delivery_id="msg_FORM").result is Result.DELIVERED
    [request] = receiver.requests
    assert request.verified
    assert request.webhook_id == "msg_FORM"
    assert request.headers["x-team"] == "sre"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.body.decode()) == {"text": [NOTICE.title], "count": ["3"]}


def test_a_form_payload_that_is_no_object_is_permanent(receiver: WebhookReceiver, secret: str) -> None:
    destination = hook(receiver.url, {"signing_secret": secret}, payload="[1, 2]", encode_as="form")
    outcome = send(destination)
    assert outcome.result is Result.PERMANENT
    assert outcome.error == "invalid_payload"
    assert receiver.requests == []


@pytest.mark.parametrize(
    ("answer", "result", "retry_after"),
    [
        (Answer(201), Result.DELIVERED, None),
        (Answer(500, body="oops"), Result.TRANSIENT, None),
        (Answer(503, {"Retry-After": "7"}), Result.TRANSIENT, 7.0),
        (Answer(429, {"Retry-After": "120"}), Result.TRANSIENT, 120.0),
        (Answer(408), Result.TRANSIENT, None),
        (Answer(410, {"Retry-After": "5"}), Result.PERMANENT, None),
        (Answer(400), Result.PERMANENT, None),
        (Answer(401), Result.PERMANENT, None),
    ],
)
def test_answers_are_classified(
    receiver: WebhookReceiver, secret: str, answer: Answer, result: Result, retry_after: float | None
) -> None:
    receiver.script(answer)
    outcome = send(hook(receiver.url, {"signing_secret": secret}))
    assert outcome.result is result
    assert outcome.status == answer.status
    assert outcome.retry_after == retry_after
    assert outcome.snippet == answer.body
    assert outcome.error == (None if result is Result.DELIVERED else f"http_{answer.status}")


def test_a_redirect_is_not_followed(receiver: WebhookReceiver, secret: str) -> None:
    receiver.script(Answer(301, {"Location": receiver.url + "/elsewhere"}))
    outcome = send(hook(receiver.url, {"signing_secret": secret}))
    assert outcome.result is Result.PERMANENT
    assert outcome.status == 301
    assert "not followed" in outcome.snippet
    assert len(receiver.requests) == 1


def test_a_refused_connection_is_transient(secret: str) -> None:
    outcome = send(hook(f"http://127.0.0.1:{free_port()}/hook", {"signing_secret": secret}))
    assert outcome.result is Result.TRANSIENT
    assert outcome.error == "connect_error"


def test_a_missing_url_is_permanent() -> None:
    outcome = send(Destination(ChannelKind.WEBHOOK, "ops", {}, {}))
    assert outcome.result is Result.PERMANENT
    assert outcome.error == "no_url"


@pytest.fixture
def flood() -> Iterator[str]:
    """A receiver whose answer is 10 MiB long."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            self.send_response(500)
            self.send_header("content-length", str(10 * 1024 * 1024))
            self.end_headers()
            try:
                for _ in range(160):
                    self.wfile.write(b"x" * 65536)
            except (OSError, BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def test_a_long_answer_is_read_only_in_part(flood: str, secret: str) -> None:
    outcome = send(hook(flood, {"signing_secret": secret}))
    assert outcome.result is Result.TRANSIENT
    assert outcome.status == 500
    assert len(outcome.snippet.encode()) == SNIPPET_MAX


def test_the_timestamp_is_this_attempts(receiver: WebhookReceiver, secret: str) -> None:
    before = int(datetime.now(UTC).timestamp())
    send(hook(receiver.url, {"signing_secret": secret}))
    stamp = receiver.requests[0].timestamp
    assert stamp is not None
    assert before <= int(stamp) <= int(datetime.now(UTC).timestamp())
