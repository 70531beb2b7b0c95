"""An SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it is sent.

It offers STARTTLS with a certificate from a throw-away CA (trustme), can require AUTH
(after TLS), can speak implicit TLS from the first byte instead, and answers scripted
replies (421, 451, 550 …) at RCPT or DATA. Captured mails are parsed with
`email.message_from_bytes(policy=default)`.
"""

from __future__ import annotations

import asyncio
import email
import ssl
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session, TLSSetupException

from tests.support import free_port

SETTLE_S = 0.05


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    tls: bool
    login: str | None


@dataclass
class Handler:
    """Keeps mails; `script[verb]` holds replies to give instead of accepting, one per command."""

    received: list[Received] = field(default_factory=list)
    script: dict[str, deque[str]] = field(default_factory=lambda: defaultdict(deque))

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.script["RCPT"]:
            return self.script["RCPT"].popleft()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        if self.script["DATA"]:
            return self.script["DATA"].popleft()
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        parsed = email.message_from_bytes(raw, policy=default)
        assert isinstance(parsed, EmailMessage)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        self.received.append(
            Received(
                sender=str(envelope.mail_from),
                recipients=list(envelope.rcpt_tos),
                message=parsed,
                tls=session.ssl is not None or encrypted(server),
                login=login,
            )
        )
        return f"250 2.0.0 Ok: queued as {len(self.received)}"


def encrypted(server: SMTP) -> bool:
    """Implicit TLS: the connection was encrypted before SMTP began (no STARTTLS in the session)."""
    transport = server.transport
    return transport is not None and transport.get_extra_info("ssl_object") is not None


@dataclass
class SmtpReceiver:
    port: int
    handler: Handler
    ca_file: str

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def fail_next(self, verb: str, reply: str) -> None:
        """The next `verb` ("RCPT" or "DATA") is answered with `reply` (e.g. "451 4.3.0 later")."""
        self.handler.script[verb].append(reply)


class Authenticator:
    def __init__(self, login: str, password: str) -> None:
        self.login, self.password = login.encode(), password.encode()

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (self.login, self.password)
        return AuthResult(success=ok, handled=False, auth_data=data if ok else None)


@contextmanager
def smtp_receiver(
    tmp: Path, *, starttls: bool = True, implicit_tls: bool = False, auth: tuple[str, str] | None = None
) -> Iterator[SmtpReceiver]:
    """A server on a free loopback port; `auth` (login, password) makes AUTH required."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca_file = tmp / "smtp-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    handler = Handler()
    options: dict[str, Any] = {}
    if implicit_tls:
        options["ssl_context"] = context
    elif starttls:
        options["tls_context"] = context
    if auth is not None:
        # aiosmtpd's TLS check before AUTH knows STARTTLS only: with implicit TLS (encrypted
        # from the start) AUTH is offered, not required.
        options.update(authenticator=Authenticator(*auth), auth_required=not implicit_tls)
        options["auth_require_tls"] = not implicit_tls
    port = free_port()
    controller = ClosingController(
        handler, hostname="127.0.0.1", port=port, server_hostname="localhost", **options
    )
    controller.start()
    try:
        yield SmtpReceiver(port=port, handler=handler, ca_file=str(ca_file))
    finally:
        # Sessions close their sockets (and finish TLS shutdowns) on later turns of the
        # server's loop; stopping it at once would leave them to the garbage collector.
        asyncio.run_coroutine_threadsafe(asyncio.sleep(SETTLE_S), controller.loop).result(timeout=10)
        controller.stop()


class ClosingSMTP(SMTP):
    """aiosmtpd leaves the plain socket open when a client gives up during the STARTTLS
    handshake (a certificate it does not trust); this server closes it."""

    async def smtp_STARTTLS(self, arg: str) -> None:  # noqa: N802 (aiosmtpd's command name)
        try:
            await super().smtp_STARTTLS(arg)
        except TLSSetupException:
            if self._original_transport is not None:
                self._original_transport.close()
            raise


class ClosingController(Controller):
    def factory(self) -> SMTP:
        return ClosingSMTP(self.handler, **self.SMTP_kwargs)
