"""What a person browsing the parcels asks: a search by order id, tracking
number or item, and whether anything changed since a page was drawn (so an
open page refreshes only when there is news).

Searching reads only the few columns it matches on, in Python, and builds
views for the matches alone: item titles are kept as JSON, where a SQL LIKE
would miss every non-ASCII title. It reads every shipment's few columns, so it
grows with the history (docs/BENCHMARKS.md has its figures); everything else a
page asks grows only with the parcels it shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from daemon.store import schema
from daemon.store.reading import order_views, shipment_views
from daemon.store.views import OrderView, ShipmentView

SEARCH_LIMIT = 50
_MAX_QUERY = 200
_ship, _order, _link = schema.shipment, schema.orders, schema.shipmentorder


@dataclass(frozen=True)
class Found:
    """Search results: shipments, and orders that no shipment belongs to yet."""

    shipments: tuple[ShipmentView, ...]
    orders: tuple[OrderView, ...]

    @property
    def empty(self) -> bool:
        return not self.shipments and not self.orders


def search(connection: Connection, text: str, limit: int = SEARCH_LIMIT) -> Found:
    """Shipments whose tracking number, Amazon shipment id, label, item or
    order id contains `text` (case and spaces ignored), newest first; archived
    ones too, since a search is for finding old parcels as well."""
    needle = _folded(text[:_MAX_QUERY])
    if not needle:
        return Found((), ())
    orders_of = _order_ids_by_shipment(connection)
    rows = connection.execute(
        sa.select(_ship.c.id, _ship.c.tracking_number, _ship.c.amazon_shipment_id,
                  _ship.c.label, _ship.c["items"])
        .order_by(_ship.c.updated_at.desc(), _ship.c.id)
    ).mappings()  # fmt: skip
    keys = [row["id"] for row in rows if _matches(needle, _shipment_words(row, orders_of))]
    unshipped = connection.execute(
        sa.select(_order.c.id, _order.c.order_id, _order.c["items"])
        .where(schema.UNSHIPPED).order_by(_order.c.updated_at.desc())
    ).mappings()  # fmt: skip
    lonely = [o["id"] for o in unshipped if _matches(needle, [o["order_id"], *_titles(o["items"])])]
    return Found(
        tuple(shipment_views(connection, _rows(connection, _ship, keys[:limit]))),
        tuple(order_views(connection, _rows(connection, _order, lonely[:limit]))),
    )


def _rows(connection: Connection, table: sa.Table, keys: Sequence[int]) -> list[Any]:
    """The rows of these keys, in the keys' order."""
    found = {row["id"]: row for row in connection.execute(
        sa.select(table).where(table.c.id.in_(list(keys)))).mappings()}  # fmt: skip
    return [found[key] for key in keys]


def change_stamp(connection: Connection) -> str:
    """A short text that changes whenever what the pages show changes: a new
    timeline line, a new or updated shipment or order."""
    timeline = connection.execute(sa.select(sa.func.max(schema.timelineevent.c.id))).scalar()
    shipments = connection.execute(
        sa.select(sa.func.count(_ship.c.id), sa.func.max(_ship.c.updated_at))
    ).one()
    orders = connection.execute(
        sa.select(sa.func.count(_order.c.id), sa.func.max(_order.c.updated_at))
    ).one()
    parts = (timeline, *shipments, *orders)
    return "-".join(_stamp_part(part) for part in parts)


def _stamp_part(value: object) -> str:
    if value is None:
        return "0"
    if hasattr(value, "timestamp"):
        return str(int(value.timestamp()))
    return str(value)


def _order_ids_by_shipment(connection: Connection) -> dict[int, list[str]]:
    pairs = connection.execute(
        sa.select(_link.c.shipment_pk, _order.c.order_id).join(
            _order, _order.c.id == _link.c.order_pk
        )
    )
    found: dict[int, list[str]] = {}
    for shipment_pk, order_id in pairs:
        found.setdefault(shipment_pk, []).append(order_id)
    return found


def _shipment_words(row: Any, orders_of: dict[int, list[str]]) -> list[str]:
    words = [*orders_of.get(row["id"], ()), *_titles(row["items"])]
    words += [row[k] for k in ("tracking_number", "amazon_shipment_id", "label") if row[k]]
    return words


def _titles(items: list[dict[str, object]] | None) -> list[str]:
    return [str(item.get("title", "")) for item in items or ()]


def _matches(needle: str, words: Iterable[str]) -> bool:
    return any(needle in _folded(word) for word in words)


def _folded(text: str) -> str:
    return "".join(text.split()).casefold()
