"""Where a parcel stands today (daemon.store.outlook): one set of rules for the
`list` table, the digest, the hello, the dashboard and Home Assistant."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from daemon.store.outlook import arriving_today, late, overdue
from daemon.store.views import ShipmentView, TimelineLine
from parsers.model import Eta, Milestone

TODAY = date(2026, 6, 10)  # a Wednesday
SEATTLE = ZoneInfo("America/Los_Angeles")


def parcel(status: Milestone, eta: Eta | None, *lines: tuple[Milestone, datetime]) -> ShipmentView:
    timeline = tuple(TimelineLine(at, m, "email", None, None) for m, at in lines)
    return ShipmentView(
        pk=1, order_ids=(), marketplace="amazon.com", status=status, carrier=None,
        tracking_number=None, amazon_shipment_id=None, package_index=None, eta=eta,
        item_titles=("Desk lamp",), label=None, pickup_code=None, delivery_photo_url=None,
        delivered_at=None, updated_at=datetime(2026, 6, 10, tzinfo=UTC), timeline=timeline,
    )  # fmt: skip


def test_an_estimate_that_covers_today_is_arriving_today() -> None:
    assert arriving_today(parcel(Milestone.SHIPPED, Eta(TODAY, TODAY)), TODAY, UTC)
    assert arriving_today(parcel(Milestone.SHIPPED, Eta(date(2026, 6, 9), TODAY)), TODAY, UTC)
    assert not arriving_today(parcel(Milestone.SHIPPED, Eta.day(date(2026, 6, 11))), TODAY, UTC)


def test_an_estimate_in_the_past_is_never_arriving_today_even_out_for_delivery() -> None:
    went_out = (Milestone.OUT_FOR_DELIVERY, datetime(2026, 6, 10, 8, tzinfo=UTC))
    stuck = parcel(Milestone.OUT_FOR_DELIVERY, Eta.day(date(2026, 6, 9)), went_out)
    assert not arriving_today(stuck, TODAY, UTC)
    assert overdue(stuck.eta, TODAY)


def test_without_an_estimate_out_for_delivery_today_is_arriving_today() -> None:
    # 06:00 UTC on 10 June is still 9 June in Seattle: that was yesterday there.
    early = (Milestone.OUT_FOR_DELIVERY, datetime(2026, 6, 10, 6, tzinfo=UTC))
    later = (Milestone.OUT_FOR_DELIVERY, datetime(2026, 6, 10, 16, tzinfo=UTC))
    assert arriving_today(parcel(Milestone.OUT_FOR_DELIVERY, None, later), TODAY, SEATTLE)
    assert not arriving_today(parcel(Milestone.OUT_FOR_DELIVERY, None, early), TODAY, SEATTLE)
    assert not arriving_today(parcel(Milestone.SHIPPED, None), TODAY, UTC)


def test_late_is_overdue_by_more_than_the_grace() -> None:
    assert not late(None, TODAY, 3)
    assert not late(Eta.day(date(2026, 6, 7)), TODAY, 3)  # three days: overdue, not late
    assert overdue(Eta.day(date(2026, 6, 7)), TODAY)
    assert late(Eta.day(date(2026, 6, 6)), TODAY, 3)
    assert late(Eta.day(date(2026, 6, 9)), TODAY, 0)  # no grace: late the day after
    assert not late(Eta(date(2026, 6, 1), TODAY), TODAY, 0)  # its last day is today
