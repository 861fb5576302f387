"""Naming a TLS/port mismatch plainly, after a connection failed because of one.

The two mistakes look like something else from the client's side: implicit TLS
against the plain port fails the handshake with OpenSSL's "wrong version number"
(the server sent its plain "* OK" greeting), and plain or STARTTLS against the
implicit-TLS port waits for a greeting that never comes (the server waits for
a TLS ClientHello). After such a failure one short probe on a fresh socket tells
which protocol the port speaks, and the error says what to change.
"""

from __future__ import annotations

import socket
import ssl

from daemon.config.imap import ImapAccount
from daemon.errors import PermanentError

PROBE_SECONDS = 5.0
_GREETINGS = (b"* OK", b"* PREAUTH", b"* BYE")


def mismatch(account: ImapAccount, failure: BaseException) -> PermanentError | None:
    """The mismatch behind `failure` (raised while connecting), or None when
    the port speaks what the account expects, or the probe cannot tell."""
    port, where = account.port, f"imap account '{account.name}' ({account.host}:{account.port})"
    timeout = min(PROBE_SECONDS, account.connect_timeout)
    if account.security == "tls":
        if isinstance(failure, ssl.SSLCertVerificationError) or not isinstance(
            failure, ssl.SSLError
        ):
            return None
        if not speaks_plain_imap(account.host, port, timeout):
            return None
        fix = 'use security = "starttls" or port 993'
        short = f"port {port} speaks plain IMAP"
    else:
        if not isinstance(failure, TimeoutError | socket.timeout):
            return None
        if not speaks_tls(account.host, port, timeout):
            return None
        fix = 'use security = "tls" (or port 143 for STARTTLS)'
        short = f"port {port} expects TLS from the first byte"
    return PermanentError(f"{where}: {short}; {fix}", short=short, fix=fix)


def speaks_plain_imap(host: str, port: int, timeout: float) -> bool:
    """Whether the server greets in plain text, as IMAP without TLS does."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            return sock.recv(64).startswith(_GREETINGS)
    except OSError:
        return False


def speaks_tls(host: str, port: int, timeout: float) -> bool:
    """Whether the server completes a TLS handshake (its certificate is not
    judged here: only the protocol is)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            context.wrap_socket(sock, server_hostname=host),
        ):
            return True
    except (OSError, ssl.SSLError):
        return False
