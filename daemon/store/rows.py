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
from sqlalchemy.sql.util import find_tables

from daemon.store import schema
from daemon.store.keys import Keys
from daemon.store.writes import (
    Guard,
    NeedsTransactionError,
    Write,
    guarded,
    write_combined,
    write_each,
)


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
    per row, and the writes still to be made: new rows, changed columns, and
    rows nothing reads back (links, timeline lines).

    Writes wait until a query reads a table they touch, a caller needs them
    made, or `save`. On PostgreSQL they then go out as one statement (the
    others in WITH clauses), and with `keys` a new row has its key at once, so
    an email's writes are one round trip instead of one per row; elsewhere
    each is a statement of its own, as cheap in-process.

    `single` (PostgreSQL, with `keys`, a connection in autocommit): every
    write waits for `finish`, and goes out as the one statement that needs no
    transaction around it. A query that would have to see a write still
    waiting raises NeedsTransactionError before anything is written: the
    caller starts again in a transaction."""

    def __init__(
        self, connection: Connection, keys: Keys | None = None, *, single: bool = False
    ) -> None:
        self.connection = connection
        self._keys = keys
        self._single = single
        self._combine = connection.dialect.name == "postgresql"
        self._known: dict[tuple[str, int], TrackedRow] = {}
        self._new: list[TrackedRow] = []
        self._changed: set[_Row] = set()  # the known rows a column was assigned in
        self._links: list[tuple[ShipmentRow, OrderRow]] = []
        self._inserts: list[tuple[sa.Table, dict[str, Any]]] = []
        self._guard: Guard | None = None

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
        """One value of another table (a link, a notification), after writing
        what the query would see."""
        self._save_for(query)
        return self.connection.execute(query).scalar()

    def add(self, row: TrackedRow) -> None:
        """A row made by `new_order` or `new_shipment`, to be inserted."""
        if self._keys is not None:
            row.id = self._keys.take(self.connection, row.table)
        row._changed = self._changed
        self._new.append(row)

    def key(self, row: TrackedRow) -> int:
        """The row's key; without keys taken ahead, a new row is inserted for it."""
        if row.id is None:
            self._write()
        assert row.id is not None
        return row.id

    def new_key(self, table: sa.Table) -> int | None:
        """A key for a row of `table` written by the caller, if keys are taken
        ahead here (PostgreSQL); None: the database gives it when inserted."""
        return None if self._keys is None else self._keys.take(self.connection, table)

    def link(self, shipment: ShipmentRow, order: OrderRow) -> None:
        self._links.append((shipment, order))

    def insert(self, table: sa.Table, values: dict[str, Any]) -> None:
        """A row nothing in this transaction reads back (a timeline line), written
        with the others."""
        self._inserts.append((table, values))

    def guard(self, insert: sa.Insert, values: dict[str, Any]) -> int | None:
        """An INSERT ... RETURNING a key, which returns no row when what it
        inserts is there already (the message row: daemon.store.messages),
        written first: if it returns nothing, AlreadyRecordedError is raised
        and the transaction is to be rolled back. Combined, it waits for the
        other writes, and None is returned (the caller gave the row a key:
        `new_key`); else it is made at once, and the key it returned is returned."""
        if self._combine:
            self._guard = Guard(insert, values)
            return None
        self._write()
        return guarded(self.connection, Guard(insert, values))

    def save(self) -> None:
        """Make every write waiting: insert the new rows and the rest, update
        the columns that changed. With `single`, they wait for `finish`."""
        if not self._single:
            self._write()

    def finish(self) -> None:
        """The end of the writes: `save`, and with `single` the one statement."""
        self._write()

    def _write(self) -> None:
        writes = self._inserts_of_new_rows() + self._updates() + self._plain_inserts()
        guard, self._guard = self._guard, None
        if self._combine:
            if writes or guard is not None:
                write_combined(self.connection, writes, guard)
        else:
            write_each(self.connection, writes)

    def _inserts_of_new_rows(self) -> list[Write]:
        writes: list[Write] = []
        for row in self._new:
            values = row.changes()
            if row.id is None:  # its key comes from the database: one INSERT each
                del values["id"]
                insert = row.table.insert().returning(row.table.c.id)
                row.id = self.connection.execute(insert, values).scalar_one()
            else:
                writes.append(Write(row.table, values))
            row.saved()
            self._known[(row.table.name, row.id)] = row
        self._new.clear()
        return writes

    def _updates(self) -> list[Write]:
        writes: list[Write] = []
        changed = list(self._changed)  # the set itself stays: every row holds it
        self._changed.clear()
        for assigned in changed:
            changes = assigned.changes()
            if changes:
                writes.append(Write(assigned.table, changes, assigned.id))
                assigned.saved()
        return writes

    def _plain_inserts(self) -> list[Write]:
        """The links and the rows of `insert`."""
        links = [Write(schema.shipmentorder, {"shipment_pk": s.id, "order_pk": o.id})
                 for s, o in self._links]  # fmt: skip
        writes = [Write(table, values) for table, values in self._inserts] + links
        self._inserts, self._links = [], []
        return writes

    def _save_for(self, query: sa.Select[Any]) -> None:
        """`save` if `query` reads a table a waiting write touches (as the
        ORM's autoflush did), so no query misses what this transaction did."""
        waiting = {row.table.name for row in (*self._new, *self._changed)}
        waiting.update(table.name for table, _ in self._inserts)
        if self._links:
            waiting.add(schema.shipmentorder.name)
        if waiting & {table.name for table in find_tables(query, check_columns=True)}:
            if self._single:
                raise NeedsTransactionError
            self._write()

    def _read(self, kind: type[_R], query: sa.Select[Any]) -> list[_R]:
        self._save_for(query)
        return [self._one(kind, row) for row in self.connection.execute(query).mappings()]

    def _one(self, kind: type[_R], mapping: RowMapping) -> _R:
        key = (kind.table.name, int(mapping["id"]))
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = kind(**{name: mapping[name] for name in kind.columns})
            known._changed = self._changed
        assert isinstance(known, kind)
        return known
