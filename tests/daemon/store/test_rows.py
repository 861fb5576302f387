"""Recording's rows (daemon.store.rows): every column has its field, a new row
is one INSERT with all it was given, a changed row one UPDATE of what changed,
an unchanged row nothing, and a query sees what the same transaction changed."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from daemon.store import schema
from daemon.store.database import Store
from daemon.store.rows import OrderRow, Rows, ShipmentRow, new_order, new_shipment

pytestmark = pytest.mark.storage

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


class Statements:
    """The SQL an engine runs, first word upper-cased (INSERT, UPDATE, SELECT)."""

    def __init__(self, store: Store) -> None:
        self.seen: list[str] = []
        sa.event.listen(store.engine, "before_cursor_execute", self._saw)

    def _saw(self, connection: object, cursor: object, statement: str, *args: object) -> None:
        self.seen.append(statement.split(None, 1)[0].upper())

    def take(self) -> list[str]:
        seen, self.seen = self.seen, []
        return seen


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_url)
    yield store
    store.close()


@pytest.mark.parametrize("kind", [OrderRow, ShipmentRow])
def test_every_column_has_a_field_and_every_field_a_column(kind: type[OrderRow]) -> None:
    fields = {f.name for f in dataclasses.fields(kind) if f.init}
    assert fields == set(kind.table.c.keys())


def test_a_new_parcel_is_one_insert_with_what_it_was_given(store: Store) -> None:
    statements = Statements(store)
    with store.writing() as connection:
        rows = Rows(connection)
        shipment = new_shipment("amazon.de", "home", NOW)
        rows.add(shipment)
        shipment.tracking_number = "1Z999AA10123456784"
        shipment.items = [{"title": "Kettle", "quantity": 1}]
        rows.save()
        assert shipment.id is not None
        rows.save()  # nothing changed since
    assert [s for s in statements.take() if s not in ("BEGIN", "COMMIT")] == ["INSERT"]
    with store.reading() as connection:
        ship = schema.shipment
        row = connection.execute(sa.select(ship).where(ship.c.id == shipment.id)).mappings().one()
    assert (row["tracking_number"], row["marketplace"], row["account"]) == (
        "1Z999AA10123456784", "amazon.de", "home",
    )  # fmt: skip
    assert row["items"] == [{"title": "Kettle", "quantity": 1}]


def test_a_changed_row_is_one_update_of_the_changed_columns_only(store: Store) -> None:
    with store.writing() as connection:
        rows = Rows(connection)
        order = new_order("113-0000000-0000001", "amazon.com", None, NOW)
        rows.add(order)
        rows.save()
    statements = Statements(store)
    sql: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: sql.append(str(a[2])))
    with store.writing() as connection:
        rows = Rows(connection)
        orders = schema.orders
        (found,) = rows.orders(sa.select(orders).where(orders.c.order_id == order.order_id))
        rows.save()  # read, not changed: nothing written
        found.shipped = True
        found.occurrences = {**found.occurrences, "shipped": 1}
        rows.save()
    assert [s for s in statements.take() if s not in ("BEGIN", "COMMIT")] == ["SELECT", "UPDATE"]
    update = next(s for s in sql if s.upper().startswith("UPDATE"))
    assert "shipped" in update and "occurrences" in update
    assert "order_id" not in update and "marketplace" not in update
    with store.reading() as connection:
        row = connection.execute(sa.select(schema.orders)).mappings().one()
    assert (row["shipped"], row["occurrences"]) == (True, {"shipped": 1})


def test_a_query_sees_what_the_transaction_changed_as_the_same_object(store: Store) -> None:
    with store.writing() as connection:
        rows = Rows(connection)
        shipment = new_shipment(None, None, NOW)
        rows.add(shipment)
        order = new_order("113-0000000-0000002", None, None, NOW)
        rows.add(order)
        rows.link(shipment, order)
        shipment.amazon_shipment_id = "DmXyz"
        ship, link = schema.shipment, schema.shipmentorder
        by_id = rows.shipments(sa.select(ship).where(ship.c.amazon_shipment_id == "DmXyz"))
        linked = rows.shipments(
            sa.select(ship)
            .join(link, link.c.shipment_pk == ship.c.id)
            .where(link.c.order_pk == order.id)
        )
    assert by_id == [shipment] and by_id[0] is shipment
    assert linked == [shipment]


def test_nothing_is_written_when_the_transaction_fails(store: Store) -> None:
    with pytest.raises(RuntimeError), store.writing() as connection:
        rows = Rows(connection)
        rows.add(new_order("113-0000000-0000003", None, None, NOW))
        rows.save()
        raise RuntimeError("the email's recording failed half-way")
    with store.reading() as connection:
        assert (
            connection.execute(sa.select(sa.func.count()).select_from(schema.orders)).scalar() == 0
        )


def test_a_save_looks_only_at_the_rows_assigned_since_the_last(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stale pass reads every parcel on its way and saves once per stale
    one: each save must cost what changed, not everything read."""
    with store.writing() as connection:
        rows = Rows(connection)
        for _ in range(20):
            rows.add(new_shipment(None, None, NOW))
            rows.save()
    looked_at: list[int | None] = []
    compare = ShipmentRow.changes

    def counted(row: ShipmentRow) -> dict[str, object]:
        looked_at.append(row.id)
        return compare(row)

    monkeypatch.setattr(ShipmentRow, "changes", counted)
    with store.writing() as connection:
        rows = Rows(connection)
        ship = schema.shipment
        every = rows.shipments(sa.select(ship).order_by(ship.c.id))
        assert len(every) == 20
        for row in every[:3]:
            row.label = f"parcel {row.id}"
            rows.save()
    assert looked_at == [every[0].id, every[1].id, every[2].id]
    with store.reading() as connection:
        labels = connection.execute(sa.select(ship.c.label).where(ship.c.label.is_not(None)))
        assert len(labels.all()) == 3
