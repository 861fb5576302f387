"""How an order's or shipment's whole story looks on a terminal (`show`).
Pure formatting: the `list` table is daemon.cli.listing, the JSON forms
daemon.store.export (shared with the web API)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from daemon.notify.redact import safe_url
from daemon.notify.wording import carrier_label, format_date, format_eta
from daemon.store.views import OrderView, ShipmentView, TimelineLine


def _status(view: ShipmentView | OrderView) -> str:
    return view.status.label if view.status else "-"


def _when(moment: datetime, zone: tzinfo | None) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %Y %H:%M")


def _timeline_lines(lines: Sequence[TimelineLine], zone: tzinfo | None) -> list[str]:
    out = []
    for line in lines:
        text = f"      {_when(line.occurred_at, zone)}  {line.label}"
        if line.eta:
            text += f" (ETA {format_eta(line.eta)})"
        text += f"  [{line.source}]"
        if line.description and line.milestone is not None:
            text += f"  {line.description}"
        out.append(text)
    return out


def shipment_block(ship: ShipmentView, zone: tzinfo | None, number: int | None = None) -> str:
    head = f"  Package {number}" if number is not None else "  Package"
    lines = [f"{head}: {_status(ship)}"]
    if ship.item_titles:
        lines.append("    Items: " + "; ".join(ship.item_titles))
    if ship.carrier or ship.tracking_number:
        carrier = carrier_label(ship.carrier) if ship.carrier else "unknown carrier"
        lines.append(f"    Carrier: {carrier}  Tracking: {ship.tracking_number or '-'}")
    if ship.eta and ship.active:
        lines.append(f"    Arriving: {format_eta(ship.eta)}")
    updates = _carrier_updates(ship, zone)
    if updates:
        lines.append(f"    Carrier updates: {updates}")
    if ship.delivered_at:
        lines.append(f"    Delivered: {_when(ship.delivered_at, zone)}")
    lines.extend(_handover(ship))
    if ship.delivery_photo_url:
        # A signed link: its query is the credential, so it is not shown.
        lines.append(f"    Delivery photo: {safe_url(ship.delivery_photo_url)}")
    if ship.archived_at:
        lines.append(f"    Archived: {_when(ship.archived_at, zone)} (not in `list`)")
    lines.append("    Timeline:")
    lines.extend(_timeline_lines(ship.timeline, zone))
    return "\n".join(lines)


def _handover(ship: ShipmentView) -> list[str]:
    """Where the parcel waits or was left, and the codes that hand it over: the
    pickup code opens a locker, the delivery code is told to the driver."""
    lines = []
    if ship.pickup_location:
        lines.append(f"    Pickup at: {ship.pickup_location}")
    if ship.pickup_deadline and ship.active:
        lines.append(f"    Pick up by: {format_date(ship.pickup_deadline)}")
    if ship.pickup_code:
        lines.append(f"    Pickup code: {ship.pickup_code}")
    if ship.delivery_code and ship.active:
        lines.append(f"    Delivery code (tell the driver): {ship.delivery_code}")
    if ship.delivery_location:
        lines.append(f"    Delivery: {ship.delivery_location}")
    return lines


def _carrier_updates(ship: ShipmentView, zone: tzinfo | None) -> str | None:
    """Whether and how the carrier is asked about this parcel, in one line."""
    check = ship.carrier_check
    if not ship.active:
        return None
    if check is None:
        return "not checked yet" if ship.tracking_number else None
    if check.next_check_at is None:
        return f"none ({check.note})" if check.note else None
    parts = []
    if check.backend and check.last_checked_at:
        parts.append(f"{check.backend}, last asked {_when(check.last_checked_at, zone)}")
    parts.append(f"next {_when(check.next_check_at, zone)}")
    return "; ".join(parts)


def order_block(order: OrderView, zone: tzinfo | None) -> str:
    lines = [f"Order {order.order_id} ({order.marketplace or 'unknown marketplace'})"]
    if order.placed_at:
        lines.append(f"  Placed: {_when(order.placed_at, zone)}")
    if order.item_titles:
        lines.append("  Items: " + "; ".join(order.item_titles))
    if not order.shipments:
        lines.append(f"  Status: {_status(order)}")
        if order.eta:
            lines.append(f"  Arriving: {format_eta(order.eta)}")
    if order.timeline:
        lines.append("  Order timeline:")
        lines.extend(_timeline_lines(order.timeline, zone))
    for number, ship in enumerate(order.shipments, start=1):
        lines.append(shipment_block(ship, zone, number if len(order.shipments) > 1 else None))
    return "\n".join(lines)
