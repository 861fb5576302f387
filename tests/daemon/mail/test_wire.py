"""What parcelwatch says to the IMAP server, read off the wire.

parcelwatch promises never to change the user's mailbox, and keeps that
promise twice: folders are opened read-only (EXAMINE) and bodies are fetched
with BODY.PEEK. Each protection hides the loss of the other from any test
that only looks at the flags afterwards, so this one reads the commands
themselves, through a recording proxy between parcelwatch and Dovecot, during
a backfill and while a watcher sits in IDLE and new mail arrives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.daemon.mail.conftest import NOT_AMAZON, AppFactory, Mailbox, sample_messages
from tests.support import dovecot
from tests.support.receiver import Receiver
from tests.support.wiretap import Wiretap

MESSAGES = sample_messages()
WAIT = 20.0
# Commands that change a mailbox, its flags or its folders.
WRITES = {"SELECT", "STORE", "EXPUNGE", "COPY", "MOVE", "APPEND", "DELETE", "CREATE",
          "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "SETMETADATA", "SETACL"}  # fmt: skip
# FETCH items that set \\Seen as a side effect (RFC 3501 6.4.5).
SEEN_SETTING = re.compile(r"\bBODY\[|\bBINARY\[|\bRFC822(?:\.TEXT)?(?![.\w])", re.IGNORECASE)


@pytest.fixture
def tap(server: dovecot.Dovecot) -> Iterator[Wiretap]:
    with Wiretap(server.port).running() as running:
        yield running


def commands(tap: Wiretap) -> list[tuple[str, str]]:
    """(verb, whole line) of each tagged command the client sent; UID FETCH -> FETCH."""
    found = []
    for line in tap.client_lines():
        words = line.split()
        if len(words) < 2 or not words[0].isalnum():
            continue  # a literal's data or a continuation (IDLE's DONE)
        verb = words[1].upper()
        if verb == "UID" and len(words) > 2:
            verb = words[2].upper()
        found.append((verb, line))
    return found


def assert_read_only(tap: Wiretap) -> None:
    sent = commands(tap)
    verbs = {verb for verb, _ in sent}
    assert "EXAMINE" in verbs, sent
    assert not verbs & WRITES, sorted(verbs & WRITES)
    fetches = [line for verb, line in sent if verb == "FETCH"]
    assert any("BODY.PEEK[]" in line for line in fetches), fetches  # bodies were read
    assert [line for line in fetches if SEEN_SETTING.search(line)] == []


def test_a_backfill_sends_only_read_only_commands(
    make_app: AppFactory, mailbox: Mailbox, tap: Wiretap
) -> None:
    mailbox.append([NOT_AMAZON, *MESSAGES])
    app = make_app(port=tap.port)
    [result] = app.mailboxes().sync(app.settings.imap)
    assert result.error is None and result.reports[0].fetched == len(MESSAGES)
    assert_read_only(tap)


def test_a_watcher_in_idle_sends_only_read_only_commands(
    make_app: AppFactory, mailbox: Mailbox, tap: Wiretap, receiver: Receiver
) -> None:
    mailbox.append(MESSAGES[:2])  # order A confirmed, then shipped: one notification
    app = make_app(receiver, port=tap.port)
    boxes = app.mailboxes()
    boxes.start(app.settings.imap)
    try:
        assert receiver.wait_for(1, WAIT)
        # Mail that comes before IDLE is found by the NOOP before it: wait for IDLE.
        assert tap.wait_for_sent(b" IDLE\r\n", WAIT)
        mailbox.append([MESSAGES[4]])  # out for delivery, read by the watcher
        assert receiver.wait_for(2, WAIT)
    finally:
        boxes.stop(timeout=WAIT)
    assert "IDLE" in {verb for verb, _ in commands(tap)}
    assert_read_only(tap)


@pytest.mark.parametrize(
    ("line", "sets_seen"),
    [
        ("a1 UID FETCH 1:3 (BODY.PEEK[])", False),
        ("a1 UID FETCH 1 (RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])", False),
        ("a1 UID FETCH 1:3 (BODY[])", True),
        ("a1 UID FETCH 1 (RFC822)", True),
        ("a1 UID FETCH 1 (RFC822.TEXT)", True),
        ("a1 UID FETCH 1 (BINARY[1])", True),
    ],
)
def test_the_seen_check_knows_which_fetches_set_seen(line: str, sets_seen: bool) -> None:
    assert bool(SEEN_SETTING.search(line)) is sets_seen
