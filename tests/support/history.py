"""A long-running install's database, made fast: `size` shipments, one in
`active_share` still on its way, the rest delivered between a month and five
years ago, written straight into the tables (the rows an import would leave:
an order, a shipment, their link, three timeline lines, a carrier check for
each active parcel). For the scaling tests and bench/store_growth.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from daemon.store import schema
from daemon.store.database import Store

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
ACTIVE_SHARE = 100  # one shipment in a hundred is still on its way

Row = dict[str, Any]


def order_id(n: int) -> str:
    return f"113-{n // 10_000_000:07d}-{n % 10_000_000:07d}"


def is_active(n: int, active_share: int = ACTIVE_SHARE) -> bool:
    return n % active_share == 0


def fill(
    store: Store, size: int, *, first: int = 1, active_share: int = ACTIVE_SHARE,
    now: datetime = NOW, due: bool = True,
) -> None:  # fmt: skip
    """Shipments numbered `first` .. `first + size - 1` (their keys too), as
    they stand at `now`; with `due`, every second active parcel's carrier
    check is due (five minutes ago), else every check is hours away."""
    rows: dict[sa.Table, list[Row]] = {
        t: [] for t in (schema.orders, schema.shipment, schema.shipmentorder,
                        schema.timelineevent, schema.carriercheck)
    }  # fmt: skip
    for n in range(first, first + size):
        active = is_active(n, active_share)
        placed = now - (timedelta(days=2) if active else timedelta(days=31 + n % 1800))
        rows[schema.orders].append(_order(n, placed))
        rows[schema.shipment].append(_shipment(n, placed, active, now))
        rows[schema.shipmentorder].append({"shipment_pk": n, "order_pk": n})
        rows[schema.timelineevent] += _timeline(n, placed, active)
        if active:
            soon = due and n % (2 * active_share) == 0
            next_at = now - timedelta(minutes=5) if soon else now + timedelta(hours=2)
            rows[schema.carriercheck].append(
                {
                    "shipment_pk": n,
                    "next_check_at": next_at,
                    "backend": "17track",
                    "done": False,
                    "stale_notified": False,
                }
            )
    with store.writing() as connection:
        for table, batch in rows.items():
            if batch:
                connection.execute(table.insert(), batch)


def _order(n: int, placed: datetime) -> Row:
    return {"id": n, "order_id": order_id(n), "marketplace": "amazon.com",
            "progress": "ordered", "occurrences": {"ordered": 1}, "items": [],
            "created_at": placed, "updated_at": placed, "shipped": True}  # fmt: skip


def _shipment(n: int, placed: datetime, active: bool, now: datetime) -> Row:
    eta: date | None = (now + timedelta(days=1)).date() if active else None
    occurrences = {"ordered": 1, "shipped": 1} | ({} if active else {"delivered": 1})
    return {"id": n, "carrier": "ups", "tracking_number": f"1ZBENCH{n:011d}",
            "marketplace": "amazon.com", "progress": "shipped" if active else "delivered",
            "occurrences": occurrences, "eta_start": eta, "eta_end": eta,
            "items": [{"title": f"Item {n}", "quantity": 1}], "created_at": placed,
            "updated_at": placed + timedelta(days=1),
            "last_event_at": placed + timedelta(days=1), "finished": not active,
            "delivered_at": None if active else placed + timedelta(days=2)}  # fmt: skip


def _timeline(n: int, placed: datetime, active: bool) -> list[Row]:
    last = "shipped" if active else "delivered"
    return [{"shipment_pk": n if offset else None, "order_pk": None if offset else n,
             "milestone": milestone, "source": "email",
             "occurred_at": placed + timedelta(hours=offset),
             "recorded_at": placed + timedelta(hours=offset)}
            for offset, milestone in enumerate(("ordered", "shipped", last))]  # fmt: skip


class StatementCounter:
    """Counts the SQL statements an engine executes."""

    def __init__(self, store: Store) -> None:
        self.count = 0
        sa.event.listen(store.engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: object) -> None:
        self.count += 1

    def of(self, work: Any) -> int:
        """The statements one call of `work` executes."""
        before = self.count
        work()
        return self.count - before
