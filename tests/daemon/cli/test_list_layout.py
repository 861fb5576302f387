"""How `list` and `status` write times and lay out parcels: relative times in
the user's zone, late parcels marked, titles cut to the terminal, colour only
when allowed. Pure functions, a fixed "now"."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from daemon.cli import listing
from daemon.cli.terminal import Terminal, cells, fit
from daemon.cli.when import ago, stamp
from daemon.store.views import ShipmentView, TimelineLine
from parsers.model import Eta, Milestone

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 6, 10, 9, 30, tzinfo=UTC)  # Wed 10 Jun, 11:30 in Berlin (CEST)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 6, 10, 5, 42, tzinfo=UTC), "today 07:42"),
        (datetime(2026, 6, 9, 22, 30, tzinfo=UTC), "today 00:30"),  # Berlin's day, not UTC's
        (datetime(2026, 6, 9, 12, 0, tzinfo=UTC), "yesterday"),
        (datetime(2026, 6, 7, 12, 0, tzinfo=UTC), "3 days ago"),
        (datetime(2026, 6, 1, 12, 0, tzinfo=UTC), "1 Jun"),
        (datetime(2025, 12, 24, 12, 0, tzinfo=UTC), "24 Dec 2025"),
    ],
)
def test_ago(moment: datetime, expected: str) -> None:
    assert ago(moment, NOW, BERLIN) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 6, 10, 5, 42, tzinfo=UTC), "today 07:42 CEST"),
        (datetime(2026, 6, 9, 21, 10, tzinfo=UTC), "yesterday 23:10 CEST"),
        (datetime(2026, 6, 11, 7, 0, tzinfo=UTC), "tomorrow 09:00 CEST"),
        (datetime(2026, 1, 5, 11, 4, tzinfo=UTC), "Mon 5 Jan 12:04 CET"),
        (datetime(2025, 2, 2, 11, 4, tzinfo=UTC), "2 Feb 2025 12:04 CET"),
    ],
)
def test_stamp_says_the_zone(moment: datetime, expected: str) -> None:
    assert stamp(moment, NOW, BERLIN) == expected


def shipment(status: Milestone, eta: Eta | None, title: str = "USB-C cable") -> ShipmentView:
    line = TimelineLine(datetime(2026, 6, 8, 12, tzinfo=UTC), status, "email", None, None)
    return ShipmentView(
        pk=1, order_ids=("113-4829105-7730624",), marketplace="amazon.com", status=status,
        carrier="ups", tracking_number="1Z999AA10123456784", amazon_shipment_id=None,
        package_index=None, eta=eta, item_titles=(title,), label=None, pickup_code=None,
        delivery_photo_url=None, delivered_at=None, updated_at=line.occurred_at,
        timeline=(line,),
    )  # fmt: skip


def test_a_parcel_more_than_late_after_days_past_its_eta_is_marked_late_and_red() -> None:
    late = shipment(Milestone.IN_TRANSIT, Eta.day(date(2026, 6, 6)))  # 4 days ago
    overdue = shipment(Milestone.IN_TRANSIT, Eta.day(date(2026, 6, 7)))  # 3: not yet late
    due = shipment(Milestone.IN_TRANSIT, Eta.day(date(2026, 6, 10)))
    done = shipment(Milestone.DELIVERED, Eta.day(date(2026, 6, 1)))
    rows = listing.rows([late, overdue, due, done], [], NOW, BERLIN, 3)
    assert [row.cells()[2] for row in rows] == [
        "In transit (late)", "In transit", "In transit", "Delivered",
    ]  # fmt: skip
    assert listing.rows([overdue], [], NOW, BERLIN, 2)[0].late  # a shorter grace
    assert rows[0].updated == "2 days ago"
    text = listing.render(rows, Terminal(width=None, colour=True))
    assert "\x1b[31;1mIn transit (late)" in text
    assert "\x1b[32mDelivered" in text


def test_titles_give_way_so_the_table_fits() -> None:
    long = shipment(Milestone.SHIPPED, None, "Ninja BN701 Professional Plus Blender " * 3)
    rows = listing.rows([long], [], NOW, BERLIN, 3)
    wide = listing.render(rows, Terminal(width=None, colour=False))
    fitted = listing.render(rows, Terminal(width=100, colour=False))
    assert max(len(line) for line in wide.splitlines()) > 100
    assert max(len(line) for line in fitted.splitlines()) <= 100
    assert "Ninja BN701" in fitted and "…" in fitted


def test_wide_characters_count_two_cells() -> None:
    title = "ソニー ワイヤレスイヤホン"
    assert cells(title) == 2 * len(title) - 1  # the space is one cell
    assert cells(fit(title, 10)) <= 10


def test_nothing_active_says_what_ended_and_how_to_see_it() -> None:
    assert listing.nothing_active(Counter(), "parcelwatch list --all") == "No shipments yet."
    assert (
        listing.nothing_active(Counter({"Delivered": 4, "Cancelled": 1}), "parcelwatch list --all")
        == "No active shipments (4 delivered, 1 cancelled: parcelwatch list --all)"
    )


@pytest.mark.parametrize(
    ("env", "tty", "colour"),
    [
        ({}, True, True),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # no-color.org: only a non-empty value counts
        ({"TERM": "dumb"}, True, False),
        ({}, False, False),
    ],
)
def test_colour_only_on_a_terminal_that_allows_it(
    env: dict[str, str], tty: bool, colour: bool
) -> None:
    class Stream:
        def isatty(self) -> bool:
            return tty

        def fileno(self) -> int:
            raise OSError("not a real stream")

    assert Terminal.of(Stream(), {**env, "COLUMNS": "90"}) == Terminal(90, colour)  # type: ignore[arg-type]
