"""Reading old sample mail as it came.

The sample mailbox and the golden corpus were written in March and April 2026.
Read all at once today, every milestone in them is history (older than
[notify] max_age) and nothing is pushed, as it should be. Tests that are about
what gets pushed read each email one minute after its Date instead, as a daemon
running then would have, with the test's clock set to that moment; afterwards
the clock goes to where the test had it (if that is later), so that the rest of
the test runs at the moment it chose. `parcelwatch demo` does the same
(daemon.cli.demo.Replay).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

from daemon.mail.raw import RawMessage
from daemon.pipeline import Outcome, Pipeline, Tally
from parsers.message import parse_message

READ_AFTER = timedelta(minutes=1)


class SettableClock(Protocol):
    now: datetime


def replay(pipeline: Pipeline, messages: Iterable[RawMessage], clock: SettableClock) -> Tally:
    """Process each message one minute after its Date (an undated one at the
    moment of the one before), then put the clock back to the test's moment
    if that is later; the tally of all of them."""
    later = clock.now
    tally = Tally()
    for raw in messages:
        tally.add(replay_one(pipeline, raw, clock))
    clock.now = max(later, clock.now)
    return tally


def replay_one(pipeline: Pipeline, raw: RawMessage, clock: SettableClock) -> Outcome:
    """Process one message one minute after its Date; the clock stays there."""
    sent = parse_message(raw.data).date
    if sent is not None:
        clock.now = sent + READ_AFTER
    return pipeline.process(raw)


# --- fresh copies, for tests that run the real clock ---------------------------------

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_DATE = re.compile(rb"^Date:[^\n]*\n(?:[ \t][^\n]*\n)*", re.IGNORECASE | re.MULTILINE)


def redated(data: bytes, when: datetime) -> bytes:
    """The email with its Date header saying `when` (added if it had none);
    the body, and any Date quoted in it, stays as it is."""
    end = _HEADER_END.search(data)
    split = end.start() if end else len(data)
    head, rest = data[:split], data[split:]
    newline = b"\r\n" if b"\r\n" in head else b"\n"
    line = b"Date: " + format_datetime(when).encode() + newline
    if _DATE.search(head + newline):
        head = _DATE.sub(lambda _: line, head + newline, count=1)[: -len(newline)]
    else:
        head = line + head
    return head + rest


def freshened(messages: Sequence[bytes], now: datetime) -> list[bytes]:
    """The emails in their order, dated a minute apart and ending a minute
    before `now`: news to a daemon running the real clock, in the same story.
    (Relative words like "arriving tomorrow" are read against the new Dates.)"""
    count = len(messages)
    return [
        redated(data, now - READ_AFTER * (count - index)) for index, data in enumerate(messages)
    ]


def fresh_maildir(source: Path, directory: Path, now: datetime) -> Path:
    """A copy of the Maildir `source` (its cur/ and new/, in name order) whose
    emails are `freshened` to end just before `now`."""
    files = sorted(f for sub in ("cur", "new") for f in (source / sub).iterdir() if f.is_file()
                   and not f.name.startswith("."))  # fmt: skip
    for sub in ("cur", "new", "tmp"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    fresh = freshened([f.read_bytes() for f in files], now)
    for file, data in zip(files, fresh, strict=True):
        (directory / file.parent.name / file.name).write_bytes(data)
    return directory


# --- new orders, for tests that need many parcels --------------------------------------

_ORDER_ID = re.compile(rb"(?<!\d)(\d{3})-\d{7}-\d{7}(?!\d)")
_MESSAGE_ID = re.compile(rb"^Message-ID:[^\r\n]*", re.IGNORECASE | re.MULTILINE)


def another_order(data: bytes, number: int, when: datetime) -> bytes:
    """The email about order "<marketplace prefix>-<number>-<number>" instead of
    the ones it names, with its own Message-ID and dated `when`: a new parcel
    for an email identified by its order id alone (quoted-printable soft line
    breaks are joined first, as they can split an id in a link)."""
    data = data.replace(b"=\r\n", b"").replace(b"=\n", b"")
    data = _ORDER_ID.sub(lambda m: b"%s-%07d-%07d" % (m.group(1), number, number), data)
    header = b"Message-ID: <order-%d@replay.example>" % number
    return redated(_MESSAGE_ID.sub(header, data, count=1), when)
