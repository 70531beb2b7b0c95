"""A Standard Webhooks receiver on 127.0.0.1: verifies every request's signature with the
independent `standardwebhooks` package, dedupes on `webhook-id`, and answers as scripted.

A script is a queue of answers, one per request (then 200): a status with headers and a
body. `down()` stops listening (the sender's connections are refused) and `up()` listens
again on the same port.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.support import free_port


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@dataclass(frozen=True)
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


@dataclass(frozen=True)
class Request:
    webhook_id: str | None
    timestamp: str | None
    headers: dict[str, str]
    body: bytes
    verified: bool
    answered: int
    at: float


class WebhookReceiver:
    def __init__(self, secret: str) -> None:
        self.verifier = Webhook(secret)
        self.port = free_port()
        self.requests: list[Request] = []
        self.accepted: dict[str, bytes] = {}  # webhook-id → the body first accepted
        self.order: list[str] = []  # webhook-ids in the order first accepted
        self._script: list[Answer] = []
        self.delay = 0.0  # seconds each answer takes, so overlapping sends of one id would show
        self.overlaps = 0  # requests that came while another with the same webhook-id was open
        self._open: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/casedesk"

    def script(self, *answers: Answer) -> None:
        with self._lock:
            self._script.extend(answers)

    @property
    def duplicates(self) -> int:
        with self._lock:
            ok = [r for r in self.requests if 200 <= r.answered < 300]
        return len(ok) - len({r.webhook_id for r in ok})

    def wait_for(self, condition: Callable[[WebhookReceiver], bool], timeout: float = 20.0) -> None:
        """Waits until `condition` holds (a bound, not a timing assertion)."""
        deadline = time.monotonic() + timeout
        while not condition(self):
            if time.monotonic() > deadline:
                raise AssertionError(f"receiver: condition not met; saw {len(self.requests)} requests")
            time.sleep(0.02)

    # -- serving ---------------------------------------------------------------------------

    def up(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        server = Listening(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def down(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()

    def _next_answer(self) -> Answer:
        with self._lock:
            return self._script.pop(0) if self._script else Answer()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length", "0"))
        body = handler.rfile.read(length)
        if len(body) < length:  # the sender went away mid-request (a killed worker): no request
            handler.close_connection = True
            return
        headers = {k.lower(): v for k, v in handler.headers.items()}
        answer = self._next_answer()
        webhook_id = headers.get("webhook-id")
        with self._lock:
            if webhook_id:
                self.overlaps += 1 if self._open.get(webhook_id) else 0
                self._open[webhook_id] = self._open.get(webhook_id, 0) + 1
        try:
            if self.delay:
                time.sleep(self.delay)
            self._answer(handler, headers, body, answer)
        finally:
            with self._lock:
                if webhook_id:
                    self._open[webhook_id] -= 1

    def _answer(
        self, handler: BaseHTTPRequestHandler, headers: dict[str, str], body: bytes, answer: Answer
    ) -> None:
        try:
            self.verifier.verify(body, headers, json_parse=False)
            verified = True
        except WebhookVerificationError:
            verified = False
        status = answer.status if verified else 401
        webhook_id = headers.get("webhook-id")
        with self._lock:
            self.requests.append(
                Request(
                    webhook_id, headers.get("webhook-timestamp"), headers, body, verified, status, time.time()
                )
            )
            if 200 <= status < 300 and webhook_id and webhook_id not in self.accepted:
                self.accepted[webhook_id] = body
                self.order.append(webhook_id)
        handler.send_response(status)
        for name, value in answer.headers.items():
            handler.send_header(name, value)
        handler.send_header("content-length", str(len(answer.body.encode())))
        handler.end_headers()
        handler.wfile.write(answer.body.encode())


@contextmanager
def receiving(secret: str) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(secret)
    receiver.up()
    try:
        yield receiver
    finally:
        receiver.down()


class Listening(ThreadingHTTPServer):
    """The standard library's threaded server with a listen backlog a real receiver has:
    its default of 5 pending connections overflows when workers open dozens at once, and a
    connection the kernel dropped is retried only after a second or more, long enough for a
    sender's connect timeout to count it as a failure."""

    request_queue_size = 128
