"""The iCalendar feed: read back with the icalendar library, and at the byte
level for what RFC 5545 asks of the text itself (CRLF, folding at 75 octets).

The days were worked out by hand from examples/README.md: order 1's packages
arrived on Thu Mar 26, order 2's blender on Tue Mar 31, order 3's filters on
Wed Apr 1 (all in Seattle, the config's time zone)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from daemon.app import App, build
from daemon.calendar.file import FeedFile
from daemon.cli.context import demo_settings
from daemon.cli.main import main
from daemon.config.settings import load_settings
from daemon.mail import local
from daemon.service.runner import Service
from daemon.store.recorder import Recorder
from parsers.model import Eta, Item, Milestone, ShipmentEvent

SAMPLE = Path(__file__).resolve().parents[3] / "daemon" / "cli" / "sample_mailbox"
NOW = datetime(2026, 4, 2, 16, 0, tzinfo=UTC)
LONG_TITLE = "Bücherregal aus Eiche, 5 Böden, 180 cm hoch – für Wohnzimmer & Büro 📚 " * 2

AppFactory = Callable[[], App]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[general]\nstate_dir = "{tmp_path / "state"}"\ntimezone = "America/Los_Angeles"\n'
    )
    return path


@pytest.fixture
def make_app(tmp_path: Path, config: Path) -> Iterator[AppFactory]:
    apps: list[App] = []

    def make() -> App:
        app = build(load_settings(config, {"HOME": str(tmp_path)}, required=True), lambda: NOW)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()


def events_of(feed: bytes) -> list[tuple[str, date, date, str]]:
    calendar = Calendar.from_ical(feed)
    return sorted(
        (str(e["uid"]), e.decoded("dtstart"), e.decoded("dtend"), str(e["summary"]))
        for e in calendar.walk("VEVENT")
    )


def record(app: App, **fields: object) -> None:
    event = ShipmentEvent(**{"order_ids": ("113-0000000-0000001",), "marketplace": "amazon.com",
                             "carrier": "ups", "tracking_number": "1Z999AA10123456784",
                             "occurred_at": NOW, **fields})  # type: ignore[arg-type]  # fmt: skip
    with app.store.writing() as connection:
        Recorder(connection, app.routing, NOW).record(event, "email", None)


def test_demo_calendar_all_prints_one_event_per_demo_shipment(
    tmp_path: Path, config: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    env = {"HOME": str(tmp_path)}
    demo = build(demo_settings(load_settings(config, env, required=True), env))
    try:
        demo.pipeline.process_all(local.read(SAMPLE, "sample"))
        shipments = demo.store.shipments(include_finished=True)
    finally:
        demo.close()
    assert main(["--config", str(config), "--demo", "calendar", "--all"], env) == 0
    found = events_of(capsysbinary.readouterr().out)
    assert len(found) == len(shipments) == 4
    days = sorted((start, end) for _, start, end, _ in found)
    assert days == [(date(2026, 3, 26), date(2026, 3, 27))] * 2 + [
        (date(2026, 3, 31), date(2026, 4, 1)), (date(2026, 4, 1), date(2026, 4, 2))
    ]  # fmt: skip
    assert all(summary.startswith("Delivered: ") for *_, summary in found)
    assert len({uid for uid, *_ in found}) == 4


def test_the_uid_is_stable_and_an_eta_change_moves_the_event(make_app: AppFactory) -> None:
    app = make_app()
    record(app, milestone=Milestone.SHIPPED, eta=Eta.day(date(2026, 4, 3)),
           items=(Item("Desk lamp"),))  # fmt: skip
    [(uid, start, end, summary)] = events_of(app.calendar_feed())
    assert (start, end, summary) == (date(2026, 4, 3), date(2026, 4, 4), "Arriving: Desk lamp")
    assert make_app().calendar_feed() == app.calendar_feed()  # another run, the same bytes
    record(app, milestone=Milestone.DELAYED, eta=Eta(date(2026, 4, 5), date(2026, 4, 6)))
    [(moved_uid, start, end, summary)] = events_of(make_app().calendar_feed())
    assert moved_uid == uid
    assert (start, end, summary) == (date(2026, 4, 5), date(2026, 4, 7), "Delayed: Desk lamp")


def test_the_description_says_status_items_code_and_link(make_app: AppFactory) -> None:
    app = make_app()
    record(app, milestone=Milestone.AVAILABLE_FOR_PICKUP, eta=Eta.day(date(2026, 4, 2)),
           items=(Item("Desk lamp"), Item("Bulbs")), pickup_code="482913")  # fmt: skip
    [event] = Calendar.from_ical(app.calendar_feed()).walk("VEVENT")
    order_page = "https://www.amazon.com/gp/your-account/order-details?orderID=113-0000000-0000001"
    assert str(event["description"]).split("\n") == [
        "Status: Ready for pickup",
        "Items: Desk lamp; Bulbs",
        "Order: 113-0000000-0000001",
        "Tracking: ups 1Z999AA10123456784",
        "Pickup code: 482913",
        order_page,
    ]
    assert str(event["url"]) == order_page


def test_lines_end_in_crlf_and_long_ones_are_folded(make_app: AppFactory) -> None:
    app = make_app()
    record(app, milestone=Milestone.SHIPPED, eta=Eta.day(date(2026, 4, 3)),
           items=(Item(LONG_TITLE),))  # fmt: skip
    feed = app.calendar_feed()
    assert feed.endswith(b"\r\n")
    assert feed.count(b"\n") == feed.count(b"\r\n")  # no bare LF
    lines = feed.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75  # octets, not characters
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    for line in lines:
        line.decode("utf-8")  # no fold splits a multi-byte character
    unfolded = feed.replace(b"\r\n ", b"").decode()
    assert f"Items: {LONG_TITLE.strip()}" in unfolded.replace("\\,", ",")


def test_a_parcel_without_a_day_is_left_out(make_app: AppFactory) -> None:
    app = make_app()
    record(app, milestone=Milestone.SHIPPED)  # no estimate yet
    assert events_of(app.calendar_feed()) == []


def test_the_file_is_written_only_when_the_feed_changed(
    tmp_path: Path, make_app: AppFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app()
    path = tmp_path / "www" / "parcels.ics"
    feed = FeedFile(path, app.calendar_feed)
    assert feed.refresh() is True
    written = path.stat()
    assert feed.refresh() is False
    assert path.stat().st_mtime_ns == written.st_mtime_ns
    record(app, milestone=Milestone.SHIPPED, eta=Eta.day(date(2026, 4, 3)))
    assert feed.refresh() is True
    assert len(events_of(path.read_bytes())) == 1
    assert oct(path.stat().st_mode & 0o777) == "0o644"


def test_run_keeps_the_calendar_file_current(tmp_path: Path, config: Path) -> None:
    path = tmp_path / "www" / "parcels.ics"
    config.write_text(config.read_text() + f'[calendar]\npath = "{path}"\n')
    app = build(load_settings(config, {"HOME": str(tmp_path)}, required=True), lambda: NOW)
    service = Service(app, [])
    service.start()
    try:
        follower = service.followers["calendar"]
        assert follower.wait_for_runs(1, timeout=20)
        assert events_of(path.read_bytes()) == []
        record(app, milestone=Milestone.SHIPPED, eta=Eta.day(date(2026, 4, 3)))
        app.store.changed()  # what the pipeline and the carrier ledger do after recording
        assert follower.wait_for_runs(2, timeout=20)
        assert [start for _, start, _, _ in events_of(path.read_bytes())] == [date(2026, 4, 3)]
    finally:
        service.stop()
        app.close()


def test_calendar_output_writes_a_file(
    tmp_path: Path, config: Path, make_app: AppFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    record(make_app(), milestone=Milestone.SHIPPED, eta=Eta.day(date(2026, 4, 3)))
    out = tmp_path / "parcels.ics"
    argv = ["--config", str(config), "calendar", "--output", str(out)]
    assert main(argv, {"HOME": str(tmp_path)}) == 0
    assert capsys.readouterr().err.splitlines()[-1] == f"{out}: written"
    assert len(events_of(out.read_bytes())) == 1
    assert main(argv, {"HOME": str(tmp_path)}) == 0
    assert capsys.readouterr().err.splitlines()[-1] == f"{out}: unchanged"


def test_a_pickup_deadline_is_its_own_event_until_the_parcel_is_collected(
    make_app: AppFactory,
) -> None:
    app = make_app()
    record(app, milestone=Milestone.AVAILABLE_FOR_PICKUP, eta=Eta.day(date(2026, 4, 2)),
           items=(Item("Desk lamp"),), pickup_code="482913",
           pickup_location="Amazon Locker - Fichte, Bayerstrasse 10A",
           pickup_deadline=date(2026, 4, 5))  # fmt: skip
    (deadline, parcel) = sorted(
        Calendar.from_ical(app.calendar_feed()).walk("VEVENT"), key=lambda e: str(e["uid"])
    )
    assert str(parcel["uid"]).startswith("shipment-") and str(deadline["uid"]).startswith("pickup-")
    assert str(deadline["uid"]).removeprefix("pickup-") == str(parcel["uid"]).removeprefix(
        "shipment-"
    )
    # Sun 5 Apr 2026, an all-day event: DTEND is the next day.
    assert (deadline.decoded("dtstart"), deadline.decoded("dtend")) == (
        date(2026, 4, 5),
        date(2026, 4, 6),
    )
    assert str(deadline["summary"]) == "Last day to pick up: Desk lamp"
    assert str(deadline["description"]).split("\n")[4:7] == [
        "Pickup at: Amazon Locker - Fichte, Bayerstrasse 10A",
        "Pick up by: Sun 05 Apr 2026",
        "Pickup code: 482913",
    ]
    record(app, milestone=Milestone.DELIVERED, items=(Item("Desk lamp"),))
    summaries = [summary for _, _, _, summary in events_of(make_app().calendar_feed())]
    assert summaries == ["Delivered: Desk lamp"]
