"""One IMAP connection, typed and read-only, with errors mapped to our tiers.

imapclient is untyped and raises a dozen exception types; this module is the
boundary where they become TransientError (network, server restart, timeout),
AuthError (login refused) or PermanentError (missing folder, untrusted
certificate). Nothing here can change the mailbox: folders are only ever
selected read-only (EXAMINE) and bodies fetched with BODY.PEEK, and there is no
method that stores flags, copies, moves or deletes.
"""

from __future__ import annotations

import imaplib
import logging
import socket
import ssl
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from email.parser import BytesHeaderParser
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError
from imapclient.imapclient import SocketTimeout

from daemon.config.imap import ImapAccount, is_loopback
from daemon.errors import AuthError, ParcelwatchError, PermanentError, TransientError
from daemon.mail.imap_auth import TokenSource
from daemon.mail.imap_probe import mismatch

log = logging.getLogger(__name__)

_HEAD = b"BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"
_RESULTS = b"BODY.PEEK[HEADER.FIELDS (AUTHENTICATION-RESULTS)]"
_BODY = b"BODY.PEEK[]"
_BODY_KEY = b"BODY[]"
_SIZE = b"RFC822.SIZE"
_RECEIVED = b"INTERNALDATE"


@dataclass(frozen=True)
class FolderStatus:
    uidvalidity: int
    uidnext: int
    messages: int


@dataclass(frozen=True)
class Body:
    """A whole message and when the server received it (INTERNALDATE; None when
    the server gave none)."""

    data: bytes
    received_at: datetime | None


@dataclass(frozen=True)
class Head:
    """What is fetched before deciding to download a message."""

    size: int
    message_id: str | None


class ImapConnection:
    """A logged-in connection to one account. Use `open_connection` to get one."""

    def __init__(self, account: ImapAccount, client: Any) -> None:
        self.account = account
        self._client = client
        self._interrupted = threading.Event()
        self._selected: str | None = None
        self._exists = 0

    # --- folders ----------------------------------------------------------------

    def status(self, folder: str) -> FolderStatus:
        """UIDVALIDITY and UIDNEXT of a folder in one round trip, without selecting it."""
        with self._errors(opening=folder):
            data = self._client.folder_status(folder, [b"UIDVALIDITY", b"UIDNEXT", b"MESSAGES"])
        return _status(data)

    def examine(self, folder: str) -> FolderStatus:
        """Select `folder` read-only (IMAP EXAMINE): no flag can change."""
        with self._errors(opening=folder):
            data = self._client.select_folder(folder, readonly=True)
        self._selected = folder
        status = _status(data)
        self._exists = status.messages
        return status

    def changed_since_examine(self) -> bool:
        """Whether the server announced a different message count (EXISTS) while
        answering a command after `examine`: mail that arrived during a catch-up
        is announced once, in that command's response, and IDLE would not
        announce it again. (imaplib keeps such untagged responses in
        `untagged_responses` until the next SELECT.)"""
        announced = self._client._imap.untagged_responses.get("EXISTS")
        return bool(announced) and int(announced[-1]) != self._exists

    def mail_arrived(self) -> bool:
        """Ask the server (NOOP) what happened in the selected folder, and say
        whether its message count moved since `examine`. A watcher asks before
        it enters IDLE: mail that came after the catch-up's last command was
        announced to nobody, and IDLE does not always announce it again."""
        with self._errors():
            self._client.noop()
        return self.changed_since_examine()

    def unselect(self) -> None:
        if self._selected is None:
            return
        with self._errors():
            if self._client.has_capability("UNSELECT"):
                self._client.unselect_folder()
            else:
                self._client.close_folder()  # read-only: CLOSE expunges nothing
        self._selected = None

    # --- messages ---------------------------------------------------------------

    def search(self, criteria: Sequence[object]) -> list[int]:
        """UIDs matching `criteria` in the selected folder. No CHARSET is sent:
        Exchange rejects every charset but US-ASCII, and our criteria are ASCII."""
        with self._errors():
            uids = self._client.search(list(criteria))
        return sorted(int(uid) for uid in uids)

    def heads(self, uids: Sequence[int]) -> dict[int, Head]:
        with self._errors():
            data = self._client.fetch(list(uids), [_SIZE, _HEAD])
        return {int(uid): _head(item) for uid, item in data.items()}

    def authentication_results(self, uid: int) -> list[str]:
        """A message's Authentication-Results headers, topmost first (BODY.PEEK)."""
        with self._errors():
            data = self._client.fetch([uid], [_RESULTS])
        item = data.get(uid) or {}
        raw = next((v for k, v in item.items() if bytes(k).startswith(b"BODY[HEADER")), b"")
        headers = BytesHeaderParser().parsebytes(bytes(raw or b""))
        return [
            " ".join(str(value).split())
            for value in headers.get_all("Authentication-Results") or ()
        ]

    def bodies(self, uids: Sequence[int]) -> dict[int, Body]:
        """Whole messages, fetched with BODY.PEEK so \\Seen is never set, with
        their INTERNALDATE (the evidence of an email's age when it has no Date)."""
        with self._errors():
            data = self._client.fetch(list(uids), [_BODY, _RECEIVED])
        return {
            int(uid): Body(bytes(item.get(_BODY_KEY, b"")), _received(item.get(_RECEIVED)))
            for uid, item in data.items()
        }

    # --- waiting for mail -------------------------------------------------------

    @property
    def supports_idle(self) -> bool:
        with self._errors():
            return bool(self._client.has_capability("IDLE"))

    def idle(self, timeout: float) -> bool:
        """Wait in IDLE up to `timeout` seconds; True when the server announced
        new or expunged mail. Returns early (False) after `interrupt()`."""
        with self._errors():
            self._client.idle()
            responses: list[Any] = []
            try:
                if not self._interrupted.is_set():
                    responses += self._client.idle_check(timeout)
            finally:
                if not self._interrupted.is_set():
                    # What arrived between the last check and DONE counts too.
                    responses += self._client.idle_done()[1]
        if self._interrupted.is_set():
            raise TransientError("interrupted")
        for response in responses:
            if len(response) >= 2 and response[1] in (b"EXISTS", b"EXPUNGE"):
                return True
            if response and response[0] == b"BYE":
                raise TransientError(f"imap account '{self.account.name}': the server hung up")
        return False

    def interrupt(self) -> None:
        """Make a blocked `idle()` return at once; safe from another thread."""
        self._interrupted.set()
        with suppress(OSError, AttributeError):
            self._client.socket().shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Log out politely if the connection still works, then close the socket;
        a connection that already failed has nothing left to say."""
        with suppress(IMAPClientError, imaplib.IMAP4.error, OSError):
            if not self._interrupted.is_set():
                self._client.logout()
        with suppress(OSError, imaplib.IMAP4.error):
            self._client.shutdown()

    @contextmanager
    def _errors(self, *, opening: str | None = None) -> Iterator[None]:
        """Map failures to our tiers; `opening` names the folder being opened,
        whose refusal means the folder is wrong rather than the connection."""
        try:
            yield
        except ParcelwatchError:
            raise
        except Exception as exc:
            raise map_error(self.account, exc, opening) from None


def open_connection(account: ImapAccount, tokens: TokenSource | None) -> ImapConnection:
    """Connect, secure and log in; the caller closes the connection."""
    try:
        client = IMAPClient(
            account.host,
            port=account.port,
            ssl=account.security == "tls",
            ssl_context=tls_context(account),
            timeout=SocketTimeout(account.connect_timeout, account.read_timeout),
        )
    except Exception as exc:
        raise mismatch(account, exc) or map_error(account, exc, None) from None
    connection = ImapConnection(account, client)
    try:
        with connection._errors():
            _secure(account, client)
            _login(account, client, tokens)
    except BaseException:
        connection.close()
        raise
    return connection


def tls_context(account: ImapAccount) -> ssl.SSLContext:
    """Certificates verified against the system's CAs, or only against
    `ca_file` for a self-hosted server with its own CA."""
    cafile = str(account.ca_file) if account.ca_file else None
    context = ssl.create_default_context(cafile=cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _secure(account: ImapAccount, client: Any) -> None:
    if account.security == "starttls":
        if not client.has_capability("STARTTLS"):
            fix = 'use security = "tls" and port 993'
            raise PermanentError(
                f"imap account '{account.name}': {account.host} does not offer STARTTLS ({fix})",
                short="no STARTTLS offered",
                fix=fix,
            )
        client.starttls(tls_context(account))
    elif account.security == "plain":
        peer = client.socket().getpeername()[0]
        if not is_loopback(str(peer)):
            raise PermanentError(
                f"imap account '{account.name}': refusing to log in unencrypted to {peer}",
                short="refused to log in unencrypted",
                fix='use security = "tls"',
            )


def _login(account: ImapAccount, client: Any, tokens: TokenSource | None) -> None:
    if account.auth == "login":
        assert account.password is not None
        client.login(account.username, account.password.reveal())
        return
    assert tokens is not None
    for renew in (False, True):
        token = tokens.access_token(renew=renew)
        try:
            if account.auth == "oauthbearer":
                client.oauthbearer_login(account.username, token)
            else:
                client.oauth2_login(account.username, token)
        except LoginError:
            if renew:
                raise
            log.info("imap account '%s': token refused, getting a new one", account.name)
        else:
            return


def map_error(account: ImapAccount, exc: BaseException, folder: str | None) -> ParcelwatchError:
    """The one place an IMAP or socket failure becomes an error tier, with a
    message that names the account and what to check, and never a secret.
    `folder` is the folder being opened, if that is what failed."""
    where = f"imap account '{account.name}' ({account.host}:{account.port})"
    if isinstance(exc, LoginError):
        if "[UNAVAILABLE]" in str(exc).upper():  # RFC 5530: the server cannot check it now
            return TransientError(f"{where}: the server cannot check the login now "
                                  f"({_short(exc)})")  # fmt: skip
        what = "the password" if account.auth == "login" else "the access token and its scope"
        fix = "fix the password" if account.auth == "login" else "renew the access token"
        return AuthError(f"{where}: login refused for '{account.username}'; check the username "
                         f"and {what}", short="login refused", fix=fix)  # fmt: skip
    if isinstance(exc, ssl.SSLCertVerificationError):
        return PermanentError(
            f"{where}: the server's certificate is not trusted ({exc.verify_message}); "
            "for a self-hosted server set ca_file",
            short="certificate not trusted",
            fix="set ca_file (a self-hosted server) or fix the server's certificate",
        )
    if isinstance(exc, socket.gaierror):
        return TransientError(f"{where}: cannot resolve the host name ({exc.strerror})")
    if isinstance(exc, TimeoutError | socket.timeout):
        return TransientError(f"{where}: timed out")
    if isinstance(exc, OSError | imaplib.IMAP4.abort | EOFError):
        return TransientError(f"{where}: connection lost ({_short(exc)})")
    if isinstance(exc, IMAPClientError | imaplib.IMAP4.error):
        if "BYE" in str(exc):
            return TransientError(f"{where}: the server hung up ({_short(exc)})")
        if folder is not None:
            return PermanentError(
                f"{where}: cannot open folder '{folder}' ({_short(exc)}); check imap.folders",
                short=f"cannot open folder '{folder}'",
                fix="correct imap.folders",
            )
        return TransientError(f"{where}: the server said {_short(exc)}")
    return TransientError(f"{where}: {type(exc).__name__}: {_short(exc)}")


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def _status(data: dict[bytes, Any]) -> FolderStatus:
    return FolderStatus(
        uidvalidity=int(data.get(b"UIDVALIDITY", 0)),
        uidnext=int(data.get(b"UIDNEXT", 0)),
        messages=int(data.get(b"MESSAGES", data.get(b"EXISTS", 0))),
    )


def _received(value: object) -> datetime | None:
    """INTERNALDATE as an aware datetime. imapclient gives it naive in local
    time by default (normalise_times), aware otherwise."""
    if not isinstance(value, datetime):
        return None
    return value.astimezone() if value.tzinfo is None else value


def _head(item: dict[bytes, Any]) -> Head:
    # Servers echo the section name in their own spelling (quoted or not).
    raw = next((v for k, v in item.items() if bytes(k).startswith(b"BODY[HEADER")), b"") or b""
    headers = BytesHeaderParser().parsebytes(bytes(raw))
    value = headers.get("Message-ID")
    message_id = " ".join(str(value).split()) if value else None
    return Head(size=int(item.get(_SIZE, 0)), message_id=message_id or None)


def connector(account: ImapAccount, tokens: TokenSource | None) -> Callable[[], ImapConnection]:
    """A function that opens a fresh connection each time it is called (the
    token source, and its cached token, are shared between them)."""
    return lambda: open_connection(account, tokens)
