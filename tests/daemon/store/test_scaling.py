"""Everyday queries cost what is active, not what ever was: the statements of
`list` (the shipments on their way and the orders not shipped) and of the
carrier-check due query are the same with ten finished shipments as with a
thousand, and the due query leaves out every finished parcel."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from daemon.carriers.ledger import Checks
from daemon.notify.routing import Announcements
from daemon.store import housekeeping, schema
from daemon.store.database import Store
from parsers.model import Milestone
from tests.support.history import (
    ACTIVE_SHARE,
    NOW,
    StatementCounter,
    fill,
    is_active,
    order_id,
)

pytestmark = pytest.mark.storage


def listing(store: Store) -> None:
    store.shipments()
    store.unshipped_orders()


def test_list_and_due_statements_do_not_grow_with_finished_shipments(database_url: str) -> None:
    store = Store(database_url)
    try:
        counter = StatementCounter(store)
        checks = Checks(store, Announcements(frozenset(Milestone)))
        fill(store, 2 * ACTIVE_SHARE)  # two on their way, 198 delivered
        few = (counter.of(lambda: listing(store)), counter.of(lambda: checks.due(NOW)))
        assert len(store.shipments()) == 2
        fill(store, 10 * ACTIVE_SHARE, first=2 * ACTIVE_SHARE + 1, active_share=10**9)
        many = (counter.of(lambda: listing(store)), counter.of(lambda: checks.due(NOW)))
        assert len(store.shipments()) == 2  # a thousand more, all finished
        assert many == few
        assert few[0] <= 8 and few[1] == 1
    finally:
        store.close()


def test_due_checks_are_the_travelling_parcels_whose_time_came(database_url: str) -> None:
    store = Store(database_url)
    try:
        fill(store, 10 * ACTIVE_SHARE)
        due = Checks(store, Announcements(frozenset(Milestone))).due(NOW)
        # fill() makes every second active parcel due five minutes ago, the rest in two hours
        expected = [n for n in range(1, 10 * ACTIVE_SHARE + 1)
                    if is_active(n) and n % (2 * ACTIVE_SHARE) == 0]  # fmt: skip
        assert [d.shipment_pk for d in due] == expected
    finally:
        store.close()


def test_housekeeping_archives_in_one_statement_and_then_finds_nothing(
    database_url: str,
) -> None:
    store = Store(database_url)
    try:
        fill(store, 3 * ACTIVE_SHARE)
        counter = StatementCounter(store)
        before = counter.count
        archived = housekeeping.archive_finished(store, NOW, 30)
        assert archived == 3 * ACTIVE_SHARE - 3  # every delivered parcel is over 30 days old
        assert counter.count - before <= 3  # the UPDATE, then the schedules' DELETE
        assert housekeeping.archive_finished(store, NOW, 30) == 0
        assert len(store.shipments(include_finished=True)) == 3
        assert len(store.shipments(include_finished=True, include_archived=True)) == 300
    finally:
        store.close()


def test_sqlite_finds_the_travelling_parcels_through_the_partial_index(tmp_path: Path) -> None:
    """SQLite uses a partial index only when the query repeats its condition:
    the plans of `list`'s and the due check's first query name it."""
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        fill(store, ACTIVE_SHARE)
        seen: list[tuple[str, Any]] = []
        sa.event.listen(store.engine, "before_cursor_execute",
                        lambda _c, _k, sql, params, *_: seen.append((sql, params)))  # fmt: skip
        store.shipments()
        Checks(store, Announcements(frozenset(Milestone))).due(NOW)
        shipments_query = next(s for s in seen if "FROM shipment" in s[0])
        due_query = next(s for s in seen if "LEFT OUTER JOIN carriercheck" in s[0])
        with store.engine.connect() as connection:
            for sql, params in (shipments_query, due_query):
                plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
                assert any("ix_shipment_travelling" in str(step) for step in plan), plan
    finally:
        store.close()


def test_a_look_up_by_number_probes_the_indexes_of_shipments_that_have_one(
    database_url: str,
) -> None:
    """The indexes by tracking number and by Amazon shipment id leave out the
    shipments without one (archiving writes no entry there): a look-up for a
    value still goes through both, on either database."""
    store = Store(database_url)
    try:
        fill(store, 20 * ACTIVE_SHARE)
        postgres = store.engine.dialect.name == "postgresql"
        with store.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        seen: list[tuple[str, Any]] = []
        sa.event.listen(store.engine, "before_cursor_execute",
                        lambda _c, _k, sql, params, *_: seen.append((sql, params)))  # fmt: skip
        [found] = store.find_shipments(f"1zbench {ACTIVE_SHARE:011d}")
        assert found.pk == ACTIVE_SHARE
        sql, params = seen[0]
        with store.engine.connect() as connection:
            explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            plan = str(connection.exec_driver_sql(explain + sql, params).all())
        assert "ix_shipment_tracking_number" in plan and "ix_shipment_amazon_shipment_id" in plan
    finally:
        store.close()


def test_the_pickup_reminder_reads_only_the_parcels_whose_pickup_ends_that_day(
    database_url: str,
) -> None:
    """The outbox pass (every minute with carriers) asks for the day's pickup
    reminders: only the parcels whose deadline is that day are read, not the
    views of every parcel on its way."""
    store = Store(database_url)
    try:
        fill(store, 10 * ACTIVE_SHARE)  # ten on their way, none with a pickup deadline
        [first, *_] = store.shipments()
        day = NOW.date()
        ship = schema.shipment
        with store.writing() as connection:
            connection.execute(
                ship.update().where(ship.c.id == first.pk).values(pickup_deadline=day)
            )
        assert [view.pk for view in store.pickups_ending(day)] == [first.pk]
        assert store.pickups_ending(day + timedelta(days=1)) == []
        assert len(store.shipments()) == 10
    finally:
        store.close()


def test_show_reads_an_order_and_its_parcels_timelines_in_one_query(database_url: str) -> None:
    """`show` of an order: the order, its parcels (with the links), their orders'
    ids (links, then names), their carrier schedules, and the order's and the
    parcels' timelines together: six statements, each a round trip on
    PostgreSQL, and both timelines complete."""
    store = Store(database_url)
    try:
        fill(store, 2 * ACTIVE_SHARE)
        counter = StatementCounter(store)
        found: list[Any] = []
        statements = counter.of(lambda: found.append(store.find_order(order_id(1))))
        [order] = found
        assert order is not None and statements == 6
        # fill() writes the order's "ordered" line, and its parcel's two (order 1's
        # parcel is not one of the active ones, so delivered)
        assert [line.milestone for line in order.timeline] == [Milestone.ORDERED]
        [parcel] = order.shipments
        assert [line.milestone for line in parcel.timeline] == [
            Milestone.SHIPPED, Milestone.DELIVERED,
        ]  # fmt: skip
    finally:
        store.close()
