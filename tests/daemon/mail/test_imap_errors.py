"""IMAP failures map to one error tier each, with a message naming the account,
and a reconnect backoff that grows, is capped and is jittered."""

from __future__ import annotations

import imaplib
import socket
import ssl
from pathlib import Path

import pytest
from imapclient.exceptions import IMAPClientError, LoginError

from daemon.config.imap import ImapAccount
from daemon.config.settings import load_settings
from daemon.errors import AuthError, ParcelwatchError, PermanentError, TransientError
from daemon.mail.backoff import Backoff
from daemon.mail.imap_connect import map_error


@pytest.fixture
def account(tmp_path: Path) -> ImapAccount:
    config = tmp_path / "config.toml"
    config.write_text(
        '[[imap]]\nname = "home"\nhost = "mail.example.org"\nusername = "me@example.org"\n'
        'password = { env = "PW" }\n'
    )
    return load_settings(config, {"HOME": str(tmp_path), "PW": "hunter2"}, required=True).imap[0]


def certificate_error() -> ssl.SSLCertVerificationError:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_message = "self-signed certificate"
    return error


CASES = [
    # (case id, exception, folder being opened, tier, part of the message)
    ("login", LoginError("[AUTHENTICATIONFAILED] Authentication failed."), None, AuthError,
     "login refused for 'me@example.org'; check the username and the password"),
    ("certificate", certificate_error(), None, PermanentError,
     "certificate is not trusted (self-signed certificate); for a self-hosted server set ca_file"),
    ("dns", socket.gaierror(-2, "Name or service not known"), None, TransientError,
     "cannot resolve the host name"),
    ("timeout", TimeoutError(), None, TransientError, "timed out"),
    ("refused", ConnectionRefusedError(111, "Connection refused"), None, TransientError,
     "connection lost"),
    ("abort", imaplib.IMAP4.abort("socket error: EOF"), None, TransientError, "connection lost"),
    ("bye-during-idle", IMAPClientError("Unexpected IDLE response: b'* BYE Server shutting down.'"),
     None, TransientError, "the server hung up"),
    ("bye-while-opening", IMAPClientError("select failed: * BYE shutting down"), "INBOX",
     TransientError, "the server hung up"),
    ("missing-folder", IMAPClientError("select failed: Mailbox doesn't exist: Nope"), "Nope",
     PermanentError, "cannot open folder 'Nope'"),
    ("other-no", IMAPClientError("search failed: [SERVERBUG] Internal error"), None,
     TransientError, "the server said"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("exc", "folder", "tier", "text"),
    [pytest.param(e, f, t, x, id=case) for case, e, f, t, x in CASES],
)
def test_error_tiers(
    account: ImapAccount,
    exc: BaseException,
    folder: str | None,
    tier: type[ParcelwatchError],
    text: str,
) -> None:
    error = map_error(account, exc, folder)
    assert type(error) is tier
    message = str(error)
    assert message.startswith("imap account 'home' (mail.example.org:993): ")
    assert text in message
    assert "\n" not in message and "hunter2" not in message


def test_backoff_doubles_up_to_the_cap_and_resets() -> None:
    backoff = Backoff(1.0, 10.0, jitter=0.0)
    assert [backoff.next_delay() for _ in range(6)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    backoff.reset()
    assert backoff.next_delay() == 1.0


def test_backoff_jitter_shortens_each_delay_by_at_most_its_fraction() -> None:
    draws = iter([0.0, 1.0, 0.5])
    backoff = Backoff(4.0, 100.0, jitter=0.5, rng=lambda: next(draws))
    assert [backoff.next_delay() for _ in range(3)] == [4.0, 4.0, 12.0]


@pytest.mark.parametrize(("initial", "maximum", "jitter"), [(0, 1, 0.1), (2, 1, 0.1), (1, 2, 1.0)])
def test_backoff_rejects_nonsense(initial: float, maximum: float, jitter: float) -> None:
    with pytest.raises(ValueError):
        Backoff(initial, maximum, jitter=jitter)
