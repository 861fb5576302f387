"""Quiet hours as a rule: inside or outside, and when they end, in the user's
zone, at the boundaries, across midnight and on the two daylight-saving days.

Every expected instant below was worked out by hand from the wall clock and
the zone's UTC offset on that date (Berlin: UTC+1 in winter, UTC+2 in summer;
2026's changes are 29 March 02:00 -> 03:00 and 25 October 03:00 -> 02:00).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from daemon.config.notify import QuietHours
from daemon.notify.quiet import held_until
from parsers.model import Milestone

BERLIN = ZoneInfo("Europe/Berlin")
NIGHT = QuietHours(time(22, 0), time(7, 0), frozenset({Milestone.SHIPPED}))
LUNCH = QuietHours(time(12, 0), time(14, 0), frozenset({Milestone.SHIPPED}))
EARLY = QuietHours(time(1, 0), time(3, 0), frozenset({Milestone.SHIPPED}))


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("quiet", "now", "expected"),
    [
        # A same-day window, 12:00-14:00 Berlin, on a winter day (UTC+1).
        (LUNCH, utc(2026, 1, 15, 10, 59), None),  # 11:59 local: not yet
        (LUNCH, utc(2026, 1, 15, 11, 0), utc(2026, 1, 15, 13, 0)),  # 12:00: held to 14:00
        (LUNCH, utc(2026, 1, 15, 12, 59), utc(2026, 1, 15, 13, 0)),  # 13:59: held to 14:00
        (LUNCH, utc(2026, 1, 15, 13, 0), None),  # 14:00: over
        # Across midnight, 22:00-07:00 Berlin, in summer (UTC+2).
        (NIGHT, utc(2026, 7, 1, 19, 59), None),  # 21:59 local
        (NIGHT, utc(2026, 7, 1, 20, 0), utc(2026, 7, 2, 5, 0)),  # 22:00 -> tomorrow 07:00
        (NIGHT, utc(2026, 7, 1, 21, 30), utc(2026, 7, 2, 5, 0)),  # 23:30 -> tomorrow 07:00
        (NIGHT, utc(2026, 7, 1, 22, 0), utc(2026, 7, 2, 5, 0)),  # 00:00 -> today 07:00
        (NIGHT, utc(2026, 7, 2, 4, 59), utc(2026, 7, 2, 5, 0)),  # 06:59 -> today 07:00
        (NIGHT, utc(2026, 7, 2, 5, 0), None),  # 07:00: over
        # The night the clocks go forward: 23:00 CET on 28 March (22:00 UTC) ends
        # at 07:00 CEST on the 29th, which is 05:00 UTC, not 06:00.
        (NIGHT, utc(2026, 3, 28, 22, 0), utc(2026, 3, 29, 5, 0)),
        # The night they go back: 23:00 CEST on 24 October (21:00 UTC) ends at
        # 07:00 CET on the 25th, which is 06:00 UTC, not 05:00.
        (NIGHT, utc(2026, 10, 24, 21, 0), utc(2026, 10, 25, 6, 0)),
        # A window around the missing hour: 01:30 CET (00:30 UTC) on 29 March is
        # inside 01:00-03:00; 03:00 CEST that morning is 01:00 UTC.
        (EARLY, utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 0)),
        # After the jump the wall clock reads 03:00 at 01:00 UTC: outside.
        (EARLY, utc(2026, 3, 29, 1, 0), None),
        # The repeated hour in October: 02:30 CEST (00:30 UTC) and 02:30 CET
        # (01:30 UTC) are both inside 01:00-03:00 and both end at 03:00 CET.
        (EARLY, utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 2, 0)),
        (EARLY, utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 2, 0)),
    ],
)
def test_held_until(quiet: QuietHours, now: datetime, expected: datetime | None) -> None:
    held = held_until(quiet, Milestone.SHIPPED, now, BERLIN)
    assert held == expected
    assert held is None or held.tzinfo is UTC  # stored as UTC, like every time in the database


def test_milestones_outside_the_rule_are_never_held() -> None:
    midnight = utc(2026, 7, 1, 22, 0)  # 00:00 Berlin, inside the night
    assert held_until(NIGHT, Milestone.SHIPPED, midnight, BERLIN) is not None
    assert held_until(NIGHT, Milestone.DELIVERED, midnight, BERLIN) is None
    assert held_until(NIGHT, None, midnight, BERLIN) is None  # a digest
    assert held_until(None, Milestone.SHIPPED, midnight, BERLIN) is None


def test_the_zone_decides_not_utc() -> None:
    """13:00 UTC in January is 13:00 in London (inside 12:00-14:00, held to
    14:00 London = 14:00 UTC) and 14:00 in Berlin (outside): one instant, two answers."""
    now = utc(2026, 1, 15, 13, 0)
    london = ZoneInfo("Europe/London")
    assert held_until(LUNCH, Milestone.SHIPPED, now, london) == utc(2026, 1, 15, 14, 0)
    assert held_until(LUNCH, Milestone.SHIPPED, now, BERLIN) is None
