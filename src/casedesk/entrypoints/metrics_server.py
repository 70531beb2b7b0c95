"""/metrics on a port of its own, for a process that runs a delivery worker without an HTTP
application of its own to show them: `casedesk worker --metrics-port`, and the parent of
`casedesk serve --workers N`.

A small threaded WSGI server from the standard library: a scrape is answered on a thread of
its own, so collecting (which reads the backlog from the database) never holds up the
worker's event loop. It answers `GET /metrics` only, under the same rule as the API's
/metrics: open unless `CASEDESK_METRICS_TOKEN` is set, then `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hmac
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any, Protocol
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class Exposition(Protocol):
    """What is served (`DeliveryTelemetry` in adapters/metrics/prometheus.py)."""

    content_type: str

    def exposition(self) -> bytes: ...


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a scrape in flight does not hold the process up at exit


class IPv6Server(ThreadingServer):
    address_family = socket.AF_INET6


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes come every few seconds; logging each would drown the worker's log."""


def metrics_app(telemetry: Exposition, token: str) -> WsgiApp:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/metrics":
            return answer(start_response, "404 Not Found", b"only /metrics is served here\n")
        if environ.get("REQUEST_METHOD") != "GET":
            return answer(start_response, "405 Method Not Allowed", b"", [("Allow", "GET")])
        if not admitted(environ.get("HTTP_AUTHORIZATION", ""), token):
            refused = [("WWW-Authenticate", "Bearer")]
            return answer(start_response, "401 Unauthorized", b"a bearer token is required\n", refused)
        body = telemetry.exposition()
        return answer(start_response, "200 OK", body, content_type=telemetry.content_type)

    return app


def answer(
    start_response: StartResponse,
    status: str,
    body: bytes,
    headers: list[tuple[str, str]] | None = None,
    content_type: str = "text/plain; charset=utf-8",
) -> list[bytes]:
    start_response(
        status, [("Content-Type", content_type), ("Content-Length", str(len(body))), *(headers or [])]
    )
    return [body]


@dataclass
class MetricsServer:
    server: WSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        """The port listened on (the one the system chose when started with port 0)."""
        return int(self.server.server_address[1])

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def start_metrics_server(telemetry: Exposition, host: str, port: int, token: str) -> MetricsServer:
    """Serves `telemetry` at http://host:port/metrics on a thread until `close()`; OSError
    when the address cannot be listened on."""
    kind = IPv6Server if ":" in host else ThreadingServer
    server = make_server(host, port, metrics_app(telemetry, token), kind, QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="casedesk-metrics", daemon=True)
    thread.start()
    return MetricsServer(server, thread)


def admitted(authorization: str, token: str) -> bool:
    """Whether a request with this `Authorization` header may read the metrics: any when no
    token is set, else only `Bearer <token>` (compared in constant time)."""
    if not token:
        return True
    return hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode())
