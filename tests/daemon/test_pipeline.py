"""End to end: the sample Maildir through parsers, SQLite on disk and real Apprise
to a local HTTP receiver. The expected notifications come from the story the
sample mailbox tells (daemon/cli/sample_mailbox/README.md), counted by hand."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from daemon.app import App, build
from daemon.config.settings import load_settings
from daemon.mail import local
from daemon.mail.raw import RawMessage
from daemon.parsing.reading import Parsed
from daemon.pipeline import Pipeline
from parsers.amazon import AmazonParser
from parsers.message import MailMessage
from parsers.model import Claim, Milestone, ShipmentEvent
from parsers.registry import Registry
from tests.conftest import general_section
from tests.support.reading import InProcess
from tests.support.receiver import Receiver
from tests.support.replay import replay

SAMPLE = Path(__file__).resolve().parents[2] / "daemon" / "cli" / "sample_mailbox"
ORDER1, ORDER2, ORDER3 = "113-4829105-7730624", "114-2210934-5561847", "112-9037712-4401958"

pytestmark = pytest.mark.storage

# (title prefix, order id) of every notification the sample story must produce.
EXPECTED = Counter(
    [
        ("Shipped", ORDER1), ("Shipped", ORDER1), ("Out for delivery", ORDER1),
        ("Delivered", ORDER1), ("Delivered", ORDER1),
        ("Shipped", ORDER2), ("Delayed", ORDER2), ("Out for delivery", ORDER2),
        ("Delivered", ORDER2),
        ("Shipped", ORDER3), ("Out for delivery", ORDER3), ("Delivered", ORDER3),
    ]
)  # fmt: skip


class Clock:
    """Time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def make_app(
    tmp_path: Path,
    targets: dict[str, str],
    clock: Clock,
    *,
    database_url: str | None = None,
    **notify: int,
) -> App:
    """The app of a config with these targets and [notify] keys; its database
    at `database_url` (tests/conftest.py), else in tmp_path's state directory."""
    # photos = false: the corpus links photos on Amazon's servers, not fetched here
    general = f'[general]\nstate_dir = "{tmp_path / "state"}"\n'
    if database_url is not None:
        general = general_section(tmp_path / "state", database_url)
    lines = [general, "[notify]", "photos = false"]
    lines += [f"{key} = {value}" for key, value in notify.items()]
    for name, url in targets.items():
        lines.append(f'[[notify.target]]\nname = "{name}"\nurl = "{url}"')
    config = tmp_path / "config.toml"
    config.write_text("\n".join(lines) + "\n")
    return build(load_settings(config, {"HOME": str(tmp_path)}, required=True), clock)


def summarise(receiver: Receiver) -> Counter[tuple[str, str]]:
    seen: Counter[tuple[str, str]] = Counter()
    for request in receiver.requests:
        payload = request.json()
        order = next(o for o in (ORDER1, ORDER2, ORDER3) if o in payload["message"])
        seen[(payload["title"].split(":")[0], order)] += 1
    return seen


def test_sample_mailbox_notifies_each_milestone_once(
    tmp_path: Path, database_url: str, receiver: Receiver
) -> None:
    clock = Clock()
    app = make_app(tmp_path, {"hook": receiver.url()}, clock, database_url=database_url)
    tally = replay(app.pipeline, local.read(SAMPLE), clock)  # each email as it came
    run = app.deliver()
    assert (tally.seen, tally.claimed, tally.errors, tally.history) == (16, 15, 0, 0)
    assert run.sent == 12
    assert summarise(receiver) == EXPECTED

    again = app.pipeline.process_all(local.read(SAMPLE))
    assert app.deliver().sent == 0
    assert (again.duplicates, len(receiver.requests)) == (16, 12)
    app.close()


def test_mail_read_long_after_it_came_is_recorded_not_pushed(
    tmp_path: Path, database_url: str, receiver: Receiver
) -> None:
    """All sixteen read at once on 2 April, 09:00 UTC: only what happened in the
    24 hours before (order 3 out for delivery at 13:48 UTC and delivered at
    18:31 UTC on 1 April) is news; the other ten milestones are history."""
    clock = Clock()
    app = make_app(tmp_path, {"hook": receiver.url()}, clock, database_url=database_url)
    tally = app.pipeline.process_all(local.read(SAMPLE))
    assert (tally.notifications, tally.history) == (2, 10)
    assert "2 notifications queued, 10 milestones too old to push" in tally.summary()
    assert app.deliver().sent == 2
    assert summarise(receiver) == Counter([("Out for delivery", ORDER3), ("Delivered", ORDER3)])
    assert app.outbox.counts() == {"sent": 2}  # nothing waits for later
    order1 = app.store.find_order(ORDER1)  # the history is all in the timeline
    assert order1 is not None
    assert [line.milestone for line in order1.shipments[0].timeline] == [
        Milestone.SHIPPED, Milestone.OUT_FOR_DELIVERY, Milestone.DELIVERED,
    ]  # fmt: skip
    app.close()


def test_sample_mailbox_builds_the_right_shipments(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, {}, Clock(), database_url=database_url)
    app.pipeline.process_all(local.read(SAMPLE))
    order1 = app.store.find_order(ORDER1)
    assert order1 is not None
    assert [(s.amazon_shipment_id, s.carrier, s.tracking_number) for s in order1.shipments] == [
        ("Hn4TqWz8k", "ups", "1Z999AA10123456784"),
        ("DRvmKpX2s", None, None),
    ]
    assert all(s.status is Milestone.DELIVERED for s in order1.shipments)
    order2 = app.store.find_order(ORDER2)
    assert order2 is not None
    (blender,) = order2.shipments
    assert [line.milestone for line in blender.timeline] == [
        Milestone.SHIPPED, Milestone.DELAYED, Milestone.OUT_FOR_DELIVERY, Milestone.DELIVERED,
    ]  # fmt: skip
    order3 = app.store.find_order(ORDER3)
    assert order3 is not None
    assert order3.shipments[0].delivery_photo_url is not None
    assert order3.shipments[0].delivery_photo_url.endswith(".jpg")
    assert app.store.shipments() == []  # everything in the sample is delivered
    assert len(app.store.shipments(include_finished=True)) == 4
    app.close()


def test_a_failing_target_gets_one_copy_after_it_recovers(
    tmp_path: Path, database_url: str, receiver: Receiver
) -> None:
    clock = Clock()
    app = make_app(
        tmp_path,
        {"hook": receiver.url()},
        clock,
        retry_seconds=60,
        max_attempts=5,
        database_url=database_url,
    )
    replay(app.pipeline, local.read(SAMPLE, "sample"), clock)
    receiver.fail_next = 2 * 12  # each notification fails twice before the service is back
    first = app.deliver()
    assert (first.sent, first.failed) == (0, 12)
    assert app.deliver().sent == 0  # not due yet: backoff
    clock.advance(60)
    assert app.deliver().failed == 12
    clock.advance(120)
    assert app.deliver().sent == 12
    clock.advance(3600)
    assert app.deliver().sent == 0
    assert summarise(receiver) == EXPECTED
    assert receiver.failures_served == 24
    app.close()


def test_two_targets_one_down_each_gets_one_copy(
    tmp_path: Path, database_url: str, receiver: Receiver
) -> None:
    clock = Clock()
    targets = {"up": receiver.url(path="/up"), "down": receiver.url(path="/down")}
    app = make_app(tmp_path, targets, clock=clock, retry_seconds=30, database_url=database_url)
    replay(app.pipeline, local.read(SAMPLE), clock)
    receiver.fail_paths = {"/down"}
    assert app.deliver().sent == 12
    assert Counter(r.path for r in receiver.requests) == {"/up": 12}
    receiver.fail_paths = set()
    clock.advance(30)
    assert app.deliver().sent == 12
    assert Counter(r.path for r in receiver.requests) == {"/up": 12, "/down": 12}
    app.close()


def test_a_target_that_never_recovers_is_given_up(tmp_path: Path, database_url: str) -> None:
    clock = Clock()
    dead = "json://127.0.0.1:9/nothing-listens-here"
    app = make_app(
        tmp_path, {"dead": dead}, clock, retry_seconds=1, max_attempts=2, database_url=database_url
    )
    replay(app.pipeline, local.read(SAMPLE), clock)
    assert app.deliver().failed == 12
    clock.advance(5)
    assert app.deliver().gave_up == 12
    assert app.outbox.counts() == {"failed": 12}
    app.close()


@pytest.mark.parametrize("kind", ["mbox", "folder"])
def test_mbox_and_eml_folders_give_the_same_result(
    tmp_path: Path, database_url: str, kind: str
) -> None:
    files = sorted((SAMPLE / "cur").iterdir())
    if kind == "mbox":
        path = tmp_path / "sample.mbox"
        with path.open("wb") as out:
            for file in files:
                out.write(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n")
                data = file.read_bytes().replace(b"\r\n", b"\n")
                out.write(data.replace(b"\nFrom ", b"\n>From "))
                out.write(b"\n")
    else:
        path = tmp_path / "emails"
        path.mkdir()
        for number, file in enumerate(files):
            (path / f"{number:02d}.eml").write_bytes(file.read_bytes())
    assert local.kind_of(path) == kind
    app = make_app(tmp_path, {}, Clock(), database_url=database_url)
    tally = app.pipeline.process_all(local.read(path))
    assert (tally.seen, tally.claimed, tally.events) == (16, 15, 15)
    assert len(app.store.shipments(include_finished=True)) == 4
    app.close()


class ExplodingParser:
    """A parser with a bug: it claims Amazon mail, then raises while reading it."""

    name = "exploding"

    def claim(self, message: MailMessage) -> Claim[None] | None:
        return Claim(1000, None) if "Shipped" in message.subject else None

    def parse(self, message: MailMessage, claim: Claim[None]) -> tuple[ShipmentEvent, ...]:
        raise ValueError("template changed")


def test_a_bad_email_is_recorded_with_its_reason_and_the_run_goes_on(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, {}, Clock(), database_url=database_url)
    pipeline = Pipeline(
        InProcess(Registry((ExplodingParser(), AmazonParser()))), app.store, app.routing, Clock()
    )
    garbage = RawMessage(b"\x00\xff not an email \x80" * 50, "test", "garbage")
    tally = pipeline.process_all([garbage, *local.read(SAMPLE)])
    assert tally.seen == 17
    errors = app.store.message_errors()
    assert {location for _, location, _ in errors} == {
        f"cur/{f.name}"
        for f in sorted((SAMPLE / "cur").iterdir())
        if b"Subject: Shipped" in f.read_bytes()
    }
    assert all("ValueError: template changed" in error for _, _, error in errors)
    # Everything else still made it in: the orders whose other emails parsed.
    assert app.store.find_order(ORDER2) is not None
    assert pipeline.process_all([garbage]).duplicates == 1
    app.close()


def test_a_target_secret_never_reaches_logs_or_the_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    token = "tok3n5ecretZZ9"
    clock = Clock()
    # SQLite, whatever the run's database: the test reads the file's bytes.
    app = make_app(tmp_path, {"dead": f"json://user:{token}@127.0.0.1:9/{token}"}, clock)
    with caplog.at_level(logging.DEBUG):
        replay(app.pipeline, local.read(SAMPLE), clock)
        assert app.deliver().failed == 12
    app.close()
    assert caplog.records  # the failures were logged ...
    assert token not in caplog.text  # ... without the secret
    for database_file in (tmp_path / "state").glob("parcelwatch.db*"):
        assert token.encode() not in database_file.read_bytes()


class WatchedReader:
    """An in-process reader that notes which thread read each email, and how
    many emails the source had handed over when each read began."""

    def __init__(self, pulled: list[int]) -> None:
        self.inner = InProcess(Registry((AmazonParser(),)))
        self.pulled = pulled
        self.reads: list[tuple[str, int]] = []

    def read(self, raw: bytes) -> Parsed:
        self.reads.append((threading.current_thread().name, len(self.pulled)))
        return self.inner.read(raw)


def counted(messages: list[RawMessage], pulled: list[int]) -> Iterator[RawMessage]:
    for n, raw in enumerate(messages):
        pulled.append(n)
        yield raw


def test_a_stream_reads_one_email_ahead_and_records_them_in_order(
    tmp_path: Path, database_url: str
) -> None:
    """Emails are taken from the source four at a time (`batch`), looked up in
    one query, and each read while the one before it is recorded."""
    app = make_app(tmp_path, {}, Clock(), database_url=database_url)
    messages = list(local.read(SAMPLE))
    assert len(messages) > 8
    pulled: list[int] = []
    reader = WatchedReader(pulled)
    pipeline = Pipeline(reader, app.store, app.routing, Clock())
    stream = pipeline.process_stream(counted(messages, pulled), ahead=1, batch=4)
    first = next(stream)
    assert len(pulled) == 4  # the first batch: the first email recorded, the second read
    outcomes = [first, *stream]
    assert [o.raw.location for o in outcomes] == [m.location for m in messages]
    assert all(name.startswith("read-ahead") for name, _ in reader.reads)
    # email n is read once the source handed over its batch, and at most the next
    ends = [min(4 * (n // 4 + 1), len(messages)) for n in range(len(messages))]
    handed = [(count, end) for end, (_, count) in zip(ends, reader.reads, strict=True)]
    assert [batch_end <= count <= batch_end + 4 for count, batch_end in handed] == [True] * len(
        messages
    )
    app.close()


def test_a_stream_looks_up_its_emails_in_one_query_a_batch(
    tmp_path: Path, database_url: str
) -> None:
    """An import of emails recorded before reads none of them again, and asks
    the database once per batch, not once per email."""
    app = make_app(tmp_path, {}, Clock(), database_url=database_url)
    messages = list(local.read(SAMPLE))
    pipeline = Pipeline(InProcess(Registry((AmazonParser(),))), app.store, app.routing, Clock())
    pipeline.process_all(messages)
    lookups: list[str] = []

    def look_up(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "processedmessage.sha256 IN" in statement:
            lookups.append(statement)

    sa.event.listen(app.store.engine, "before_cursor_execute", look_up)
    reader = WatchedReader([])
    again = list(
        Pipeline(reader, app.store, app.routing, Clock()).process_stream(messages, batch=5)
    )
    assert [o.duplicate for o in again] == [True] * len(messages)
    assert reader.reads == []
    assert len(lookups) == -(-len(messages) // 5)
    app.close()


def test_the_same_email_twice_in_one_stream_is_recorded_once(
    tmp_path: Path, database_url: str
) -> None:
    """The second copy is read while the first is recorded: whether its look-up
    comes before the first commit or after, it is recorded as already seen."""
    app = make_app(tmp_path, {}, Clock(), database_url=database_url)
    first, second = list(local.read(SAMPLE))[:2]
    pipeline = Pipeline(InProcess(Registry((AmazonParser(),))), app.store, app.routing, Clock())
    outcomes = list(pipeline.process_stream([first, first, second, first]))
    assert [o.duplicate for o in outcomes] == [False, True, False, True]
    assert len(app.store.message_errors()) == 0
    app.close()


def test_an_email_seen_before_under_other_bytes_is_recorded_once(
    tmp_path: Path, database_url: str
) -> None:
    """The same Message-ID with other bytes (a copy in another folder, a server
    that rewrote a header): the look-up before reading is by content and misses
    it, the recording transaction finds the Message-ID."""
    app = make_app(tmp_path, {}, Clock(), database_url=database_url)
    first = next(iter(local.read(SAMPLE)))
    assert b"\nMessage-ID: <" in first.data or b"\nMessage-Id: <" in first.data
    copy = RawMessage(b"X-Copied-By: a server\r\n" + first.data, "test", "other-folder")
    outcomes = list(app.pipeline.process_stream([first, copy]))
    assert [o.duplicate for o in outcomes] == [False, True]
    assert app.pipeline.process(copy).duplicate  # a later pass too: its bytes were never kept
    app.close()
