"""The network a delivery photo is fetched over: public addresses, a hard deadline.

The photo's URL comes from an email. daemon.notify.photo lets a request go only to
Amazon's photo hosts by https, hop by hop; this module guards the connections
themselves, below the HTTP client, where no redirect or DNS answer can get past:

- each connection resolves its host here, and is refused unless every address the
  name resolves to is public (not loopback, private, link-local, unique-local,
  multicast or reserved, also when embedded in an IPv6 address), then connects to
  the checked address itself, so a second DNS answer cannot swap it;
- every connect, TLS handshake, read and write gets at most the time left until
  the download's deadline, so a server that trickles a byte at a time cannot hold
  the download (or the notifier) past it.

`Network.public()` is what the notifier uses. The guarded connections themselves
(photo_conn.py) are built on httpcore, which the first download loads: an idle
daemon that fetches no photo does not carry it. A test that serves photos on
loopback builds its own `Network` (tests/support/photo_server.py); nothing in the
daemon builds one that admits other addresses.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolve = Callable[[str, int], list[tuple[str, int]]]
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class Refused(Exception):  # noqa: N818 - a verdict, not a failure
    """A connection the photo download may not make; the text says why."""


@dataclass(frozen=True)
class Network:
    """How a photo download reaches a server: TLS trust, name resolution, and which
    addresses it may connect to."""

    ssl_context: ssl.SSLContext
    resolve: Resolve
    admits: Callable[[IPAddress], bool]

    @classmethod
    def public(cls) -> Network:
        """The system's CA certificates, its resolver, public addresses only."""
        return cls(ssl.create_default_context(), resolve_dns, is_public)

    def pool(self, deadline: Deadline) -> httpcore.ConnectionPool:
        """A connection pool for one download, its connections guarded as above."""
        from daemon.notify import photo_conn  # httpcore, loaded by the first download

        return photo_conn.pool(self, deadline)


@dataclass
class Deadline:
    """The wall-clock budget of one download, shared by all its requests."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    ends_at: float = field(init=False)

    def __post_init__(self) -> None:
        self.ends_at = self.clock() + self.seconds

    def remaining(self) -> float:
        return self.ends_at - self.clock()

    def clamp(self, timeout: float | None, on_expiry: type[Exception]) -> float:
        """`timeout`, shortened to what is left; `on_expiry` raised when nothing is."""
        left = self.remaining()
        if left <= 0:
            raise on_expiry(f"the download's {self.seconds:g} s are over")
        return left if timeout is None else min(timeout, left)


def resolve_dns(host: str, port: int) -> list[tuple[str, int]]:
    """Every (address, port) the system's resolver gives for a TCP connection."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Refused(f"cannot resolve {host}: {exc.strerror}") from None
    return [(str(info[4][0]), int(info[4][1])) for info in infos]


def is_public(address: IPAddress) -> bool:
    """Whether an address is on the public internet, judging an IPv4 address
    embedded in an IPv6 one (mapped, 6to4, Teredo, NAT64) by itself too."""
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = [address.ipv4_mapped, address.sixtofour]
        if address.teredo:
            embedded.append(address.teredo[1])
        if address in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        return all(is_public(inner) for inner in embedded if inner is not None)
    return True
