"""The outbound address policy, when a URL is written and when a connection is made, against
real loopback HTTP servers."""

from __future__ import annotations

import asyncio
import http.server
import ipaddress
import ssl
import threading
from collections.abc import Iterator

import aiohttp
import pytest
import trustme

from casedesk.adapters.outbound.client import BlockedAddress, Response, build_http_client
from casedesk.adapters.outbound.policy import AddressPolicy, literal_address
from casedesk.config import Settings


class Receiver(http.server.BaseHTTPRequestHandler):
    """Answers 200 with the Host header it was sent; `/redirect` answers 302."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/")
            self.end_headers()
            return
        body = (self.headers.get("Host") or "").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def receiver() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def tls_receiver() -> Iterator[tuple[int, trustme.CA]]:
    """The same receiver over TLS, with a certificate for `localhost` from a throw-away CA."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1]), ca
    server.shutdown()
    server.server_close()


def post(allow: str, url: str, verify: ssl.SSLContext | None = None) -> Response:
    async def call() -> Response:
        async with build_http_client(Settings(outbound_allow=allow), verify=verify) as client:
            return await client.post(url, data=b"{}", headers={"Content-Type": "application/json"})

    return asyncio.run(call())


# -- when a URL is written ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8080/",  # resolves to loopback
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://0.0.0.0/",
        "http://2130706433/",  # 127.0.0.1 in decimal
        "http://0x7f000001/",  # in hex
        "http://0177.0.0.1/",  # in octal
        "http://127.1/",  # short form
        "http://0xa9fea9fe/",  # 169.254.169.254 in hex
        "http://224.0.0.1/",
    ],
)
def test_private_and_special_addresses_are_refused_by_default(url: str) -> None:
    refusal = AddressPolicy().refusal(url)
    assert refusal is not None
    assert "not a public address" in refusal


def test_global_addresses_and_unresolvable_names_are_accepted() -> None:
    policy = AddressPolicy()
    assert policy.refusal("https://93.184.215.14/hook") is None
    assert policy.refusal("https://[2606:4700::1111]/hook") is None
    # A name that does not resolve now is checked again at connection time.
    assert policy.refusal("https://no-such-host.invalid/hook") is None


def test_an_operator_allows_private_ranges_but_never_link_local() -> None:
    policy = AddressPolicy.from_text("127.0.0.0/8, 10.0.0.0/8, 169.254.0.0/16, fe80::/10")
    assert policy.refusal("http://127.0.0.1:9000/") is None
    assert policy.refusal("http://2130706433/") is None
    assert policy.refusal("http://[::ffff:10.1.2.3]/") is None
    assert policy.refusal("http://10.20.30.40/") is None
    assert policy.refusal("http://192.168.0.1/") is not None
    assert policy.refusal("http://169.254.169.254/") is not None
    assert policy.refusal("http://[fe80::1]/") is not None
    assert policy.refusal("ftp://127.0.0.1/") is not None


def test_a_malformed_allow_list_is_refused() -> None:
    with pytest.raises(ValueError, match="not-a-range"):
        AddressPolicy.from_text("127.0.0.0/8,not-a-range")


def test_literal_addresses_in_every_spelling() -> None:
    loopback = ipaddress.ip_address("127.0.0.1")
    for spelled in ("127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0x7f.1"):
        assert literal_address(spelled) == loopback, spelled
    assert literal_address("[::1]") == ipaddress.ip_address("::1")
    assert literal_address("example.com") is None


# -- when a connection is made -------------------------------------------------------------


def test_an_allowed_loopback_receiver_is_reached(receiver: int) -> None:
    response = post("127.0.0.0/8", f"http://127.0.0.1:{receiver}/")
    assert response.status == 200
    assert response.body.decode() == f"127.0.0.1:{receiver}"


def test_a_receiver_outside_the_policy_is_not_connected_to(receiver: int) -> None:
    with pytest.raises(BlockedAddress) as blocked:
        post("", f"http://127.0.0.1:{receiver}/")
    assert blocked.value.address == ipaddress.ip_address("127.0.0.1")
    assert isinstance(blocked.value, OSError)  # what aiohttp expects of a socket factory that fails
    with pytest.raises(BlockedAddress):
        post("", f"http://2130706433:{receiver}/")  # the decimal spelling is the same address
    assert post("127.0.0.0/8", f"http://2130706433:{receiver}/").status == 200
    with pytest.raises(BlockedAddress):
        post("", f"http://[::ffff:127.0.0.1]:{receiver}/")


def test_a_name_is_connected_to_by_its_checked_address_and_keeps_its_host(receiver: int) -> None:
    # localhost resolves to 127.0.0.1 (and often ::1): every address must be allowed.
    response = post("127.0.0.0/8,::1/128", f"http://localhost:{receiver}/")
    assert response.status == 200
    assert response.body.decode() == f"localhost:{receiver}"
    with pytest.raises(BlockedAddress):
        post("", f"http://localhost:{receiver}/")


def test_redirects_are_not_followed(receiver: int) -> None:
    response = post("127.0.0.0/8", f"http://127.0.0.1:{receiver}/redirect")
    assert response.status == 302
    assert response.headers["location"] == "http://169.254.169.254/"


def test_proxy_variables_are_not_honoured(receiver: int, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    assert post("127.0.0.0/8", f"http://127.0.0.1:{receiver}/").status == 200


def test_metadata_addresses_are_never_connected_to() -> None:
    with pytest.raises(BlockedAddress):
        post("0.0.0.0/0", "http://169.254.169.254/latest/meta-data/")


def test_a_receiver_certificate_is_verified(tls_receiver: tuple[int, trustme.CA]) -> None:
    port, ca = tls_receiver
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    loopback = "127.0.0.0/8,::1/128"  # localhost may resolve to both
    assert post(loopback, f"https://localhost:{port}/", verify=trusting).status == 200
    with pytest.raises(aiohttp.ClientConnectorCertificateError):
        post(loopback, f"https://localhost:{port}/")  # the CA is not in the system's store
    with pytest.raises(aiohttp.ClientConnectorCertificateError):
        post("127.0.0.0/8", f"https://127.0.0.1:{port}/", verify=trusting)  # not the name certified
