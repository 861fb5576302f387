"""Frozen views assembled from rows: shipments and orders with their orders,
shipments, timelines and carrier-check schedules.

The rows come from a `Fetch`: SQLAlchemy Core queries in the daemon
(daemon.store.reading), plain sqlite3 or psycopg in the commands that only
read (daemon.store.lite). Both hand over rows as mappings of Python values
(datetimes aware, JSON decoded), so the views are the same whichever read
them; this module imports no database library.

Views are built for a batch of rows at once, in a fixed number of fetches (one
per kind of related row, whatever the batch's size): no query per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from daemon.state import ShipmentState
from daemon.store.views import CheckView, OrderView, ShipmentView, TimelineLine
from parsers.model import Eta, Milestone

# The timeline's mark for an email about an order that no rule could read.
UNREAD = "unrecognised"

# A row by column name (SQLAlchemy's RowMapping also takes columns as keys).
Row = Mapping[Any, Any]
Lines = dict[int, tuple[TimelineLine, ...]]


class Fetch(Protocol):
    """The related rows of a batch of shipments or orders, by their keys. No
    keys: no rows (and no query)."""

    def links(self, shipment_pks: Sequence[int]) -> Iterable[Row]:
        """The shipmentorder rows of these shipments (shipment_pk, order_pk)."""
        ...

    def order_names(self, order_pks: Sequence[int]) -> Iterable[Row]:
        """id and order_id of these orders."""
        ...

    def checks(self, shipment_pks: Sequence[int]) -> Iterable[Row]:
        """The carriercheck rows of these shipments."""
        ...

    def timelines(self, shipment_pks: Sequence[int], order_pks: Sequence[int]) -> Iterable[Row]:
        """The timeline lines of these shipments or these orders (shipment_pk,
        order_pk, occurred_at, milestone, source, description, eta_start,
        eta_end), oldest first."""
        ...

    def order_shipments(self, order_pks: Sequence[int]) -> Iterable[Row]:
        """The shipments of these orders: each shipment row with the order_pk
        it belongs to, by shipment key."""
        ...


def state_of(row: Row) -> ShipmentState:
    """The state machine's view of an order's or a shipment's row."""
    return ShipmentState(
        progress=Milestone(row["progress"]) if row["progress"] else None,
        side=Milestone(row["side"]) if row["side"] else None,
        after_sale=Milestone(row["after_sale"]) if row["after_sale"] else None,
        eta=Eta.between(row["eta_start"], row["eta_end"]),
        occurrences={Milestone(k): v for k, v in (row["occurrences"] or {}).items()},
    )


def shipment_views(
    fetch: Fetch,
    rows: Sequence[Row],
    *,
    details: bool = True,
    timelines: Mapping[int, tuple[TimelineLine, ...]] | None = None,
) -> list[ShipmentView]:
    """Views of these shipment rows, in their order; without `details` their
    timelines and carrier schedules are left empty (a table of parcels shows
    neither, and they are most of the reading). `timelines`: already read with
    something else's (an order's, by order_views)."""
    pks = [int(row["id"]) for row in rows]
    orders = _order_ids(fetch, pks)
    checks = _checks(fetch, pks) if details else {}
    if timelines is None:
        timelines = _timelines(fetch, pks, ())[0] if details else {}
    return [
        _shipment_view(
            row, orders.get(row["id"], ()), checks.get(row["id"]), timelines.get(row["id"], ())
        )
        for row in rows
    ]


def order_views(fetch: Fetch, rows: Sequence[Row]) -> list[OrderView]:
    """Views of these order rows (with their shipments), in their order."""
    pks = [int(row["id"]) for row in rows]
    by_order: dict[int, list[Row]] = defaultdict(list)
    shipment_rows: dict[int, Row] = {}
    for pair in fetch.order_shipments(pks) if pks else ():
        by_order[pair["order_pk"]].append(pair)
        shipment_rows[pair["id"]] = pair
    # The order's timeline and its parcels' in one query (`show` of an order:
    # on PostgreSQL every query is a round trip).
    ship_lines, timelines = _timelines(fetch, list(shipment_rows), pks)
    views = shipment_views(fetch, list(shipment_rows.values()), timelines=ship_lines)
    shipments = dict(zip(shipment_rows, views, strict=True))
    return [
        _order_view(
            row,
            timelines.get(row["id"], ()),
            tuple(shipments[s["id"]] for s in by_order.get(row["id"], [])),
        )
        for row in rows
    ]


def _shipment_view(
    row: Row, orders: tuple[str, ...], check: CheckView | None, timeline: tuple[TimelineLine, ...]
) -> ShipmentView:
    state = state_of(row)
    return ShipmentView(
        pk=int(row["id"]),
        order_ids=orders,
        marketplace=row["marketplace"],
        status=state.status,
        carrier=row["carrier"],
        tracking_number=row["tracking_number"],
        amazon_shipment_id=row["amazon_shipment_id"],
        package_index=row["package_index"],
        eta=state.eta,
        item_titles=_titles(row["items"]),
        label=row["label"],
        pickup_code=row["pickup_code"],
        delivery_photo_url=row["delivery_photo_url"],
        delivered_at=row["delivered_at"],
        updated_at=row["updated_at"],
        last_event_at=row["last_event_at"],
        timeline=timeline,
        carrier_check=check,
        occurrences=tuple(state.occurrences.items()),
        created_at=row["created_at"],
        pickup_location=row["pickup_location"],
        pickup_deadline=row["pickup_deadline"],
        delivery_code=row["delivery_code"],
        delivery_location=row["delivery_location"],
        account=row["account"],
        archived_at=row["archived_at"],
    )


def _order_view(
    row: Row, timeline: tuple[TimelineLine, ...], shipments: tuple[ShipmentView, ...]
) -> OrderView:
    state = state_of(row)
    return OrderView(
        order_id=row["order_id"],
        marketplace=row["marketplace"],
        status=state.status,
        placed_at=row["placed_at"],
        eta=state.eta,
        item_titles=_titles(row["items"]),
        timeline=timeline,
        shipments=shipments,
        account=row["account"],
        archived_at=row["archived_at"],
    )


def _titles(items: Sequence[Mapping[str, Any]] | None) -> tuple[str, ...]:
    return tuple(str(item["title"]) for item in items or ())


def _order_ids(fetch: Fetch, pks: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The order ids of each shipment, in two index-driven fetches (links, then
    orders), not a join: PostgreSQL would hash-join the whole orders table."""
    pairs = list(fetch.links(pks)) if pks else []
    order_pks = sorted({pair["order_pk"] for pair in pairs})
    names = (
        {row["id"]: row["order_id"] for row in fetch.order_names(order_pks)} if order_pks else {}
    )
    found: dict[int, list[int]] = defaultdict(list)
    for pair in pairs:
        found[pair["shipment_pk"]].append(pair["order_pk"])
    return {pk: tuple(names[order] for order in sorted(keys)) for pk, keys in found.items()}


def _checks(fetch: Fetch, pks: Sequence[int]) -> dict[int, CheckView]:
    if not pks:
        return {}
    return {
        row["shipment_pk"]: CheckView(
            row["backend"], row["last_checked_at"], row["next_check_at"], row["note"]
        )
        for row in fetch.checks(pks)
    }


def _timelines(
    fetch: Fetch, shipment_pks: Sequence[int], order_pks: Sequence[int]
) -> tuple[Lines, Lines]:
    """The timelines of these shipments and of these orders, by key, read together."""
    if not shipment_pks and not order_pks:
        return {}, {}
    ships, orders = set(shipment_pks), set(order_pks)
    by_shipment: dict[int, list[TimelineLine]] = defaultdict(list)
    by_order: dict[int, list[TimelineLine]] = defaultdict(list)
    for row in fetch.timelines(shipment_pks, order_pks):
        line = TimelineLine(
            occurred_at=row["occurred_at"],
            milestone=Milestone(row["milestone"]) if row["milestone"] != UNREAD else None,
            source=row["source"],
            description=row["description"],
            eta=Eta.between(row["eta_start"], row["eta_end"]),
        )
        if row["shipment_pk"] in ships:
            by_shipment[row["shipment_pk"]].append(line)
        if row["order_pk"] in orders:
            by_order[row["order_pk"]].append(line)
    return (
        {pk: tuple(lines) for pk, lines in by_shipment.items()},
        {pk: tuple(lines) for pk, lines in by_order.items()},
    )
