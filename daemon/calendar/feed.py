"""The iCalendar feed of the parcels: one all-day event per shipment.

A parcel on its way sits on its expected day (or across its expected window)
and moves when the estimate changes; a delivered one sits on the day it
arrived. Its UID is made of the shipment's key and the moment it was first
recorded, both fixed for its life, so a calendar app moves the event rather
than adding another. DTSTAMP and LAST-MODIFIED are the shipment's last update,
so an unchanged parcel gives the same bytes and a file only changes with news.
A parcel with neither an estimate nor a delivery day has no day to sit on and
is left out. A parcel waiting at a pickup point with a last day to collect it
gets a second event on that day, with a UID of its own, gone once collected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, timedelta, tzinfo

from icalendar import Calendar, Event

from daemon.store.views import ShipmentView
from parsers.model import Milestone

Link = Callable[[ShipmentView], str | None]
PRODID = "-//parcelwatch//parcelwatch//EN"
DEFAULT_NAME = "Parcels"
_ON_THE_WAY = frozenset({Milestone.ORDERED, Milestone.SHIPPED, Milestone.IN_TRANSIT})


def feed(
    shipments: Sequence[ShipmentView],
    *,
    zone: tzinfo | None,
    link: Link,
    name: str = DEFAULT_NAME,
) -> bytes:
    """The whole feed, as the bytes of a text/calendar file."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for view in shipments:
        for event in (shipment_event(view, zone, link), deadline_event(view, link)):
            if event is not None:
                calendar.add_component(event)
    content: bytes = calendar.to_ical()
    return content


def uid(view: ShipmentView, kind: str = "shipment") -> str:
    created = (view.created_at or view.updated_at).astimezone(UTC)
    return f"{kind}-{view.pk}-{created:%Y%m%dT%H%M%SZ}@parcelwatch"


def days(view: ShipmentView, zone: tzinfo | None) -> tuple[date, date] | None:
    """The first and last day the parcel's event covers, or None."""
    if view.status is Milestone.DELIVERED and view.delivered_at is not None:
        arrived = view.delivered_at.astimezone(zone).date()
        return arrived, arrived
    if view.active and view.eta is not None:
        return view.eta.start, view.eta.end
    return None


def shipment_event(view: ShipmentView, zone: tzinfo | None, link: Link) -> Event | None:
    span = days(view, zone)
    if span is None:
        return None
    first, last = span
    page = link(view)
    event = Event()
    event.add("uid", uid(view))
    event.add("dtstamp", view.updated_at.astimezone(UTC))
    event.add("last-modified", view.updated_at.astimezone(UTC))
    event.add("summary", f"{_headline(view)}: {view.short_name}")
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))  # all-day: DTEND is exclusive
    event.add("transp", "TRANSPARENT")
    event.add("status", "CONFIRMED" if view.status is Milestone.DELIVERED else "TENTATIVE")
    event.add("description", _description(view, page))
    if page:
        event.add("url", page)
    return event


def deadline_event(view: ShipmentView, link: Link) -> Event | None:
    """The "Last day to pick up" event on the pick-up-by date, while the parcel waits."""
    last = view.pickup_deadline
    if last is None or not view.active or view.status is not Milestone.AVAILABLE_FOR_PICKUP:
        return None
    page = link(view)
    event = Event()
    event.add("uid", uid(view, "pickup"))
    event.add("dtstamp", view.updated_at.astimezone(UTC))
    event.add("last-modified", view.updated_at.astimezone(UTC))
    event.add("summary", f"Last day to pick up: {view.short_name}")
    event.add("dtstart", last)
    event.add("dtend", last + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("status", "CONFIRMED")
    event.add("description", _description(view, page))
    if page:
        event.add("url", page)
    return event


def _headline(view: ShipmentView) -> str:
    if view.status is None or view.status in _ON_THE_WAY:
        return "Arriving"
    return view.status.label


def _description(view: ShipmentView, page: str | None) -> str:
    lines = [f"Status: {view.status.label if view.status else 'unknown'}"]
    if view.item_titles:
        lines.append("Items: " + "; ".join(view.item_titles))
    if view.order_ids:
        lines.append("Order: " + ", ".join(view.order_ids))
    if view.carrier or view.tracking_number:
        lines.append(f"Tracking: {' '.join(filter(None, (view.carrier, view.tracking_number)))}")
    if view.pickup_location:
        lines.append(f"Pickup at: {view.pickup_location}")
    if view.pickup_deadline:
        lines.append(f"Pick up by: {view.pickup_deadline:%a %d %b %Y}")
    if view.pickup_code:
        lines.append(f"Pickup code: {view.pickup_code}")
    if page:
        lines.append(page)
    return "\n".join(lines)
