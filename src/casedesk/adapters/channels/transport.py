"""One HTTP exchange with a receiver, with every failure turned into an `Outcome`.

The senders share this so that a refused connection, a timeout or the outbound address
guard refusing a target read the same in every channel's delivery log: this is the one
place that knows aiohttp's exceptions. The client is injected (the composition root gives
the address-guarded one); nothing here retries or follows redirects.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import aiohttp

from casedesk.adapters.outbound.client import BlockedAddress, OutboundClient, Response
from casedesk.domain.notifications.outcomes import Outcome, Result, parse_retry_after

# Failures to get an answer that may pass (the network or the receiver may come back), by
# class; the first that matches names the error. aiohttp raises asyncio's TimeoutError (the
# builtin one) for its timeouts; a connection reset while sending is a
# ClientConnectionResetError; a server that closes without answering, or answers what is
# not HTTP, is a protocol failure; a body that breaks off, or any other socket error once
# connected, a failure to read.
_NETWORK_ERRORS: tuple[tuple[type[BaseException], str], ...] = (
    (TimeoutError, "timeout"),
    (aiohttp.ClientConnectorError, "connect_error"),
    (aiohttp.ClientConnectionResetError, "write_error"),
    (aiohttp.ServerDisconnectedError, "protocol_error"),
    (aiohttp.ClientResponseError, "protocol_error"),
    (aiohttp.ClientPayloadError, "read_error"),
    (aiohttp.ClientOSError, "read_error"),
)


async def post(
    client: OutboundClient, url: str, *, data: bytes, headers: dict[str, str], read_max: int | None = None
) -> Response | Outcome:
    """POSTs once; the answer whatever its status, or the Outcome of a failure to get one.

    Network failures are transient. A refusal for any other reason, such as the outbound
    address policy refusing the target or an unusable URL, is permanent: trying again sends
    to the same address.
    """
    try:
        return await client.post(url, data=data, headers=headers, read_max=read_max)
    except Exception as exc:  # a sender never raises for a receiver's failure
        return failure(exc)


def failure(exc: Exception) -> Outcome:
    """The Outcome of an exception raised while sending."""
    name = type(exc).__name__
    detail = f"{name}: {exc}" if str(exc) else f"{name}: no answer within the time allowed"
    detail = detail[:500]
    if isinstance(exc, BlockedAddress):
        return Outcome(Result.PERMANENT, error="blocked_address", snippet=detail)
    for kind, error in _NETWORK_ERRORS:
        if isinstance(exc, kind):
            return Outcome(Result.TRANSIENT, error=error, snippet=detail)
    if isinstance(exc, aiohttp.NonHttpUrlClientError):
        return Outcome(Result.PERMANENT, error="unsupported_protocol", snippet=detail)
    if isinstance(exc, aiohttp.InvalidURL):
        return Outcome(Result.PERMANENT, error="invalid_url", snippet=detail)
    if isinstance(exc, aiohttp.ClientError):
        return Outcome(Result.TRANSIENT, error=snake(name), snippet=detail)
    return Outcome(Result.PERMANENT, error=snake(name), snippet=detail)


def snake(name: str) -> str:
    """`UnsupportedProtocol` → `unsupported_protocol`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def retry_after(response: Response) -> float | None:
    """The receiver's Retry-After in seconds, when it sent a readable one."""
    return parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))


def snippet(response: Response) -> str:
    """The start of the answer's body as text, for the delivery log (Outcome clips it)."""
    return response.body[:8192].decode("utf-8", errors="replace")
