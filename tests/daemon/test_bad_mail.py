"""One bad email never stops the daemon: it is recorded with its reason, and the
mail after it is read as if it were not there (DESIGN.md, "Error tiers").

Real components throughout: the pipeline the CLI builds, SQLite in a file under
tmp_path, and real Apprise posting to a local receiver. Bad mail comes in three
kinds: bytes that are hardly an email at all, an email that makes a parser raise,
and an email whose parsed events the database cannot hold.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from daemon.app import App
from daemon.mail.raw import RawMessage
from daemon.pipeline import Pipeline
from parsers.message import MailMessage
from parsers.model import Claim, Item, Milestone, ShipmentEvent
from parsers.registry import Parser, Registry, default_registry
from tests.daemon.test_pipeline import Clock, make_app
from tests.parsers.test_fuzz import FOUND
from tests.support.reading import InProcess
from tests.support.receiver import Receiver

EMAILS = Path(__file__).resolve().parents[1] / "emails"
GOOD = EMAILS / "amazon_com" / "order1_shipped_pkg0.eml"
GOOD_ORDER = "113-4829105-7730624"
# Half an hour after the good email's Date (Tue, 24 Mar 2026 06:42:10 -0700).
GOOD_READ = datetime(2026, 3, 24, 14, 12, tzinfo=UTC)
CRASH_HEADER = "X-Test-Crash"

MALFORMED = {
    "binary": b"\x00\xff\xfe not an email \x80\x81" * 64,
    "headers-only": b'From: "Amazon.com" <shipment-tracking@amazon.com>\r\nSubject: Shipped',
    "broken-mime": (
        b"From: shipment-tracking@amazon.com\r\nSubject: Shipped: cable\r\n"
        b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/html; charset=x-no-such-charset\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!! not base64 ===\r\n--b"
    ),
    "utf7-surrogate-subject": (
        b"From: shipment-tracking@amazon.com\r\nMessage-ID: <=?utf-7?Q?+2AA-?=@x>\r\n"
        b"Subject: =?utf-7?Q?Shipped:_+2AA-?=\r\n\r\nYour package has shipped.\r\n"
    ),
}


class CrashingParser:
    """A parser with a bug: it claims the mail a test marks, then raises."""

    name = "crashing"

    def claim(self, message: MailMessage) -> Claim[None] | None:
        return Claim(1000, None) if message.header(CRASH_HEADER) else None

    def parse(self, message: MailMessage, claim: Claim[None]) -> tuple[ShipmentEvent, ...]:
        raise RuntimeError("template changed")


class PoisonParser:
    """Claims the mail a test marks and reads an event the database cannot hold."""

    name = "poison"

    def __init__(self, event: ShipmentEvent) -> None:
        self.event = event

    def claim(self, message: MailMessage) -> Claim[None] | None:
        return Claim(1000, None) if message.header(CRASH_HEADER) else None

    def parse(self, message: MailMessage, claim: Claim[None]) -> tuple[ShipmentEvent, ...]:
        return (self.event,)


def marked(location: str) -> RawMessage:
    """A copy of the good email (another Message-ID) that the test parsers claim."""
    data = GOOD.read_bytes().replace(
        b"Message-ID: <", f"{CRASH_HEADER}: yes\r\nMessage-ID: <{location}.".encode(), 1
    )
    assert CRASH_HEADER.encode() in data
    return RawMessage(data, "test", location)


def good_email() -> RawMessage:
    return RawMessage(GOOD.read_bytes(), "test", "good")


def pipeline_with(app: App, first: Parser[Any]) -> Pipeline:
    """The app's pipeline, with `first` ahead of the parsers parcelwatch ships."""
    registry = Registry((first, *default_registry().parsers))
    return Pipeline(InProcess(registry), app.store, app.routing, app.clock)


def assert_good_email_notified(app: App, receiver: Receiver) -> None:
    order = app.store.find_order(GOOD_ORDER)
    assert order is not None
    (shipment,) = order.shipments
    assert shipment.tracking_number == "1Z999AA10123456784"
    assert [line.milestone for line in shipment.timeline] == [Milestone.SHIPPED]
    assert app.deliver().sent == 1
    assert [title.split(":")[0] for title in receiver.titles()] == ["Shipped"]


@pytest.fixture
def app(tmp_path: Path, receiver: Receiver) -> Iterator[App]:
    """The app `parcelwatch` builds, on a database file under tmp_path, notifying
    the local receiver."""
    clock = Clock()
    clock.now = GOOD_READ  # the good email is news when it is read
    built = make_app(tmp_path, {"hook": receiver.url()}, clock)
    yield built
    built.close()


@pytest.fixture
def quiet_app(tmp_path: Path) -> Iterator[App]:
    """The same, without notification targets."""
    built = make_app(tmp_path, {}, Clock())
    yield built
    built.close()


def test_malformed_mail_is_recorded_and_the_good_email_after_it_notifies(
    app: App, receiver: Receiver
) -> None:
    bad = [RawMessage(data, "test", name) for name, data in MALFORMED.items()]
    tally = app.pipeline.process_all([*bad, good_email()])
    assert (tally.seen, tally.duplicates, tally.notifications) == (5, 0, 1)
    assert app.store.message_count() == 5
    assert_good_email_notified(app, receiver)
    again = app.pipeline.process_all(bad)  # recorded once, never read again
    assert (again.seen, again.duplicates) == (len(bad), len(bad))


def test_a_crashing_parser_is_recorded_with_its_error_and_the_run_goes_on(
    app: App, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    pipeline = pipeline_with(app, CrashingParser())
    with caplog.at_level(logging.WARNING, logger="daemon.pipeline"):
        crashed = pipeline.process(marked("crash"))
        good = pipeline.process(good_email())
    assert crashed.result is not None
    assert crashed.result.parser == "crashing"
    assert (crashed.duplicate, crashed.notifications) == (False, 0)
    ((source, location, error),) = app.store.message_errors()
    assert (source, location) == ("test", "crash")
    assert error.startswith("RuntimeError: template changed")
    assert any("crash" in r.getMessage() and "template changed" in r.getMessage()
               for r in caplog.records)  # fmt: skip
    assert (good.duplicate, good.notifications) == (False, 1)
    assert_good_email_notified(app, receiver)
    assert pipeline.process(marked("crash")).duplicate


POISON: dict[str, Callable[[], ShipmentEvent]] = {
    "integer-too-large": lambda: ShipmentEvent(
        Milestone.SHIPPED,
        order_ids=("112-0000000-0000001",),
        package_index=2**70,
        occurred_at=GOOD_READ,
    ),
    # (News, so that its notification's title, which holds the item, is written too.)
    "lone-surrogate": lambda: ShipmentEvent(
        Milestone.SHIPPED,
        order_ids=("112-0000000-0000001",),
        items=(Item("cable \ud800"),),
        occurred_at=GOOD_READ,
    ),
}


@pytest.mark.parametrize("poison", POISON.values(), ids=POISON.keys())
def test_events_the_database_cannot_hold_are_recorded_as_an_error(
    app: App,
    receiver: Receiver,
    caplog: pytest.LogCaptureFixture,
    poison: Callable[[], ShipmentEvent],
) -> None:
    pipeline = pipeline_with(app, PoisonParser(poison()))
    with caplog.at_level(logging.ERROR, logger="daemon.pipeline"):
        outcome = pipeline.process(marked("poison"))
    assert outcome.result is not None
    assert outcome.result.error is not None
    assert outcome.result.error.startswith("could not record: ")
    ((_, location, error),) = app.store.message_errors()
    assert (location, error) == ("poison", outcome.result.error)
    (logged,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "poison" in logged.getMessage()
    assert logged.exc_info is not None  # the traceback, for whoever fixes the parser
    assert app.store.find_order("112-0000000-0000001") is None  # nothing half-written
    pipeline.process(good_email())
    assert_good_email_notified(app, receiver)


@pytest.mark.parametrize("raw", FOUND.values(), ids=FOUND.keys())
def test_what_fuzzing_found_goes_through_the_daemon(quiet_app: App, raw: bytes) -> None:
    """The emails that once crashed the parser, or gave events the database could
    not hold, are recorded without an error by the real pipeline."""
    outcome = quiet_app.pipeline.process(RawMessage(raw, "test", "found"))
    assert outcome.result is not None
    assert outcome.result.error is None
    assert quiet_app.store.message_errors() == []
    assert quiet_app.store.find_order("113-1234567-1234567") is not None
