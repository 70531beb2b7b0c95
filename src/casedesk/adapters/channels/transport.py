"""One HTTP exchange with a receiver, with every failure turned into an `Outcome`.

The senders share this so that a refused connection, a timeout or the outbound address
guard refusing a target read the same in every channel's delivery log. The client is
injected (the composition root gives an address-guarded one); nothing here retries or
follows redirects.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx

from casedesk.adapters.outbound.client import BlockedAddress
from casedesk.domain.notifications.outcomes import Outcome, Result, parse_retry_after

# What an exception's class says when it is neither a timeout nor a failure to connect.
_NETWORK_ERRORS: tuple[tuple[type[Exception], str], ...] = (
    (httpx.TimeoutException, "timeout"),
    (httpx.ConnectError, "connect_error"),
    (httpx.ReadError, "read_error"),
    (httpx.WriteError, "write_error"),
    (httpx.RemoteProtocolError, "protocol_error"),
)


async def post(client: httpx.AsyncClient, url: str, **kwargs: Any) -> httpx.Response | Outcome:
    """POSTs once; the answer whatever its status, or the Outcome of a failure to get one.

    httpx's transport errors are transient (the network or the receiver may come back). An
    error raised by the client for any other reason, such as the outbound address policy
    refusing the target or an unusable URL, is permanent: trying again sends to the same
    address.
    """
    try:
        return await client.post(url, **kwargs)
    except Exception as exc:  # a sender never raises for a receiver's failure
        return failure(exc)


def failure(exc: Exception) -> Outcome:
    """The Outcome of an exception raised while sending."""
    name = type(exc).__name__
    detail = f"{name}: {exc}"[:500]
    if isinstance(exc, BlockedAddress):
        return Outcome(Result.PERMANENT, error="blocked_address", snippet=detail)
    for kind, error in _NETWORK_ERRORS:
        if isinstance(exc, kind):
            return Outcome(Result.TRANSIENT, error=error, snippet=detail)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return Outcome(Result.PERMANENT, error="unsupported_protocol", snippet=detail)
    if isinstance(exc, httpx.InvalidURL):
        return Outcome(Result.PERMANENT, error="invalid_url", snippet=detail)
    if isinstance(exc, httpx.TransportError):
        return Outcome(Result.TRANSIENT, error=snake(name), snippet=detail)
    return Outcome(Result.PERMANENT, error=snake(name), snippet=detail)


def snake(name: str) -> str:
    """`UnsupportedProtocol` → `unsupported_protocol`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def retry_after(response: httpx.Response) -> float | None:
    """The receiver's Retry-After in seconds, when it sent a readable one."""
    return parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))


def snippet(response: httpx.Response) -> str:
    """The start of the answer's body as text, for the delivery log (Outcome clips it)."""
    return response.content[:8192].decode("utf-8", errors="replace")
