"""The JSON form of the views: one definition for `list --json`, `show --json`
and the web API (/api/...), so the field names are the same everywhere and
stay stable (docs/API.md documents them).

A shipment row and an unshipped order's row have the same fields, so a
consumer of `list --json` reads one shape; an order also lists its shipments.
Datetimes are ISO 8601 in UTC; ETAs are {"start", "end"} local dates.
"""

from __future__ import annotations

from typing import Any

from daemon.store.views import OrderView, ShipmentView, TimelineLine
from parsers.model import Kind


def timeline_json(lines: tuple[TimelineLine, ...]) -> list[dict[str, Any]]:
    return [
        {
            "occurred_at": line.occurred_at.isoformat(),
            "milestone": line.milestone.value if line.milestone else None,
            "source": line.source,
            "description": line.description,
        }
        for line in lines
    ]


def shipment_json(ship: ShipmentView) -> dict[str, Any]:
    return {
        "key": ship.pk,
        "order_ids": list(ship.order_ids),
        "marketplace": ship.marketplace,
        "status": ship.status.value if ship.status else None,
        "active": ship.active,
        "carrier": ship.carrier,
        "tracking_number": ship.tracking_number,
        "shipment_id": ship.amazon_shipment_id,
        "label": ship.label,
        "eta": ship.eta.to_json() if ship.eta else None,
        "items": list(ship.item_titles),
        "pickup_code": ship.pickup_code,
        "pickup_location": ship.pickup_location,
        "pickup_deadline": ship.pickup_deadline.isoformat() if ship.pickup_deadline else None,
        "delivery_code": ship.delivery_code,
        "delivery_location": ship.delivery_location,
        "delivery_photo_url": ship.delivery_photo_url,
        "delivered_at": ship.delivered_at.isoformat() if ship.delivered_at else None,
        "updated_at": ship.updated_at.isoformat(),
        "timeline": timeline_json(ship.timeline),
    }


def order_json(order: OrderView) -> dict[str, Any]:
    return {
        "key": None,
        "order_ids": [order.order_id],
        "marketplace": order.marketplace,
        "status": order.status.value if order.status else None,
        "active": order.status is None or order.status.kind in (Kind.PROGRESS, Kind.SIDE),
        "carrier": None,
        "tracking_number": None,
        "shipment_id": None,
        "label": None,
        "eta": order.eta.to_json() if order.eta else None,
        "items": list(order.item_titles),
        "pickup_code": None,
        "pickup_location": None,
        "pickup_deadline": None,
        "delivery_code": None,
        "delivery_location": None,
        "delivery_photo_url": None,
        "delivered_at": None,
        "updated_at": None,
        "timeline": timeline_json(order.timeline),
        "placed_at": order.placed_at.isoformat() if order.placed_at else None,
        "shipments": [shipment_json(ship) for ship in order.shipments],
    }
