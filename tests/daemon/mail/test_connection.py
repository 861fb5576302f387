"""One read-only IMAP connection against a real Dovecot: what STATUS, EXAMINE,
SEARCH and the two FETCHes return, and that a folder can be left and opened
again. The numbers are the folder's own: three messages appended to a fresh
folder have UIDs 1-3 and UIDNEXT 4 (RFC 3501: UIDs are assigned in order)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from daemon.config.settings import load_settings
from daemon.errors import PermanentError
from daemon.mail.imap_connect import Body, Head, ImapConnection, open_connection
from tests.daemon.mail.conftest import PASSWORD, Mailbox, write_config
from tests.support import dovecot


def message(n: int, message_id: str | None = None) -> bytes:
    header = f"Message-ID: {message_id}\r\n" if message_id else ""
    return (
        f"From: someone@example.org\r\nTo: alice@example.test\r\n{header}"
        f"Subject: note {n}\r\n\r\nbody {n}\r\n"
    ).encode()


@pytest.fixture
def connection(tmp_path: Path, server: dovecot.Dovecot) -> Iterator[ImapConnection]:
    config = write_config(tmp_path, server, None)
    env = {"HOME": str(tmp_path), "IMAP_PASSWORD": PASSWORD}
    account = load_settings(config, env, required=True).imap[0]
    opened = open_connection(account, None)
    yield opened
    opened.close()


def test_status_reports_the_folder_without_selecting_it(
    connection: ImapConnection, mailbox: Mailbox
) -> None:
    mailbox.append([message(1), message(2), message(3)], folder="Orders")
    status = connection.status("Orders")
    assert (status.uidnext, status.messages) == (4, 3)
    assert status.uidvalidity > 0
    assert connection.examine("Orders") == status


def test_examine_counts_the_messages_and_search_finds_them_by_uid(
    connection: ImapConnection, mailbox: Mailbox
) -> None:
    mailbox.append([message(1), message(2)])
    status = connection.examine("INBOX")
    assert (status.messages, status.uidnext) == (2, 3)
    assert connection.search(["ALL"]) == [1, 2]
    assert connection.search(["SUBJECT", "note 2"]) == [2]


def test_heads_give_size_and_message_id_and_bodies_the_whole_message(
    connection: ImapConnection, mailbox: Mailbox
) -> None:
    first, second = message(1, "<a@example.org>"), message(2)
    received = datetime(2026, 11, 30, 8, 15, 42, tzinfo=UTC)
    mailbox.append([first])
    mailbox.append([second], when=received)
    connection.examine("INBOX")
    assert connection.heads([1, 2]) == {
        1: Head(size=len(first), message_id="<a@example.org>"),
        2: Head(size=len(second), message_id=None),
    }
    # With the server's INTERNALDATE: an email's age when it has no Date.
    assert connection.bodies([2]) == {2: Body(second, received)}
    flags = mailbox.flags()
    assert sorted(flags) == [1, 2]
    assert [uid for uid, seen in flags.items() if b"\\Seen" in seen] == []


def test_a_folder_left_can_be_watched_by_status_and_opened_again(
    connection: ImapConnection, mailbox: Mailbox
) -> None:
    mailbox.append([message(1)])
    connection.examine("INBOX")
    connection.unselect()
    connection.unselect()  # nothing selected: nothing to say
    mailbox.append([message(2)])
    assert connection.status("INBOX").messages == 2
    assert connection.examine("INBOX").messages == 2


def test_a_missing_folder_is_a_permanent_error_naming_it(connection: ImapConnection) -> None:
    with pytest.raises(PermanentError) as raised:
        connection.examine("Nope")
    assert raised.value.short == "cannot open folder 'Nope'"
    with pytest.raises(PermanentError):
        connection.status("Nope")


def test_authentication_results_are_read_topmost_first_and_unfolded(
    connection: ImapConnection, mailbox: Mailbox
) -> None:
    signed = (
        b"Authentication-Results: mx.example.org;\r\n\tdkim=pass header.d=amazon.com\r\n"
        b"Authentication-Results: forged.example; dkim=pass\r\n" + message(1)
    )
    mailbox.append([signed, message(2)])
    connection.examine("INBOX")
    assert connection.authentication_results(1) == [
        "mx.example.org; dkim=pass header.d=amazon.com",
        "forged.example; dkim=pass",
    ]
    assert connection.authentication_results(2) == []
    assert connection.authentication_results(99) == []  # no such message
    flags = mailbox.flags()
    assert [uid for uid, seen in flags.items() if b"\\Seen" in seen] == []
