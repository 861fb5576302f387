"""Small steps every backend takes to turn a carrier's history into ours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from daemon.carriers.base import CarrierEvent
from daemon.carriers.shape import text
from parsers.model import Milestone


def phrase_milestone(text: str | None, phrases: Mapping[str, Milestone]) -> Milestone | None:
    """The milestone of the first phrase (in the table's order) found in `text`,
    compared in lower case with hyphens as spaces and "pickup" as "pick up", so the
    table's "pick up" finds "Pick-up" and "pickup" alike."""
    if not text:
        return None
    flat = " ".join(text.lower().replace("-", " ").replace("pickup", "pick up").split())
    for phrase, milestone in phrases.items():
        if phrase in flat:
            return milestone
    return None


def coded_milestone(
    code: str | None,
    sub_code: str | None,
    codes: Mapping[str, Milestone | None],
    sub_codes: Mapping[str, Milestone | None],
) -> Milestone | None:
    """The milestone for a (code, sub-code) pair from APIs whose sub-code is its
    code, "_" and a suffix (17TRACK's sub-status, AfterShip's subtag): the sub-code's
    own entry where it says more than its code, else the code's. The code is the
    sub-code's prefix when only the sub-code is given (as on events)."""
    if sub_code is not None and sub_code in sub_codes:
        return sub_codes[sub_code]
    main = code or (sub_code.split("_", 1)[0] if sub_code else None)
    return codes.get(main) if main else None


def entry_for(number: str, entries: Sequence[dict[str, Any]], key: str) -> dict[str, Any] | None:
    """The entry whose `key` is `number` (case aside), else the first, else None: an
    answer may list several entries for one number asked about (one per service that
    knows it, one per piece of a shipment), and the one named like it is the best."""
    for entry in entries:
        if (text(entry, key) or "").upper() == number.upper():
            return entry
    return entries[0] if entries else None


def chronological(
    events: Sequence[CarrierEvent], *, newest_first: bool
) -> tuple[CarrierEvent, ...]:
    """Events oldest first. The API's own order is kept where times are missing or
    equal (a stable sort), after undoing a newest-first listing."""
    ordered = list(reversed(events)) if newest_first else list(events)
    if all(event.occurred_at is not None for event in ordered):
        ordered.sort(key=_time)
    return tuple(ordered)


def delivered_time(
    milestone: Milestone | None, events: Sequence[CarrierEvent], stated: datetime | None = None
) -> datetime | None:
    """When a delivered parcel was delivered: the time the API states, else the
    latest delivery scan's time. None for a parcel that is not delivered."""
    if milestone is not Milestone.DELIVERED:
        return None
    if stated is not None:
        return stated
    for event in reversed(events):
        if event.milestone is Milestone.DELIVERED and event.occurred_at is not None:
            return event.occurred_at
    return None


def place(*parts: str | None) -> str | None:
    """Location parts joined with ", ", blanks and repeats dropped."""
    kept: list[str] = []
    for part in parts:
        if part and part.strip() and part.strip() not in kept:
            kept.append(part.strip())
    return ", ".join(kept) or None


def first_text(*candidates: str | None) -> str:
    """The first non-blank text, or ""."""
    return next((c for c in candidates if c), "")


def _time(event: CarrierEvent) -> datetime:
    assert event.occurred_at is not None
    return event.occurred_at
