"""Moments as a person reads them on a terminal, relative to now, in the
configured (or the system's) time zone. Pure: `now` is passed in."""

from __future__ import annotations

from datetime import datetime, tzinfo


def ago(moment: datetime, now: datetime, zone: tzinfo | None) -> str:
    """A past moment, short: "today 07:42", "yesterday", "3 days ago",
    "12 Mar", "12 Mar 2025" (the year only when it is not this one)."""
    local, today = moment.astimezone(zone), now.astimezone(zone)
    days = (today.date() - local.date()).days
    if days <= 0:
        return f"today {local:%H:%M}"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return _day(local, today)


def stamp(moment: datetime, now: datetime, zone: tzinfo | None) -> str:
    """A moment with its time of day and zone: "today 12:04 CEST", "yesterday
    23:10 CEST", "tomorrow 09:00 CET", "Mon 23 Mar 12:04 CET", "2 Feb 2025 12:04 CET"."""
    local, today = moment.astimezone(zone), now.astimezone(zone)
    days = (today.date() - local.date()).days
    clock = f"{local:%H:%M %Z}".strip()
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"yesterday {clock}"
    if days == -1:
        return f"tomorrow {clock}"
    if local.year == today.year:
        return f"{local:%a} {local.day} {local:%b} {clock}"
    return f"{_day(local, today)} {clock}"


def _day(local: datetime, today: datetime) -> str:
    text = f"{local.day} {local:%b}"
    return text if local.year == today.year else f"{text} {local.year}"
