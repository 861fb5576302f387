"""The carrier-check schedule: when each kind of shipment is asked about next.

Times are in Europe/Berlin (UTC+1 in March before the 29th); 2026-03-25 is a
Wednesday. Jitter is drawn as 0 (no shortening) unless a case says otherwise.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from daemon.carriers.schedule import Policy, Situation, next_check
from parsers.model import Eta
from parsers.model import Milestone as M

BERLIN = ZoneInfo("Europe/Berlin")
SHIPPED_AT = datetime(2026, 3, 24, 18, 0, tzinfo=BERLIN)
TOMORROW = Eta.day(date(2026, 3, 26))
TODAY = Eta.day(date(2026, 3, 25))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=BERLIN)


CASES = [
    # (case id, progress, side, eta, now, expected next check)
    ("shipped-quiet-day", M.SHIPPED, None, Eta.day(date(2026, 3, 28)), at(25, 9), at(26, 9)),
    # The quiet check would be 09:00 tomorrow; the ETA day's window opens at 06:00.
    ("quiet-stops-at-the-window", M.SHIPPED, None, TOMORROW, at(25, 9), at(26, 6)),
    ("eta-day-before-window", M.IN_TRANSIT, None, TODAY, at(25, 4, 30), at(25, 6)),
    ("eta-day-morning-window", M.IN_TRANSIT, None, TODAY, at(25, 8), at(25, 8, 20)),
    ("eta-day-afternoon-hourly", M.IN_TRANSIT, None, TODAY, at(25, 14), at(25, 15)),
    ("eta-day-night-waits-for-morning", M.IN_TRANSIT, None, TODAY, at(25, 22), at(26, 6)),
    # A late parcel: its estimate has passed, so every day is a delivery day.
    ("eta-passed", M.IN_TRANSIT, None, Eta.day(date(2026, 3, 23)), at(25, 10), at(25, 10, 20)),
    ("out-for-delivery-watch", M.OUT_FOR_DELIVERY, None, TODAY, at(25, 15), at(25, 15, 20)),
    ("out-for-delivery-at-night-too", M.OUT_FOR_DELIVERY, None, TODAY, at(25, 23), at(25, 23, 20)),
    ("pickup", M.AVAILABLE_FOR_PICKUP, None, None, at(25, 10), at(25, 22)),
    ("delayed-before-new-eta", M.SHIPPED, M.DELAYED, Eta.day(date(2026, 3, 28)), at(25, 10),
     at(25, 14)),
    ("delayed-on-new-eta-day", M.SHIPPED, M.DELAYED, TODAY, at(25, 10), at(25, 10, 20)),
    # Without an estimate: quiet for two quiet periods after shipping, then daily watch.
    ("no-eta-early", M.SHIPPED, None, None, at(25, 10), at(26, 10)),
    ("no-eta-after-two-days", M.SHIPPED, None, None, at(27, 10), at(27, 10, 20)),
    ("delivered-ends-checks", M.DELIVERED, None, None, at(25, 10), None),
    ("returned-ends-checks", M.SHIPPED, M.RETURNED, None, at(25, 10), None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("progress", "side", "eta", "now", "expected"),
    [pytest.param(p, s, e, n, x, id=case) for case, p, s, e, n, x in CASES],
)
def test_next_check(
    progress: M,
    side: M | None,
    eta: Eta | None,
    now: datetime,
    expected: datetime | None,
) -> None:
    situation = Situation(progress, side, eta, SHIPPED_AT)
    assert next_check(situation, now, BERLIN, rng=lambda: 0.0) == expected


def test_jitter_shortens_long_intervals_only() -> None:
    quiet = Situation(M.SHIPPED, None, Eta.day(date(2026, 3, 30)), SHIPPED_AT)
    watch = Situation(M.OUT_FOR_DELIVERY, None, TODAY, SHIPPED_AT)
    policy = Policy(jitter=0.1)
    # The largest draw shortens a 24-hour interval by 10%, to 21.6 hours.
    assert next_check(quiet, at(25, 9), BERLIN, policy, rng=lambda: 1.0) == at(25, 9) + timedelta(
        hours=21.6
    )
    assert next_check(watch, at(25, 9), BERLIN, policy, rng=lambda: 1.0) == at(25, 9, 20)
