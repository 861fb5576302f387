"""Notification text: a title that says what happened to what, and a body with
what a person needs to act on it. Pure: the same snapshot renders the same text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from parsers.amazon.marketplaces import by_domain
from parsers.model import Eta, Milestone

_TITLE_CHARS = 60


@dataclass(frozen=True)
class Snapshot:
    """What a notification is about, as the store knows it at that moment."""

    milestone: Milestone
    item_titles: tuple[str, ...]
    order_ids: tuple[str, ...]
    marketplace: str | None
    carrier: str | None
    tracking_number: str | None
    eta: Eta | None
    pickup_code: str | None = None
    delivery_photo_url: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


def render(snapshot: Snapshot) -> Rendered:
    return Rendered(_title(snapshot), _body(snapshot))


def _title(snap: Snapshot) -> str:
    return f"{snap.milestone.label}: {describe(snap.item_titles, snap.label, snap.order_ids)}"


def describe(titles: tuple[str, ...], label: str | None, order_ids: tuple[str, ...]) -> str:
    """ "USB-C cable (+1 more)", else the label, else the order id."""
    if titles:
        first = titles[0]
        if len(first) > _TITLE_CHARS:
            first = first[: _TITLE_CHARS - 1].rstrip() + "…"
        more = len(titles) - 1
        return f"{first} (+{more} more)" if more else first
    if label:
        return label
    if order_ids:
        return f"order {order_ids[0]}"
    return "a parcel"


def _body(snap: Snapshot) -> str:
    lines: list[str] = []
    if snap.order_ids:
        lines.append("Order " + ", ".join(snap.order_ids))
    if snap.carrier or snap.tracking_number:
        carrier = carrier_label(snap.carrier) if snap.carrier else "Tracking"
        lines.append(f"{carrier} {snap.tracking_number or ''}".strip())
    if snap.eta and snap.milestone is not Milestone.DELIVERED:
        lines.append(f"Arriving {format_eta(snap.eta)}")
    if snap.pickup_code:
        lines.append(f"Pickup code: {snap.pickup_code}")
    if snap.delivery_photo_url:
        lines.append(f"Photo: {snap.delivery_photo_url}")
    market = by_domain(snap.marketplace) if snap.marketplace else None
    if market and snap.order_ids:
        lines.append(market.order_url(snap.order_ids[0]))
    return "\n".join(lines)


def carrier_label(slug: str) -> str:
    """ "ups" -> "UPS", "royal_mail" -> "Royal Mail": how people write carriers."""
    if len(slug) <= 4 and "_" not in slug:
        return slug.upper()
    return slug.replace("_", " ").title()


def format_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def format_eta(eta: Eta) -> str:
    if eta.start == eta.end:
        return format_date(eta.start)
    return f"{format_date(eta.start)} – {format_date(eta.end)}"
