"""The HTTP client every sender uses: the address policy is applied at connection time.

Checking a URL when it is written is not enough: DNS can answer differently later (or on
purpose, for a rebinding attack). So every address is checked twice more: the resolver
refuses a name when any address it resolved to is not allowed, and the socket factory checks
the very address a connection is opened to, which is the one check an IP literal in the URL
(for which aiohttp asks no resolver) also passes. TLS (SNI, certificate check) and the Host
header keep the name. No proxy variables are honoured and no redirect is followed.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import ipaddress
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.connector import AddrInfoType, SocketFactoryType
from multidict import CIMultiDictProxy
from yarl import URL

from casedesk.adapters.outbound.policy import AddressPolicy, IPAddress, literal_address
from casedesk.config import Settings

CONNECT_TIMEOUT_S = 5.0
TOTAL_TIMEOUT_S = 15.0
TIMEOUT = aiohttp.ClientTimeout(total=TOTAL_TIMEOUT_S, sock_connect=CONNECT_TIMEOUT_S)
MAX_CONNECTIONS = 100
# An idle connection is closed after this long: below the idle timeout of most servers, so
# a request is rarely sent on a connection the receiver is closing at that moment.
KEEPALIVE_S = 5.0


class BlockedAddress(OSError):
    """The host resolved to an address the outbound policy refuses: permanent (senders
    report it as the `blocked_address` error). An OSError, which is what aiohttp expects of
    a resolver or a socket factory that fails."""

    def __init__(self, host: str, address: IPAddress | None) -> None:
        where = f"{host} ({address})" if address is not None and str(address) != host else host
        super().__init__(
            errno.EACCES, f"casedesk does not send to {where}: the outbound address policy refuses it"
        )
        self.host = host
        self.address = address

    def __str__(self) -> str:
        return str(self.strerror)


@dataclass(frozen=True)
class Response:
    """A receiver's answer, read (up to the limit asked for) before the connection went back
    to the pool."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes


def address_of(host: str) -> IPAddress:
    return ipaddress.ip_address(host.split("%", 1)[0])


class GuardedResolver(AbstractResolver):
    """Resolves with the system's resolver (in a thread, as aiohttp does by default) and
    refuses a name when any of its addresses is not allowed."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self.inner = aiohttp.ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        # A TimeoutError passes through aiohttp unwrapped, as its own timeouts do.
        async with asyncio.timeout(CONNECT_TIMEOUT_S):
            found = await self.inner.resolve(host, port, family)
        refused = self.policy.first_refused(address_of(one["host"]) for one in found)
        if refused is not None or not found:
            raise BlockedAddress(host, refused)
        return found

    async def close(self) -> None:
        await self.inner.close()


def guarded_socket(policy: AddressPolicy) -> SocketFactoryType:
    """The connector's socket factory: it is called with the address about to be connected to."""

    def open_socket(addr_info: AddrInfoType) -> socket.socket:
        family, kind, proto, _, sockaddr = addr_info
        address = address_of(str(sockaddr[0]))
        if not policy.allows(address):
            raise BlockedAddress(str(address), address)
        return socket.socket(family, kind, proto)

    return open_socket


@functools.lru_cache(maxsize=1024)
def canonical(url: str) -> URL:
    """`url` with an IPv4 host in the dotted-quad form: aiohttp refuses the legacy spellings
    (`2130706433`, `127.1`) the policy reads as addresses, and a URL parser of the WHATWG URL
    standard (a browser's) turns them into this form too. Kept per URL (URLs are immutable)
    since a destination's URL is sent to again and again."""
    try:
        parsed = URL(url)
    except (ValueError, TypeError) as exc:
        raise aiohttp.InvalidUrlClientError(url, str(exc)) from exc
    host = parsed.raw_host
    literal = literal_address(host) if host else None
    if isinstance(literal, ipaddress.IPv4Address) and str(literal) != host:
        return parsed.with_host(str(literal))
    return parsed


class OutboundClient:
    """The client for every outbound request: the policy checked on the resolved address,
    no proxies from the environment, no redirects, 5 s to connect and 15 s in all, a pool
    of kept-alive connections.

    Its aiohttp session belongs to an event loop, so it is opened on first use, in the loop
    that sends, and `aclose()` must be awaited in that loop: whoever runs the worker does
    (`entrypoints/worker_run.py`). `verify` is the TLS context receivers' certificates are
    checked with (default: the system's trust store); `middlewares` wrap every request."""

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        verify: ssl.SSLContext | None = None,
        timeout: aiohttp.ClientTimeout = TIMEOUT,
        middlewares: Sequence[aiohttp.ClientMiddlewareType] = (),
    ) -> None:
        self.policy = policy
        self.verify = verify
        self.timeout = timeout
        self.middlewares = tuple(middlewares)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _opened(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is not None:
            if loop is not self._loop:
                raise RuntimeError("an OutboundClient sends only from the event loop it opened in")
            return self._session
        connector = aiohttp.TCPConnector(
            limit=MAX_CONNECTIONS,
            ssl=True if self.verify is None else self.verify,  # True: verified, system trust store
            resolver=GuardedResolver(self.policy),
            socket_factory=guarded_socket(self.policy),
            keepalive_timeout=KEEPALIVE_S,
        )
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=self.timeout, trust_env=False, middlewares=self.middlewares
        )
        self._loop = loop
        return self._session

    async def post(
        self, url: str, *, data: bytes, headers: Mapping[str, str], read_max: int | None = None
    ) -> Response:
        """POSTs once, never following a redirect; reads the whole answer, or at most
        `read_max` bytes of it (a connection whose answer is left unread is closed, not
        kept). Raises BlockedAddress when the policy refuses the address, otherwise what
        aiohttp raises."""
        try:
            async with self._opened().post(
                canonical(url), data=data, headers=headers, allow_redirects=False
            ) as response:
                body = await (response.read() if read_max is None else read_some(response, read_max))
                return Response(response.status, response.headers, body)
        except aiohttp.ClientConnectorError as exc:
            # The resolver's or the socket factory's refusal, which aiohttp wraps.
            if isinstance(exc.os_error, BlockedAddress):
                raise exc.os_error from exc
            raise

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def __aenter__(self) -> OutboundClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


async def read_some(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """At most `limit` bytes of the answer: a receiver cannot make us read a flood."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = await response.content.read(limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def policy_of(settings: Settings) -> AddressPolicy:
    return AddressPolicy.from_text(settings.outbound_allow)


def build_http_client(settings: Settings, *, verify: ssl.SSLContext | None = None) -> OutboundClient:
    """The client of the configured outbound policy."""
    return OutboundClient(policy_of(settings), verify=verify)
