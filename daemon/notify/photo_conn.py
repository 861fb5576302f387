"""The connections of a photo download, guarded as daemon.notify.photo_net says.

httpcore's network backend, wrapped: each connection resolves, checks and
connects by itself, and every operation ends by the download's deadline. Apart
from photo_net because httpcore is loaded only when a photo is downloaded.
"""

from __future__ import annotations

import ipaddress
import ssl
import time
from collections.abc import Iterable

import httpcore

from daemon.notify.photo_net import Deadline, Network, Refused


def pool(network: Network, deadline: Deadline) -> httpcore.ConnectionPool:
    """A connection pool for one download over `network`, ending by `deadline`."""
    return httpcore.ConnectionPool(
        ssl_context=network.ssl_context,
        max_connections=1,
        network_backend=_GuardedBackend(network, deadline),
    )


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves, checks and connects by itself; hands out deadline-bound streams."""

    def __init__(self, network: Network, deadline: Deadline) -> None:
        self._network = network
        self._deadline = deadline
        self._plain = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self._network.resolve(host, port)
        if not addresses:
            raise Refused(f"{host} resolves to no address")
        for address, _ in addresses:
            parsed = ipaddress.ip_address(address.split("%", 1)[0])
            if not self._network.admits(parsed):
                raise Refused(f"{host} resolves to {parsed}, which is not a public address")
        address, real_port = addresses[0]
        stream = self._plain.connect_tcp(
            address,
            real_port,
            timeout=self._deadline.clamp(timeout, httpcore.ConnectTimeout),
            local_address=local_address,
            socket_options=socket_options,
        )
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise Refused("photos are fetched over TCP only")

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, max(self._deadline.remaining(), 0)))


class _DeadlineStream(httpcore.NetworkStream):
    """A stream whose every operation ends by the download's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context, server_hostname, self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)
