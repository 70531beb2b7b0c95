"""The HTTP client every sender uses: the address policy is applied at connection time.

Checking a URL when it is written is not enough: DNS can answer differently later (or on
purpose, for a rebinding attack). So the client's network backend resolves the host itself,
refuses the connection when any address it resolved is not allowed, and connects to a
checked address, while TLS (SNI, certificate check) and the Host header keep the name.
No proxy variables are honoured and no redirect is followed.
"""

from __future__ import annotations

import ipaddress
import select
import socket
import ssl
import typing

import anyio
import httpcore
import httpx
from httpcore._backends.auto import AutoBackend

from casedesk.adapters.outbound.policy import AddressPolicy, IPAddress, literal_address
from casedesk.config import Settings

CONNECT_TIMEOUT_S = 5.0
TOTAL_TIMEOUT_S = 15.0
HOLD_MAX = 16 * 1024  # bytes of a request held back to go out with its next part
MAX_CONNECTIONS = 100
KEEPALIVE_CONNECTIONS = 20


class BlockedAddress(httpx.ConnectError):
    """The host resolved to an address the outbound policy refuses: permanent (senders
    report it as the `blocked_address` error)."""

    def __init__(self, host: str, address: IPAddress | None) -> None:
        where = f"{host} ({address})" if address is not None else host
        super().__init__(f"casedesk does not send to {where}: the outbound address policy refuses it")
        self.host = host
        self.address = address


async def resolve(host: str, port: int, timeout: float | None) -> list[IPAddress]:
    literal = literal_address(host)
    if literal is not None:
        return [literal]
    try:
        with anyio.fail_after(timeout):
            found = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError:
        raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
    except (OSError, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses the policy allows."""

    def __init__(self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.policy = policy
        self.inner = inner or AutoBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve(host, port, timeout)
        refused = self.policy.first_refused(addresses)
        if refused is not None or not addresses:
            raise BlockedAddress(host, refused)
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = await self.inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
                return KeptStream(stream, stream.get_extra_info("socket"))
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # the next address the name has may answer
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress(path, None)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class KeptStream(httpcore.AsyncNetworkStream):
    """A connection's stream, cheaper per request in two ways.

    Before each request the pool asks every idle connection whether its socket is readable
    (an idle socket with data to read is one the server closed). The anyio stream answers
    by building all its socket attributes, a `getpeername` system call included, each time;
    with a few dozen kept-alive connections that came to more CPU than a request's own
    sending. This keeps the socket from the start and polls it directly.

    httpcore writes a request's head and its body separately; a small write is held back
    until the next write makes it large or the connection reads (for the answer), so a
    small request leaves in one system call and one packet."""

    def __init__(self, inner: httpcore.AsyncNetworkStream, sock: socket.socket | None) -> None:
        self.inner = inner
        self.sock = sock
        self._held = b""
        self._held_timeout: float | None = None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        await self._flush()
        return await self.inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        self._held += buffer
        self._held_timeout = timeout
        if len(self._held) >= HOLD_MAX:
            await self._flush()

    async def _flush(self) -> None:
        if self._held:
            held, self._held = self._held, b""
            await self.inner.write(held, self._held_timeout)

    async def aclose(self) -> None:
        self._held = b""
        await self.inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        await self._flush()
        return KeptStream(await self.inner.start_tls(ssl_context, server_hostname, timeout), self.sock)

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":
            return readable(self.sock)
        if info == "socket":
            return self.sock
        return self.inner.get_extra_info(info)


def readable(sock: socket.socket | None) -> bool:
    """Whether a read would return at once (data, or the end of a closed connection); a
    socket that is gone counts as readable, so the pool drops its connection."""
    fd = -1 if sock is None else sock.fileno()
    if fd < 0:
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool with the guarded backend. httpx offers no
    parameter for the backend, so the pool it built is replaced by an equal one that has it."""

    def __init__(self, policy: AddressPolicy, *, verify: ssl.SSLContext | bool = True) -> None:
        super().__init__(verify=verify, trust_env=False)
        ssl_context = httpx.create_ssl_context(verify=verify, trust_env=False)
        # httpcore closes an idle connection whenever the pool holds more connections in
        # all (busy ones included) than it may keep alive, so above 20 sends in flight to one
        # receiver some requests open a new connection. Keeping all of them alive measured
        # dearer on loopback (the pool checks every idle connection before each request);
        # for TLS receivers, where a new connection costs a handshake, it may not be.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=MAX_CONNECTIONS,
            max_keepalive_connections=KEEPALIVE_CONNECTIONS,
            keepalive_expiry=httpx.Limits().keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )


def policy_of(settings: Settings) -> AddressPolicy:
    return AddressPolicy.from_text(settings.outbound_allow)


def build_http_client(settings: Settings, *, verify: ssl.SSLContext | bool = True) -> httpx.AsyncClient:
    """The client for every outbound request: policy checked on the resolved address, no
    proxies from the environment, no redirects, 5 s to connect and 15 s in all."""
    return httpx.AsyncClient(
        transport=GuardedTransport(policy_of(settings), verify=verify),
        trust_env=False,
        follow_redirects=False,
        timeout=httpx.Timeout(TOTAL_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
    )
