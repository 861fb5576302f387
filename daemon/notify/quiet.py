"""Quiet hours, pure: is this moment inside them, and when do they end.

Hours are wall-clock times in the user's zone, so they follow daylight saving;
a span that crosses midnight (22:00-07:00) is the usual case.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo

from daemon.config.notify import QuietHours
from parsers.model import Milestone


def held_until(
    quiet: QuietHours | None, milestone: Milestone | None, now: datetime, zone: tzinfo | None
) -> datetime | None:
    """The end of the current quiet hours (UTC) if a notification of
    `milestone` must wait for it, else None (send now)."""
    if quiet is None or milestone is None or milestone not in quiet.milestones:
        return None
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    if not _inside(clock, quiet.start, quiet.end):
        return None
    end_day = local.date()
    if quiet.start > quiet.end and clock >= quiet.start:
        end_day += timedelta(days=1)  # 23:00 -> tomorrow's 07:00
    wall = datetime.combine(end_day, quiet.end)
    # A naive wall-clock time is the system's zone to astimezone(), with that
    # day's offset: right across a daylight-saving change, like the zone's own.
    end = wall.replace(tzinfo=zone) if zone is not None else wall
    return end.astimezone(UTC)


def _inside(clock: time, start: time, end: time) -> bool:
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end
