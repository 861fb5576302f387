"""Orders and shipments as recording changes them: plain objects read and
written with SQLAlchemy Core, each change written back as one UPDATE of the
columns that changed.

Recording an email touches a handful of rows in one transaction. Through the
ORM that cost more than the database work itself: a pydantic-validated object
per row, a flush for every new row's key, the unit of work's bookkeeping
(docs/BENCHMARKS.md, "Fast at every size"). Here a row remembers the values it
was read or written with, and `Rows` writes what changed before the next query
that could see it (as the ORM's autoflush did), so a query never misses what
the same transaction changed. A new row is inserted at that moment too, with
everything it was given by then, so a new parcel is one INSERT, not an INSERT
and an UPDATE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from daemon.store import schema


@dataclass(eq=False)
class _Row:
    """What orders and shipments share: the state machine's columns, and the
    values last read or written, to tell what changed."""

    table: ClassVar[sa.Table]
    columns: ClassVar[tuple[str, ...]]

    id: int | None
    marketplace: str | None
    archived_at: datetime | None
    progress: str | None
    side: str | None
    account: str | None
    after_sale: str | None
    eta_start: date | None
    eta_end: date | None
    occurrences: dict[str, int]
    items: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime
    _saved: dict[str, Any] = field(init=False, repr=False)
    # The set of rows its `Rows` will look at when it saves: a row enters it when
    # a column is assigned, so a save costs what changed, not what was read (the
    # stale pass reads every parcel on its way, and saves once per stale one).
    _changed: set[_Row] | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        self._saved = self._values() if self.id is not None else {}

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        changed = self.__dict__.get("_changed")
        if changed is not None and name in self.columns:
            changed.add(self)

    def _values(self) -> dict[str, Any]:
        # The JSON columns are copied, so that a value given back in changed form
        # differs from the one saved (a column is noticed when it is assigned:
        # the recorder assigns new values, never changes them in place).
        values = {name: getattr(self, name) for name in self.columns}
        values["occurrences"] = dict(self.occurrences)
        values["items"] = list(self.items)
        return values

    def changes(self) -> dict[str, Any]:
        """The columns whose value differs from the database's."""
        saved = self._saved
        return {k: v for k, v in self._values().items() if saved.get(k, _UNSET) != v}

    def saved(self) -> None:
        """The database now holds these values."""
        self._saved = self._values()


_UNSET = object()


@dataclass(eq=False)
class OrderRow(_Row):
    table: ClassVar[sa.Table] = schema.orders
    columns: ClassVar[tuple[str, ...]] = tuple(schema.orders.c.keys())

    order_id: str = ""
    placed_at: datetime | None = None
    shipped: bool = False


@dataclass(eq=False)
class ShipmentRow(_Row):
    table: ClassVar[sa.Table] = schema.shipment
    columns: ClassVar[tuple[str, ...]] = tuple(schema.shipment.c.keys())

    carrier: str | None = None
    tracking_number: str | None = None
    amazon_shipment_id: str | None = None
    package_index: int | None = None
    label: str | None = None
    pickup_code: str | None = None
    pickup_location: str | None = None
    pickup_deadline: date | None = None
    delivery_code: str | None = None
    delivery_location: str | None = None
    delivery_photo_url: str | None = None
    delivered_at: datetime | None = None
    last_event_at: datetime | None = None
    finished: bool = False


TrackedRow = OrderRow | ShipmentRow
_R = TypeVar("_R", OrderRow, ShipmentRow)


def new_order(
    order_id: str, marketplace: str | None, account: str | None, now: datetime
) -> OrderRow:
    """An order not yet in the database: inserted by the next `Rows.save`."""
    return OrderRow(**_fresh(marketplace, account, now), order_id=order_id)


def new_shipment(marketplace: str | None, account: str | None, now: datetime) -> ShipmentRow:
    return ShipmentRow(**_fresh(marketplace, account, now))


def _fresh(marketplace: str | None, account: str | None, now: datetime) -> dict[str, Any]:
    return {
        "id": None, "marketplace": marketplace, "archived_at": None, "progress": None,
        "side": None, "account": account, "after_sale": None, "eta_start": None,
        "eta_end": None, "occurrences": {}, "items": [], "created_at": now, "updated_at": now,
    }  # fmt: skip


class Rows:
    """The orders and shipments one transaction read or made, each object once
    per row, and the links between them still to be written."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._known: dict[tuple[str, int], TrackedRow] = {}
        self._new: list[TrackedRow] = []
        self._changed: set[_Row] = set()  # the known rows a column was assigned in
        self._links: list[tuple[ShipmentRow, OrderRow]] = []

    def orders(self, query: sa.Select[Any]) -> list[OrderRow]:
        """The orders `query` (a select of the orders table's columns) finds."""
        return self._read(OrderRow, query)

    def shipments(self, query: sa.Select[Any]) -> list[ShipmentRow]:
        return self._read(ShipmentRow, query)

    def shipment(self, pk: int) -> ShipmentRow | None:
        ship = schema.shipment
        found = self.shipments(sa.select(ship).where(ship.c.id == pk))
        return found[0] if found else None

    def scalar(self, query: sa.Select[Any]) -> Any:
        """One value of another table (a link, a notification), after saving."""
        self.save()
        return self.connection.execute(query).scalar()

    def add(self, row: TrackedRow) -> None:
        """A row made by `new_order` or `new_shipment`, to be inserted."""
        row._changed = self._changed
        self._new.append(row)

    def link(self, shipment: ShipmentRow, order: OrderRow) -> None:
        self._links.append((shipment, order))

    def save(self) -> None:
        """Insert the new rows and links, and write what changed in the others."""
        for row in self._new:
            values = row.changes()
            del values["id"]
            insert = row.table.insert().returning(row.table.c.id)
            row.id = self.connection.execute(insert, values).scalar_one()
            row.saved()
            self._known[(row.table.name, row.id)] = row
        self._new.clear()
        changed = list(self._changed)  # the set itself stays: every row holds it
        self._changed.clear()
        for assigned in changed:
            changes = assigned.changes()
            if changes:  # the changed columns are the parameters' names: the SET list
                table = assigned.table
                update = table.update().where(table.c.id == sa.bindparam("row_pk"))
                self.connection.execute(update, {**changes, "row_pk": assigned.id})
                assigned.saved()
        if self._links:
            links = [{"shipment_pk": s.id, "order_pk": o.id} for s, o in self._links]
            self.connection.execute(schema.shipmentorder.insert(), links)
            self._links.clear()

    def _read(self, kind: type[_R], query: sa.Select[Any]) -> list[_R]:
        self.save()
        return [self._one(kind, row) for row in self.connection.execute(query).mappings()]

    def _one(self, kind: type[_R], mapping: RowMapping) -> _R:
        key = (kind.table.name, int(mapping["id"]))
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = kind(**{name: mapping[name] for name in kind.columns})
            known._changed = self._changed
        assert isinstance(known, kind)
        return known
