"""Frozen views built from rows: shipments and orders with their orders,
shipments, timelines and carrier-check schedules.

Views are built for a batch of rows at once, in a fixed number of queries
(one per kind of related row, whatever the batch's size), straight from the
Core tables: no ORM objects, no query per row. Everything is read in the
caller's connection.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from daemon.state import ShipmentState
from daemon.store import schema
from daemon.store.views import CheckView, OrderView, ShipmentView, TimelineLine
from parsers.model import Eta, Milestone

# The timeline's mark for an email about an order that no rule could read.
UNREAD = "unrecognised"
# Keys per IN list: well under SQLite's and PostgreSQL's parameter limits.
_CHUNK = 5000

Row = RowMapping


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
    connection: Connection,
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
    orders = _order_ids(connection, pks)
    checks = _checks(connection, pks) if details else {}
    if timelines is None:
        timelines = _timelines(connection, pks, ())[0] if details else {}
    return [
        _shipment_view(
            row, orders.get(row["id"], ()), checks.get(row["id"]), timelines.get(row["id"], ())
        )
        for row in rows
    ]


def order_views(connection: Connection, rows: Sequence[Row]) -> list[OrderView]:
    """Views of these order rows (with their shipments), in their order."""
    pks = [int(row["id"]) for row in rows]
    link, ship = schema.shipmentorder, schema.shipment
    pairs = _chunked(
        connection,
        link.c.order_pk,
        pks,
        lambda among: (
            sa.select(link.c.order_pk, ship)
            .join(ship, ship.c.id == link.c.shipment_pk)
            .where(among)
            .order_by(ship.c.id)
        ),
    )
    by_order: dict[int, list[Row]] = defaultdict(list)
    shipment_rows: dict[int, Row] = {}
    for pair in pairs:
        by_order[pair["order_pk"]].append(pair)
        shipment_rows[pair["id"]] = pair
    # The order's timeline and its parcels' in one query (`show` of an order:
    # on PostgreSQL every query is a round trip).
    ship_lines, timelines = _timelines(connection, list(shipment_rows), pks)
    views = shipment_views(connection, list(shipment_rows.values()), timelines=ship_lines)
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


def _order_ids(connection: Connection, pks: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The order ids of each shipment, in two index-driven queries (links, then
    orders), not a join: PostgreSQL would hash-join the whole orders table."""
    link, orders = schema.shipmentorder, schema.orders
    links = _chunked(
        connection, link.c.shipment_pk, pks, lambda among: sa.select(link).where(among)
    )
    pairs = list(links)
    order_pks = sorted({pair["order_pk"] for pair in pairs})
    names = {
        row["id"]: row["order_id"]
        for row in _chunked(
            connection,
            orders.c.id,
            order_pks,
            lambda among: sa.select(orders.c.id, orders.c.order_id).where(among),
        )
    }
    found: dict[int, list[int]] = defaultdict(list)
    for pair in pairs:
        found[pair["shipment_pk"]].append(pair["order_pk"])
    return {pk: tuple(names[order] for order in sorted(keys)) for pk, keys in found.items()}


def _checks(connection: Connection, pks: Sequence[int]) -> dict[int, CheckView]:
    check = schema.carriercheck
    rows = _chunked(
        connection, check.c.shipment_pk, pks, lambda among: sa.select(check).where(among)
    )
    return {
        row["shipment_pk"]: CheckView(
            row["backend"], row["last_checked_at"], row["next_check_at"], row["note"]
        )
        for row in rows
    }


Lines = dict[int, tuple[TimelineLine, ...]]


def _timelines(
    connection: Connection, shipment_pks: Sequence[int], order_pks: Sequence[int]
) -> tuple[Lines, Lines]:
    """The timelines of these shipments and of these orders, by key: read
    together, one query per slice of keys."""
    event = schema.timelineevent
    columns = (event.c.shipment_pk, event.c.order_pk, event.c.occurred_at, event.c.milestone,
               event.c.source, event.c.description, event.c.eta_start, event.c.eta_end)  # fmt: skip
    rows = _chunked_pair(
        connection,
        (event.c.shipment_pk, shipment_pks),
        (event.c.order_pk, order_pks),
        lambda among: sa.select(*columns).where(among).order_by(event.c.occurred_at, event.c.id),
    )
    ships, orders = set(shipment_pks), set(order_pks)
    by_shipment: dict[int, list[TimelineLine]] = defaultdict(list)
    by_order: dict[int, list[TimelineLine]] = defaultdict(list)
    for row in rows:
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


def _chunked(
    connection: Connection, column: sa.ColumnElement[int], pks: Sequence[int], query: Any
) -> Iterator[Row]:
    """The rows of `query(condition)` for each slice of `pks`, the condition
    being "`column` is one of the slice's keys" (no query for no keys)."""
    for start in range(0, len(pks), _CHUNK):
        among = _among(connection, column, pks[start : start + _CHUNK])
        yield from connection.execute(query(among)).mappings()


def _chunked_pair(
    connection: Connection,
    first: tuple[sa.ColumnElement[int], Sequence[int]],
    second: tuple[sa.ColumnElement[int], Sequence[int]],
    query: Any,
) -> Iterator[Row]:
    """`_chunked` over two key lists at once: the condition is "the first column
    is one of the first slice's keys, or the second one of the second's"."""
    (column, pks), (other, other_pks) = first, second
    for start in range(0, max(len(pks), len(other_pks)), _CHUNK):
        end = start + _CHUNK
        among = [
            _among(connection, column, pks[start:end]) if pks[start:end] else None,
            _among(connection, other, other_pks[start:end]) if other_pks[start:end] else None,
        ]
        condition = sa.or_(*(c for c in among if c is not None))
        yield from connection.execute(query(condition)).mappings()


def _among(
    connection: Connection, column: sa.ColumnElement[int], keys: Sequence[int]
) -> sa.ColumnElement[bool]:
    """ "`column` is one of `keys`". On PostgreSQL the keys go as one array, not
    a parameter each: binding a thousand parameters cost more than the query."""
    if connection.dialect.name == "postgresql":
        return column == sa.any_(sa.literal(list(keys), sa.ARRAY(sa.Integer)))
    return column.in_(list(keys))
