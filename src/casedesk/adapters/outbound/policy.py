"""The outbound address policy: casedesk sends to global addresses only, and to the private
ranges an operator lists in `CASEDESK_OUTBOUND_ALLOW` (comma-separated CIDRs).

Link-local addresses (169.254.0.0/16, fe80::/10, where cloud metadata services answer),
unspecified, broadcast and multicast addresses are refused even when a listed range covers
them: no notification needs them, and a webhook pointed there is an attack. An IPv4 address
written inside IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 address it carries.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

NEVER: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        "169.254.0.0/16",  # link-local; 169.254.169.254 is the cloud metadata service
        "fe80::/10",
        "fd00:ec2::254/128",  # AWS's IPv6 metadata service
        "0.0.0.0/8",
        "::/128",
        "255.255.255.255/32",
        "224.0.0.0/4",
        "ff00::/8",
    )
)
# Legacy IPv4 spellings (`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`), which resolvers
# read as addresses.
NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.IGNORECASE)


def parse_allow(text: str) -> tuple[IPNetwork, ...]:
    """`CASEDESK_OUTBOUND_ALLOW`; raises ValueError naming the entry that is no CIDR."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(f"CASEDESK_OUTBOUND_ALLOW: {entry!r} is not an address range") from None
    return tuple(networks)


def literal_address(host: str) -> IPAddress | None:
    """The address a host names without DNS, in any spelling a resolver would accept."""
    bare = host.strip("[]")
    try:
        return ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        pass
    if NUMERIC_HOST.match(bare):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(bare))
        except OSError:
            return None
    return None


@dataclass(frozen=True)
class AddressPolicy:
    allow: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_text(cls, text: str) -> AddressPolicy:
        return cls(parse_allow(text))

    def allows(self, address: IPAddress) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address in network for network in NEVER if network.version == address.version):
            return False
        if address.is_global:
            return True
        return any(address in network for network in self.allow if network.version == address.version)

    def first_refused(self, addresses: Iterable[IPAddress]) -> IPAddress | None:
        return next((a for a in addresses if not self.allows(a)), None)

    def refusal(self, url: str) -> str | None:
        """Why casedesk will not send to `url`, checked when it is written. A name that does
        not resolve now is accepted: the connection checks what it resolves to then."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            return f"the URL's scheme must be http or https, not {parts.scheme!r}"
        host = parts.hostname or ""
        literal = literal_address(host)
        if NUMERIC_HOST.match(host) and literal is None:
            return f"{host!r} is not a valid address"
        addresses = [literal] if literal is not None else resolve(host)
        refused = self.first_refused(addresses)
        if refused is None:
            return None
        return (
            f"casedesk does not send to {host} ({refused}): it is not a public address; "
            "an operator may allow private ranges with CASEDESK_OUTBOUND_ALLOW"
        )


def resolve(host: str) -> list[IPAddress]:
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]
