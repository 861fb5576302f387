"""Times and dates as carrier APIs write them.

Event times become aware UTC datetimes (DESIGN.md: the database holds UTC). A
time written without an offset is read in the zone the backend was given (see
each backend's `local_tz`), because some APIs (AfterShip, DHL) give the scan's
local wall-clock time only. ETAs stay calendar dates in the carrier's local days,
so their date part is taken as written, never shifted to UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

from parsers.model import Eta


def instant(value: str | None, local_tz: tzinfo = UTC) -> datetime | None:
    """An ISO 8601 date-time as aware UTC, or None if absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local_tz)
    return parsed.astimezone(UTC)


def local_date(value: str | None) -> date | None:
    """The calendar date at the start of an ISO date or date-time ("2026-03-27",
    "2026-03-27T18:00:00-05:00") or of a compact "20260327", as written."""
    if not value:
        return None
    value = value.strip()
    candidate = value[:8] if value[:8].isdigit() else value[:10]
    try:
        return date.fromisoformat(candidate)
    except ValueError:
        return None


def eta(start: date | None, end: date | None) -> Eta | None:
    """An Eta from whichever ends are known; a range given backwards is turned round."""
    known = [day for day in (start, end) if day is not None]
    return Eta(min(known), max(known)) if known else None
