"""IMAP failures map to one error tier each, with a message naming the account,
and a reconnect backoff that grows, is capped and is jittered."""

from __future__ import annotations

import dataclasses
import imaplib
import socket
import ssl
from pathlib import Path

import pytest
from imapclient.exceptions import IMAPClientError, LoginError

from daemon.config.imap import ImapAccount
from daemon.config.settings import load_settings
from daemon.errors import (
    ActionNeededError,
    AuthError,
    ParcelwatchError,
    PermanentError,
    TransientError,
)
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
    # (case id, exception, folder being opened, tier, the message after "imap account
    # 'home' (mail.example.org:993): ", and for an error that needs the user: short, fix)
    ("login", LoginError("[AUTHENTICATIONFAILED] Authentication failed."), None, AuthError,
     "login refused for 'me@example.org'; check the username and the password",
     ("login refused", "fix the password")),
    ("login-unavailable", LoginError("[UNAVAILABLE] Try again later"), None, TransientError,
     "the server cannot check the login now ([UNAVAILABLE] Try again later)", None),
    ("login-unavailable-lowercase", LoginError("[unavailable] busy"), None, TransientError,
     "the server cannot check the login now ([unavailable] busy)", None),
    ("certificate", certificate_error(), None, PermanentError,
     "the server's certificate is not trusted (self-signed certificate); for a self-hosted "
     "server set ca_file",
     ("certificate not trusted",
      "set ca_file (a self-hosted server) or fix the server's certificate")),
    ("dns", socket.gaierror(-2, "Name or service not known"), None, TransientError,
     "cannot resolve the host name (Name or service not known)", None),
    ("timeout", TimeoutError(), None, TransientError, "timed out", None),
    ("refused", ConnectionRefusedError(111, "Connection refused"), None, TransientError,
     "connection lost ([Errno 111] Connection refused)", None),
    ("abort", imaplib.IMAP4.abort("socket error: EOF"), None, TransientError,
     "connection lost (socket error: EOF)", None),
    ("eof", EOFError(), None, TransientError, "connection lost (EOFError)", None),
    ("bye-during-idle", IMAPClientError("Unexpected IDLE response: b'* BYE Server shutting down.'"),
     None, TransientError,
     "the server hung up (Unexpected IDLE response: b'* BYE Server shutting down.')", None),
    ("bye-while-opening", IMAPClientError("select failed: * BYE shutting down"), "INBOX",
     TransientError, "the server hung up (select failed: * BYE shutting down)", None),
    ("missing-folder", IMAPClientError("select failed: Mailbox doesn't exist: Nope"), "Nope",
     PermanentError,
     "cannot open folder 'Nope' (select failed: Mailbox doesn't exist: Nope); check imap.folders",
     ("cannot open folder 'Nope'", "correct imap.folders")),
    ("imaplib-error-while-opening", imaplib.IMAP4.error("EXAMINE failed"), "Archive",
     PermanentError, "cannot open folder 'Archive' (EXAMINE failed); check imap.folders",
     ("cannot open folder 'Archive'", "correct imap.folders")),
    ("other-no", IMAPClientError("search failed: [SERVERBUG] Internal error"), None,
     TransientError, "the server said search failed: [SERVERBUG] Internal error", None),
    ("anything-else", ValueError("odd   reply\n  from server"), None, TransientError,
     "ValueError: odd reply from server", None),
    ("anything-else-silent", KeyError(), None, TransientError, "KeyError: KeyError", None),
    ("long-text-cut", IMAPClientError("x" * 150 + " " + "y" * 150), None, TransientError,
     "the server said " + "x" * 150 + " " + "y" * 49, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("exc", "folder", "tier", "text", "action"),
    [pytest.param(e, f, t, x, a, id=case) for case, e, f, t, x, a in CASES],
)
def test_error_tiers(
    account: ImapAccount,
    exc: BaseException,
    folder: str | None,
    tier: type[ParcelwatchError],
    text: str,
    action: tuple[str, str] | None,
) -> None:
    error = map_error(account, exc, folder)
    assert type(error) is tier
    assert str(error) == "imap account 'home' (mail.example.org:993): " + text
    if action is not None:
        assert isinstance(error, ActionNeededError)
        assert (error.short, error.fix) == action


def test_case_ids_are_unique() -> None:
    assert len({case[0] for case in CASES}) == len(CASES)


def test_a_refused_token_asks_for_a_new_token_not_a_password(account: ImapAccount) -> None:
    oauth = dataclasses.replace(account, auth="xoauth2", password=None)
    error = map_error(oauth, LoginError("[AUTHENTICATIONFAILED] invalid token"), None)
    assert isinstance(error, AuthError)
    assert str(error) == (
        "imap account 'home' (mail.example.org:993): login refused for 'me@example.org'; "
        "check the username and the access token and its scope"
    )
    assert (error.short, error.fix) == ("login refused", "renew the access token")


def test_no_message_shows_the_password(account: ImapAccount) -> None:
    for _, exc, folder, _, _, _ in CASES:
        message = str(map_error(account, exc, folder))
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
