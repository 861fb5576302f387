"""Recording an email's writes (daemon.store.rows, writes, keys): on
PostgreSQL, the writes of an email about a new order and parcel are one
statement, after the two look-ups that decide what is new; everywhere, what
was recorded is what the email said."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from daemon.store import schema
from daemon.store.database import Store
from daemon.store.keys import Keys
from daemon.store.messages import Recorded
from daemon.store.views import MessageRecord, Snapshot
from parsers.model import Milestone, ParseResult, ShipmentEvent
from tests.conftest import on_postgres

pytestmark = pytest.mark.storage

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


class History:
    """An announcer for whom every milestone is history: nothing is queued."""

    has_targets = False

    def notifies(self, milestone: Milestone) -> bool:
        return True

    def is_news(self, evidence: datetime | None, now: datetime) -> bool:
        return False

    def targets_for(self, milestone: Milestone, account: str | None) -> tuple[str, ...]:
        return ()

    def no_match_reason(self, milestone: Milestone, account: str | None) -> str:
        return ""

    def headline(self, snapshot: Snapshot, now: datetime) -> tuple[str, str]:
        return ("", "")


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_url)
    yield store
    store.close()


def shipped(store: Store, n: int) -> Recorded:
    """Record an email saying order n shipped as a new parcel."""
    event = ShipmentEvent(
        Milestone.SHIPPED, occurred_at=NOW, order_ids=(f"113-0000000-{n:07d}",),
        marketplace="amazon.com", carrier="UPS", tracking_number=f"1Z999AA1{n:010d}",
    )  # fmt: skip
    message = MessageRecord("test", f"{n}.eml", f"{n:064x}", message_id=f"<{n}@amazon.com>")
    return store.record_message(message, ParseResult("amazon", (event,)), History(), NOW)


def test_an_email_about_a_new_parcel_records_its_order_parcel_and_line(store: Store) -> None:
    shipped(store, 1)
    statements: list[tuple[str, bool]] = []

    def saw(connection: sa.Connection, cursor: object, statement: str, *args: object) -> None:
        # autocommit: the driver sends no BEGIN, no COMMIT around the statement
        autocommit = bool(getattr(connection.connection.dbapi_connection, "autocommit", False))
        statements.append((statement.split(maxsplit=1)[0], autocommit))

    sa.event.listen(store.engine, "before_cursor_execute", saw)
    recorded = shipped(store, 2)
    assert (recorded.duplicate, recorded.events) == (False, 1)
    if on_postgres():  # the order looked up, the parcel looked up, everything written
        assert statements == [("SELECT", True), ("SELECT", True), ("WITH", True)]
    order = store.find_order("113-0000000-0000002")
    assert order is not None
    assert [s.tracking_number for s in order.shipments] == ["1Z999AA10000000002"]
    assert [line.milestone for line in order.shipments[0].timeline] == [Milestone.SHIPPED]


def test_an_email_recorded_before_under_another_copy_adds_nothing(store: Store) -> None:
    """The same Message-ID in other bytes: the message row's guard returns
    nothing, and none of the writes combined with it stands."""
    shipped(store, 3)
    event = ShipmentEvent(Milestone.DELIVERED, occurred_at=NOW, order_ids=("113-0000000-0000003",),
                          tracking_number="1Z999AA10000000003")  # fmt: skip
    copy = MessageRecord("test", "copy.eml", "e" * 64, message_id="<3@amazon.com>")
    again = store.record_message(copy, ParseResult("amazon", (event,)), History(), NOW)
    assert again.duplicate
    order = store.find_order("113-0000000-0000003")
    assert order is not None
    assert [line.milestone for line in order.shipments[0].timeline] == [Milestone.SHIPPED]


def test_an_email_about_two_orders_is_recorded_in_a_transaction(store: Store) -> None:
    """Its second order's look-up must see the first's new row: on PostgreSQL
    the one-statement attempt stops before writing anything, and a transaction
    records it, whole."""
    events = tuple(
        ShipmentEvent(Milestone.ORDERED, occurred_at=NOW, order_ids=(f"113-0000000-000001{n}",))
        for n in (1, 2)
    )
    message = MessageRecord("test", "two.eml", "d" * 64, message_id="<two@amazon.com>")
    recorded = store.record_message(message, ParseResult("amazon", events), History(), NOW)
    assert (recorded.duplicate, recorded.events) == (False, 2)
    for order_id in ("113-0000000-0000011", "113-0000000-0000012"):
        order = store.find_order(order_id)
        assert order is not None
        assert [line.milestone for line in order.timeline] == [Milestone.ORDERED]
    with store.reading() as connection:
        count = sa.select(sa.func.count()).select_from(schema.processedmessage)
        assert connection.execute(count).scalar() == 1


def test_keys_are_taken_from_the_sequence_a_block_at_a_time(store: Store) -> None:
    if not on_postgres():
        pytest.skip("keys are taken ahead on PostgreSQL only")
    keys = Keys(block=3)
    taken: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: taken.append(a[2]))
    with store.writing() as connection:
        orders = [keys.take(connection, schema.orders) for _ in range(7)]
        shipment = keys.take(connection, schema.shipment)
    assert orders == sorted(set(orders)) and len(orders) == 7
    assert shipment >= 1
    assert sum("nextval" in statement for statement in taken) == 4  # 3 blocks, then 1
