"""The rows views are assembled from (daemon.store.assembly), read through
SQLAlchemy Core in the caller's connection: the daemon's and every command's
way in, on SQLite and PostgreSQL alike.

Each kind of related row is one query per slice of keys, whatever the batch's
size: no ORM objects, no query per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from daemon.store import assembly, schema
from daemon.store.assembly import Row
from daemon.store.views import OrderView, ShipmentView, TimelineLine

# Keys per IN list: well under SQLite's and PostgreSQL's parameter limits.
_CHUNK = 5000

Condition = sa.ColumnElement[bool]


class CoreFetch:
    """assembly.Fetch over a SQLAlchemy connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def links(self, shipment_pks: Sequence[int]) -> Iterator[Row]:
        link = schema.shipmentorder
        return self._chunked(
            link.c.shipment_pk, shipment_pks, lambda among: sa.select(link).where(among)
        )

    def order_names(self, order_pks: Sequence[int]) -> Iterator[Row]:
        orders = schema.orders
        return self._chunked(
            orders.c.id,
            order_pks,
            lambda among: sa.select(orders.c.id, orders.c.order_id).where(among),
        )

    def checks(self, shipment_pks: Sequence[int]) -> Iterator[Row]:
        check = schema.carriercheck
        return self._chunked(
            check.c.shipment_pk, shipment_pks, lambda among: sa.select(check).where(among)
        )

    def timelines(self, shipment_pks: Sequence[int], order_pks: Sequence[int]) -> Iterator[Row]:
        event = schema.timelineevent
        columns = (
            event.c.shipment_pk, event.c.order_pk, event.c.occurred_at, event.c.milestone,
            event.c.source, event.c.description, event.c.eta_start, event.c.eta_end,
        )  # fmt: skip
        for start in range(0, max(len(shipment_pks), len(order_pks)), _CHUNK):
            end = start + _CHUNK
            among = [
                self._among(event.c.shipment_pk, shipment_pks[start:end])
                if shipment_pks[start:end]
                else None,
                self._among(event.c.order_pk, order_pks[start:end])
                if order_pks[start:end]
                else None,
            ]
            condition = sa.or_(*(c for c in among if c is not None))
            query = sa.select(*columns).where(condition).order_by(event.c.occurred_at, event.c.id)
            yield from self._connection.execute(query).mappings()

    def order_shipments(self, order_pks: Sequence[int]) -> Iterator[Row]:
        link, ship = schema.shipmentorder, schema.shipment
        return self._chunked(
            link.c.order_pk,
            order_pks,
            lambda among: (
                sa.select(link.c.order_pk, ship)
                .join(ship, ship.c.id == link.c.shipment_pk)
                .where(among)
                .order_by(ship.c.id)
            ),
        )

    def _chunked(
        self,
        column: sa.ColumnElement[int],
        pks: Sequence[int],
        query: Callable[[Condition], sa.Select[tuple[object, ...]]],
    ) -> Iterator[Row]:
        """The rows of `query(condition)` for each slice of `pks`, the condition
        being "`column` is one of the slice's keys" (no query for no keys)."""
        for start in range(0, len(pks), _CHUNK):
            among = self._among(column, pks[start : start + _CHUNK])
            yield from self._connection.execute(query(among)).mappings()

    def _among(self, column: sa.ColumnElement[int], keys: Sequence[int]) -> Condition:
        """ "`column` is one of `keys`". On PostgreSQL the keys go as one array,
        not a parameter each: binding a thousand parameters cost more than the
        query."""
        if self._connection.dialect.name == "postgresql":
            return column == sa.any_(sa.literal(list(keys), sa.ARRAY(sa.Integer)))
        return column.in_(list(keys))


def shipment_views(
    connection: Connection,
    rows: Sequence[Row],
    *,
    details: bool = True,
    timelines: Mapping[int, tuple[TimelineLine, ...]] | None = None,
) -> list[ShipmentView]:
    """assembly.shipment_views, read in `connection`."""
    return assembly.shipment_views(
        CoreFetch(connection), rows, details=details, timelines=timelines
    )


def order_views(connection: Connection, rows: Sequence[Row]) -> list[OrderView]:
    """assembly.order_views, read in `connection`."""
    return assembly.order_views(CoreFetch(connection), rows)
