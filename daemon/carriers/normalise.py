"""Small steps every backend takes to turn a carrier's history into ours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from daemon.carriers.base import CarrierEvent
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
