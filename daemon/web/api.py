"""The JSON API: the same objects as `parcelwatch list --json` and `show --json`
(daemon.store.export defines them once; docs/API.md documents them).

    GET /api/shipments          active shipments, and orders not shipped yet
    GET /api/shipments?all=1    delivered, returned and cancelled ones too
    GET /api/shipments/{key}    one shipment by its key
    GET /api/orders/{order_id}  one order with its shipments
    GET /api/stamp              changes whenever the above change
"""

from __future__ import annotations

from collections.abc import Mapping

from daemon.store.database import Store
from daemon.store.export import order_json, shipment_json
from daemon.web.http import Response, as_json, plain

_TRUE = frozenset({"1", "true", "yes"})


class Api:
    def __init__(self, store: Store) -> None:
        self.store = store

    def shipments(self, query: Mapping[str, str]) -> Response:
        everything = query.get("all", "").lower() in _TRUE
        rows = [shipment_json(s) for s in self.store.shipments(include_finished=everything)]
        rows += [order_json(o) for o in self.store.unshipped_orders(include_finished=everything)]
        return as_json(rows)

    def shipment(self, key: str) -> Response:
        ship = self.store.shipment(int(key)) if key.isdigit() and len(key) < 19 else None
        if ship is None:
            return as_json({"error": "no shipment with this key"}, 404)
        return as_json(shipment_json(ship))

    def order(self, order_id: str) -> Response:
        order = self.store.find_order(order_id)
        if order is None:
            return as_json({"error": "no order with this id"}, 404)
        return as_json(order_json(order))

    def stamp(self) -> Response:
        return plain(self.store.change_stamp())
