"""What a person browsing the parcels asks: one shipment by its key, a search
by order id, tracking number or item, and whether anything changed since a
page was drawn (so an open page refreshes only when there is news).

Searching reads only the few columns it matches on, in Python, and builds
views for the matches alone: item titles are kept as JSON, where a SQL LIKE
would miss every non-ASCII title, and a household's history is a few
thousand rows at most.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from daemon.store.reading import order_view, shipment_view
from daemon.store.tables import Order, Shipment, ShipmentOrder, TimelineEvent
from daemon.store.views import OrderView, ShipmentView

SEARCH_LIMIT = 50
_MAX_QUERY = 200


@dataclass(frozen=True)
class Found:
    """Search results: shipments, and orders that no shipment belongs to yet."""

    shipments: tuple[ShipmentView, ...]
    orders: tuple[OrderView, ...]

    @property
    def empty(self) -> bool:
        return not self.shipments and not self.orders


def one_shipment(session: Session, pk: int) -> ShipmentView | None:
    row = session.get(Shipment, pk)
    return shipment_view(session, row) if row is not None else None


def search(session: Session, text: str, limit: int = SEARCH_LIMIT) -> Found:
    """Shipments whose tracking number, Amazon shipment id, label, item or
    order id contains `text` (case and spaces ignored), newest first; archived
    ones too, since a search is for finding old parcels as well."""
    needle = _folded(text[:_MAX_QUERY])
    if not needle:
        return Found((), ())
    orders_of = _order_ids_by_shipment(session)
    rows = session.exec(
        select(Shipment).order_by(col(Shipment.updated_at).desc(), col(Shipment.id))
    ).all()
    matches = [
        row
        for row in rows
        if _matches(needle, _shipment_words(row, orders_of.get(row.id or 0, ())))
    ][:limit]
    shipped = select(ShipmentOrder.order_pk)
    unshipped = session.exec(
        select(Order).where(col(Order.id).not_in(shipped)).order_by(col(Order.updated_at).desc())
    ).all()
    lonely = [o for o in unshipped if _matches(needle, [o.order_id, *_titles(o.items)])]
    return Found(
        tuple(shipment_view(session, row) for row in matches),
        tuple(order_view(session, row) for row in lonely[:limit]),
    )


def change_stamp(session: Session) -> str:
    """A short text that changes whenever what the pages show changes: a new
    timeline line, a new or updated shipment or order."""
    timeline = session.exec(select(sa.func.max(TimelineEvent.id))).one()
    shipments = session.exec(
        select(sa.func.count(col(Shipment.id)), sa.func.max(Shipment.updated_at))
    ).one()
    orders = session.exec(select(sa.func.count(col(Order.id)), sa.func.max(Order.updated_at))).one()
    parts = (timeline, *shipments, *orders)
    return "-".join(_stamp_part(part) for part in parts)


def _stamp_part(value: object) -> str:
    if value is None:
        return "0"
    if hasattr(value, "timestamp"):
        return str(int(value.timestamp()))
    return str(value)


def _order_ids_by_shipment(session: Session) -> dict[int, list[str]]:
    pairs = session.exec(
        select(ShipmentOrder.shipment_pk, Order.order_id).join(
            Order, col(Order.id) == col(ShipmentOrder.order_pk)
        )
    ).all()
    found: dict[int, list[str]] = {}
    for shipment_pk, order_id in pairs:
        found.setdefault(shipment_pk, []).append(order_id)
    return found


def _shipment_words(row: Shipment, order_ids: Iterable[str]) -> list[str]:
    words = [*order_ids, *_titles(row.items)]
    words += [w for w in (row.tracking_number, row.amazon_shipment_id, row.label) if w]
    return words


def _titles(items: list[dict[str, object]]) -> list[str]:
    return [str(item.get("title", "")) for item in items]


def _matches(needle: str, words: Iterable[str]) -> bool:
    return any(needle in _folded(word) for word in words)


def _folded(text: str) -> str:
    return "".join(text.split()).casefold()
