"""One reminder on the morning of a pickup's last day, while the parcel still
waits: recorded events in SQLite on disk, real Apprise to the loopback
receiver, a clock the test moves (4 April 2026 is a Saturday; Berlin is UTC+2)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from daemon.app import App, build
from daemon.config.settings import load_settings
from daemon.mail.raw import RawMessage
from daemon.store.recorder import Recorder
from parsers.model import Item, Milestone, ShipmentEvent
from tests.support.receiver import Receiver
from tests.support.replay import replay_one

ORDER = "304-2958816-4470735"
LAST_DAY = date(2026, 4, 4)
CORPUS = Path(__file__).resolve().parents[2] / "emails"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 4, 2, 10, 0, tzinfo=UTC))


@pytest.fixture
def app(tmp_path: Path, clock: Clock, receiver: Receiver) -> Iterator[App]:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[general]\nstate_dir = "{tmp_path}"\ntimezone = "Europe/Berlin"\n'
        f'[notify]\nphotos = false\n[[notify.target]]\nname = "hook"\nurl = "{receiver.url()}"\n'
    )
    built = build(load_settings(config, {"HOME": str(tmp_path)}, required=True), clock)
    yield built
    built.close()


def ready(app: App, order: str, title: str, **changes: object) -> None:
    fields: dict[str, object] = {
        "milestone": Milestone.AVAILABLE_FOR_PICKUP,
        "occurred_at": app.clock(),
        "order_ids": (order,),
        "marketplace": "amazon.de",
        "items": (Item(title),),
        "pickup_code": "482913",
        "pickup_location": "Amazon Locker – Fichte",
        "pickup_deadline": LAST_DAY,
    }
    fields.update(changes)
    event = ShipmentEvent(**fields)  # type: ignore[arg-type]
    with app.store.writing() as connection:
        Recorder(connection, app.routing, app.clock(), "home").record(event, "email", None)


def test_a_parcel_still_waiting_is_reminded_once_on_its_last_morning(
    app: App, clock: Clock, receiver: Receiver
) -> None:
    ready(app, ORDER, "Kaffeebohnen")
    ready(app, "304-1111111-2222222", "Teekanne")
    assert app.deliver().sent == 2
    first = receiver.requests[0].json()
    assert first["title"] == "Ready for pickup: Kaffeebohnen"
    assert first["message"].startswith(
        f"Order: {ORDER}\nPickup at: Amazon Locker – Fichte\nPick up by: Sat 4 Apr\n"
        "Pickup code: 482913\n"
    )
    clock.now = datetime(2026, 4, 3, 12, 0, tzinfo=UTC)
    picked_up = ShipmentEvent(
        Milestone.DELIVERED,
        occurred_at=clock.now,
        order_ids=("304-1111111-2222222",),
        items=(Item("Teekanne"),),
    )
    with app.store.writing() as connection:
        Recorder(connection, app.routing, clock.now, "home").record(picked_up, "email", None)
    app.deliver()

    clock.now = datetime(2026, 4, 4, 5, 59, tzinfo=UTC)  # 07:59 in Berlin
    assert app.deliver().sent == 0
    clock.now = datetime(2026, 4, 4, 6, 0, tzinfo=UTC)  # 08:00
    assert app.deliver().sent == 1
    reminder = receiver.requests[-1].json()
    assert reminder["title"] == "Last day to pick up: Kaffeebohnen"
    assert reminder["message"].startswith(
        f"Order: {ORDER}\nPickup at: Amazon Locker – Fichte\nPick up by: today (Sat 4 Apr)\n"
        "Pickup code: 482913\nhttps://www.amazon.de/"
    )
    clock.now += timedelta(hours=6)
    assert app.deliver().sent == 0  # once
    clock.now = datetime(2026, 4, 5, 6, 0, tzinfo=UTC)
    assert app.deliver().sent == 0  # the day after is not its last day
    titles = [r.json()["title"] for r in receiver.requests]
    assert titles.count("Last day to pick up: Kaffeebohnen") == 1
    assert not any("Teekanne" in t and t.startswith("Last day") for t in titles)


def test_a_parcel_ready_on_its_last_day_is_not_reminded(
    app: App, clock: Clock, receiver: Receiver
) -> None:
    clock.now = datetime(2026, 4, 4, 7, 0, tzinfo=UTC)  # 09:00 on the last day itself
    ready(app, ORDER, "Kaffeebohnen")
    assert app.deliver().sent == 1  # its notice already says "Pick up by: today"
    assert "Pick up by: today (Sat 4 Apr)" in receiver.requests[0].json()["message"]
    clock.now += timedelta(hours=2)
    assert app.deliver().sent == 0


def test_the_german_locker_email_says_where_and_until_when(
    app: App, clock: Clock, receiver: Receiver
) -> None:
    """The real amazon.de email, read a minute after it was sent: the locker's
    name and address and the last day are in the notification."""
    data = (CORPUS / "amazon_de" / "order_c_ready_for_pickup_locker.eml").read_bytes()
    replay_one(app.pipeline, RawMessage(data, "mailbox:home", "1"), clock)
    assert app.deliver().sent == 1
    body = receiver.requests[0].json()["message"]
    assert (
        "Pickup at: Amazon Locker – Fichte, Bayerstraße 10A, 80335 München\n"
        "Pick up by: Thu 2 Apr\nPickup code: 482913\n"
    ) in body
