"""Stories end: a parcel (or an order never shipped) with no news for
[carriers] stale_days goes stale, once, and leaves `list` and the digest; the
user archives and brings back by hand. A real SQLite file, real Apprise to the
loopback receiver, the CLI as a user runs it, and a clock the test moves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from daemon.app import App, build
from daemon.cli.main import main
from daemon.config.settings import load_settings
from daemon.store.recorder import Recorder
from parsers.model import Eta, Item, Milestone, ShipmentEvent
from tests.support.receiver import Receiver

ORDER = "113-4829105-7730624"
UNSHIPPED = "114-2210934-5561847"
TBA = "TBA312345678901"  # an Amazon Logistics number: followed by email alone
SHIPPED_AT = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(SHIPPED_AT)


AppFactory = Callable[[], App]


@pytest.fixture
def config(tmp_path: Path, receiver: Receiver) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[general]\nstate_dir = "{tmp_path / "state"}"\ntimezone = "UTC"\n'
        "[carriers]\nstale_days = 10\n"
        f'[notify]\nphotos = false\n[[notify.target]]\nname = "hook"\nurl = "{receiver.url()}"\n'
        '[notify.digest]\ntime = "07:30"\n'
    )
    return path


@pytest.fixture
def app(config: Path, tmp_path: Path, clock: Clock) -> Iterator[App]:
    built = build(load_settings(config, {"HOME": str(tmp_path)}, required=True), clock)
    yield built
    built.close()


def record(app: App, event: ShipmentEvent) -> None:
    """An email's event, read the moment it happened."""
    event = replace(event, occurred_at=event.occurred_at or app.clock())
    with app.store.writing() as connection:
        Recorder(connection, app.routing, app.clock(), "home").record(event, "email", None)


def shipped(**changes: object) -> ShipmentEvent:
    fields: dict[str, object] = {
        "milestone": Milestone.SHIPPED,
        "order_ids": (ORDER,),
        "marketplace": "amazon.com",
        "carrier": "amazon_logistics",
        "tracking_number": TBA,
        "eta": Eta.day(date(2026, 3, 22)),
        "items": (Item("Desk lamp"),),
    }
    fields.update(changes)
    return ShipmentEvent(**fields)  # type: ignore[arg-type]


def titles(receiver: Receiver) -> list[str]:
    return [title.split(":")[0] for title in receiver.titles()]


# --- stale ---------------------------------------------------------------------------


def test_an_email_only_parcel_with_no_news_goes_stale_once_and_leaves_the_lists(
    app: App, clock: Clock, receiver: Receiver
) -> None:
    record(app, shipped())
    assert app.deliver().sent == 1
    clock.now = SHIPPED_AT + timedelta(days=9, hours=23)
    assert app.end_stories().shipments == 0  # nine days and 23 hours: not yet
    clock.now = SHIPPED_AT + timedelta(days=10, hours=2)
    quiet = app.end_stories()
    assert (quiet.shipments, quiet.notifications) == (1, 1)
    app.deliver()
    assert titles(receiver) == ["Shipped", "No news"]
    assert app.end_stories().shipments == 0  # once: it is stale already
    clock.now += timedelta(days=3)
    assert app.end_stories().shipments == 0
    app.deliver()
    assert titles(receiver) == ["Shipped", "No news"]

    assert app.store.shipments() == []  # `list` and the digest no longer show it
    [kept] = app.store.shipments(include_finished=True)  # `list --all` does
    assert kept.status is Milestone.STALE
    [line] = [line for line in kept.timeline if line.milestone is Milestone.STALE]
    # Stale from the moment the silence became too long, which is its evidence.
    assert (line.occurred_at, line.source) == (SHIPPED_AT + timedelta(days=10), "parcelwatch")
    assert line.description == "no news for 10 days"
    order = app.store.find_order(ORDER)  # and `show`
    assert order is not None and order.shipments[0].status is Milestone.STALE


def test_news_after_a_parcel_went_stale_brings_it_back(
    app: App, clock: Clock, receiver: Receiver
) -> None:
    record(app, shipped())
    clock.now = SHIPPED_AT + timedelta(days=10, hours=5)  # 14:00, past the digest's hours
    app.end_stories()
    assert app.store.shipments() == []
    record(app, shipped(milestone=Milestone.OUT_FOR_DELIVERY, eta=Eta.day(clock.now.date())))
    [back] = app.store.shipments()
    assert back.status is Milestone.OUT_FOR_DELIVERY
    app.deliver()
    assert titles(receiver) == ["Shipped", "No news", "Out for delivery"]


def test_a_silence_that_ended_long_before_the_mail_was_read_is_not_pushed(
    app: App, clock: Clock, receiver: Receiver
) -> None:
    """A first read of old mail: the parcel went quiet months ago. Stale, in the
    timeline and out of `list`, but that is history: nothing is pushed."""
    clock.now = SHIPPED_AT + timedelta(days=120)
    event = shipped(occurred_at=SHIPPED_AT)
    with app.store.writing() as connection:
        Recorder(connection, app.routing, clock.now, "home").record(event, "email", None)
    quiet = app.end_stories()
    assert (quiet.shipments, quiet.notifications) == (1, 0)
    assert app.deliver().sent == 0
    assert receiver.requests == []
    assert app.store.shipments() == []
    assert app.outbox.counts() == {}  # and nothing waits to be sent later


def test_an_order_confirmed_but_never_shipped_goes_stale_too(
    app: App, clock: Clock, receiver: Receiver
) -> None:
    confirmed = ShipmentEvent(
        Milestone.ORDERED, order_ids=(UNSHIPPED,), marketplace="amazon.com",
        items=(Item("Blender"),), eta=Eta.day(date(2026, 3, 25)),
    )  # fmt: skip
    record(app, confirmed)
    assert [o.order_id for o in app.store.unshipped_orders()] == [UNSHIPPED]
    clock.now = SHIPPED_AT + timedelta(days=10, minutes=1)
    quiet = app.end_stories()
    assert (quiet.shipments, quiet.orders, quiet.notifications) == (0, 1, 1)
    assert app.store.unshipped_orders() == []
    [kept] = app.store.unshipped_orders(include_finished=True)
    assert kept.status is Milestone.STALE
    app.deliver()
    assert receiver.titles() == ["No news: Blender"]


def test_the_digest_leaves_stale_parcels_out(app: App, clock: Clock, receiver: Receiver) -> None:
    record(app, shipped())
    record(app, shipped(tracking_number="TBA312345678902", items=(Item("Kettle"),),
                        eta=Eta.day(date(2026, 4, 1))))  # fmt: skip
    clock.now = datetime(2026, 3, 28, 7, 0, tzinfo=UTC)
    record(app, shipped(tracking_number="TBA312345678902", milestone=Milestone.IN_TRANSIT,
                        items=(Item("Kettle"),), eta=Eta.day(date(2026, 4, 1))))  # fmt: skip
    clock.now = datetime(2026, 4, 1, 7, 40, tzinfo=UTC)  # the lamp went quiet on 30 March
    app.end_stories()
    app.deliver()
    digest = receiver.requests[-1].json()
    assert digest["title"] == "Parcels today: 1 arriving"
    assert "Desk lamp" not in digest["message"] and "Kettle" in digest["message"]


# --- by hand ---------------------------------------------------------------------------


def test_archive_and_unarchive_by_order_or_number(
    app: App, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record(app, shipped(order_ids=(ORDER,)))
    record(app, ShipmentEvent(Milestone.ORDERED, order_ids=(UNSHIPPED,), items=(Item("Blender"),)))
    base, env = ["--config", str(config)], {"HOME": str(tmp_path)}

    def listed(*flags: str) -> str:
        assert main([*base, "list", *flags], env) == 0
        return capsys.readouterr().out

    assert ORDER in listed() and UNSHIPPED in listed()
    assert main([*base, "archive", ORDER], env) == 0
    assert capsys.readouterr().out == (
        f"Archived order {ORDER} (1 parcel); `parcelwatch unarchive` brings it back.\n"
    )
    assert ORDER not in listed() and ORDER not in listed("--all")
    assert ORDER in listed("--archived") and UNSHIPPED not in listed("--archived")
    assert main([*base, "show", ORDER], env) == 0
    assert "    Archived: " in capsys.readouterr().out  # `show` still finds it
    assert app.checks.due(app.clock()) == []  # and its carrier is not asked

    assert main([*base, "archive", UNSHIPPED], env) == 0  # an order never shipped
    assert "Archived order 114-2210934-5561847 (0 parcels)" in capsys.readouterr().out
    assert listed() == (
        "No active shipments (2 archived: parcelwatch list --archived)\n"  # ORDER's, and this
    )

    assert main([*base, "unarchive", TBA.lower()], env) == 0  # by its number, any case
    assert capsys.readouterr().out == (
        "Brought back 1 parcel; `parcelwatch list` shows it again.\n"
    )
    assert ORDER in listed() and UNSHIPPED not in listed()
    [due] = app.checks.due(app.clock())  # asked again
    assert due.tracking_number == TBA

    assert main([*base, "archive", "999-0000000-0000000"], env) == 1
    err = capsys.readouterr().err
    assert "No order or tracking number '999-0000000-0000000' is known" in err
