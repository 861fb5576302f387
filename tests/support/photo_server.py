"""Delivery photos served over HTTPS on loopback, under Amazon's photo host names.

The daemon fetches photos only from Amazon's photo hosts, over https, at public
addresses (daemon.notify.photo, photo_net). A test serves them from a local server
all the same: with a certificate for those host names from a throw-away CA, and a
`Network` of its own that resolves every name to the server and admits loopback.
That `Network` exists here, in the tests, and nowhere in the daemon: production
builds `Network.public()` only.
"""

from __future__ import annotations

import ipaddress
import ssl
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pytest_httpserver import HTTPServer

from daemon.notify.photo_net import IPAddress, Network
from tests.support import dovecot

PHOTO_HOST = "m.media-amazon.com"
S3_HOST = "us-prod-temp.s3.amazonaws.com"
NAMES = (PHOTO_HOST, S3_HOST, "images-na.ssl-images-amazon.com", "localhost")


def photo_url(path: str, host: str = PHOTO_HOST) -> str:
    """A photo's URL as an email would give it (the test's Network leads it to the server)."""
    return f"https://{host}{path}"


def make_tls() -> dovecot.Tls:
    directory = Path(tempfile.mkdtemp(prefix="parcelwatch-photo-tls-"))
    return dovecot.make_tls(directory, NAMES)


@contextmanager
def https_server(tls: dovecot.Tls) -> Iterator[HTTPServer]:
    """A threaded HTTPS server on loopback with the certificate for NAMES."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls.cert_file, tls.key_file)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


def loopback_network(
    tls: dovecot.Tls,
    port: int,
    admits: Callable[[IPAddress], bool] = lambda address: address.is_loopback,
    resolved: str = "127.0.0.1",
) -> Network:
    """A Network trusting the test CA, resolving every name to `resolved`:`port`,
    admitting what `admits` does (loopback by default; pass the daemon's
    `is_public` to see a loopback address refused)."""
    context = ssl.create_default_context(cafile=str(tls.ca_file))

    def resolve(host: str, _port: int) -> list[tuple[str, int]]:
        return [(str(ipaddress.ip_address(resolved)), port)]

    return Network(context, resolve, admits)
