"""The email channel: one notice, one mail, submitted to the configured SMTP relay.

`SmtpRelay.from_url` reads `CASEDESK_SMTP_URL`:

- `smtps://user:pass@host[:465]`: implicit TLS from the first byte (RFC 8314).
- `smtp://user:pass@host[:587]`: STARTTLS, required: credentials never cross in the clear,
  and a relay that does not offer STARTTLS is refused.
- `smtp://host[:25]` without credentials: a local relay, spoken to without TLS; add
  `?starttls=true` to require STARTTLS there too. Opportunistic STARTTLS is not used: a
  local relay's self-signed certificate would fail validation and stop every mail.

Certificates and host names are always validated, against the system's authorities or,
when `CASEDESK_SMTP_CA_FILE` names one, that file's.

A 250 means the relay accepted the mail, not that it reached a mailbox: the outcome says so.
Reply codes decide the rest (RFC 5321): 4xx is transient, 5xx permanent; a connection that
cannot be made, breaks, times out or fails its TLS handshake is transient, since it says
nothing about this mail.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from casedesk.adapters.channels.mail_message import InvalidAddress, MailComposer
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.outcomes import Outcome, Result
from casedesk.services.ports.channels import Job

TRUE = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True)
class SmtpRelay:
    """Where and how mail is submitted."""

    hostname: str
    port: int
    implicit_tls: bool = False
    starttls: bool = False  # required when True; never attempted when False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_url(cls, url: str, *, ca_file: str | None = None, timeout: float = 30.0) -> SmtpRelay:
        """Reads an `smtp://` or `smtps://` URL; ValueError names what is wrong with it."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError(f"CASEDESK_SMTP_URL must start with smtp:// or smtps://, not {parts.scheme!r}")
        if not parts.hostname:
            raise ValueError("CASEDESK_SMTP_URL names no host")
        try:
            port = parts.port
        except ValueError:
            raise ValueError("CASEDESK_SMTP_URL has a port that is not a number") from None
        username = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password else None
        implicit = parts.scheme == "smtps"
        asked = parse_qs(parts.query).get("starttls", [""])[-1].lower() in TRUE
        starttls = not implicit and (asked or username is not None)
        default_port = 465 if implicit else 587 if starttls else 25
        return cls(
            hostname=parts.hostname,
            port=port or default_port,
            implicit_tls=implicit,
            starttls=starttls,
            username=username,
            password=password,
            ca_file=ca_file or None,
            timeout=timeout,
        )

    def tls_context(self) -> ssl.SSLContext | None:
        """Validating certificates and host names; None when the relay is spoken to in the clear."""
        if not (self.implicit_tls or self.starttls):
            return None
        return ssl.create_default_context(cafile=self.ca_file)


class EmailSender:
    """The `Sender` of `ChannelKind.EMAIL`: the destination's name is the address. Without a
    relay (`CASEDESK_SMTP_URL` unset) every mail fails as permanently not configured."""

    kind = ChannelKind.EMAIL

    def __init__(self, relay: SmtpRelay | None, composer: MailComposer) -> None:
        self.relay = relay
        self.composer = composer

    async def send(self, job: Job) -> Outcome:
        if self.relay is None:
            return Outcome(Result.PERMANENT, error="not_configured", snippet="CASEDESK_SMTP_URL is not set")
        try:
            mail = self.composer.compose(job)
        except InvalidAddress as exc:
            return Outcome(Result.PERMANENT, error="invalid_address", snippet=str(exc))
        except ValueError as exc:
            return Outcome(Result.PERMANENT, error="invalid_notice", snippet=str(exc))
        relay = self.relay
        try:
            _, reply = await aiosmtplib.send(
                mail.message,
                sender=self.composer.envelope_sender,
                recipients=[mail.recipient],
                hostname=relay.hostname,
                port=relay.port,
                username=relay.username,
                password=relay.password,
                use_tls=relay.implicit_tls,
                start_tls=relay.starttls,
                tls_context=relay.tls_context(),
                timeout=relay.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients[0]
            return replied(refused.code, refused.message)
        except aiosmtplib.SMTPResponseException as exc:
            return replied(exc.code, exc.message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            return unreachable(exc)
        return Outcome(
            Result.DELIVERED,
            status=250,
            snippet=f"accepted by the relay (not yet seen): {reply}",
            refs=mail.refs,
        )


def smtp_result(code: int) -> Result:
    """4xx: the relay may take it later; 5xx: it never will. A code outside both (a relay
    that says something it should not) is treated as worth another try."""
    if 200 <= code < 300:
        return Result.DELIVERED
    if 500 <= code < 600:
        return Result.PERMANENT
    return Result.TRANSIENT


def replied(code: int, message: str) -> Outcome:
    return Outcome(smtp_result(code), status=code, error=f"smtp_{code}", snippet=f"{code} {message}")


def unreachable(exc: Exception) -> Outcome:
    if isinstance(exc, TimeoutError):
        error = "timeout"
    elif isinstance(exc, ssl.SSLError):
        error = "tls_error"
    elif isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        error = "disconnected"
    elif isinstance(exc, OSError):
        error = "connect_error"
    else:
        error = "smtp_error"  # the relay lacks what the settings require (STARTTLS, AUTH)
    return Outcome(Result.TRANSIENT, error=error, snippet=f"{type(exc).__name__}: {exc}")
