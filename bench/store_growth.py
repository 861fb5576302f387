"""What everyday queries cost as the history grows: 1k, 10k, 100k shipments,
1% of them active, the rest delivered between a month and five years ago.

Run: .venv/bin/python -m bench.store_growth [--sizes 1000,10000,100000] [--rounds 5]

For each size a fresh SQLite file is filled directly (the rows an import would
leave: an order, a shipment, its link, three timeline lines, a carrier check
for each active parcel), then each query is timed in-process (median of
`rounds`) and its SQL statements counted:

- list:   Store.shipments() + unshipped_orders(), what `parcelwatch list` reads
- show:   Store.find_order() of an active order, what `parcelwatch show` reads
- due:    Checks.due(), the carrier-check query the daemon runs every minute
- status: the counts and next checks of `parcelwatch status`
- housekeeping: archiving every finished shipment older than 30 days (once, on
  a copy: it changes the data), then the same call again with nothing to do
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from daemon.carriers.ledger import Checks
from daemon.notify.outbox import Outbox
from daemon.notify.routing import Announcements
from daemon.service import status
from daemon.store import housekeeping
from daemon.store.database import Store
from daemon.store.tables import CarrierCheck, Order, Shipment, ShipmentOrder, TimelineEvent
from parsers.model import Milestone

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
ACTIVE_SHARE = 100  # one shipment in a hundred is still on its way


def order_id(n: int) -> str:
    return f"113-{n // 10_000_000:07d}-{n % 10_000_000:07d}"


Row = dict[str, Any]


def fill(url: str, size: int) -> None:
    """`size` shipments as a long-running install would hold them."""
    store = Store(url)
    rows: dict[Any, list[Row]] = {t: [] for t in (Order, Shipment, ShipmentOrder, TimelineEvent)}
    rows[CarrierCheck] = []
    for n in range(1, size + 1):
        active = n % ACTIVE_SHARE == 0
        placed = NOW - (timedelta(days=2) if active else timedelta(days=31 + n % 1800))
        rows[Order].append(_order(n, placed))
        rows[Shipment].append(_shipment(n, placed, active))
        rows[ShipmentOrder].append({"shipment_pk": n, "order_pk": n})
        rows[TimelineEvent] += _timeline(n, placed, active)
        if active:
            due = n % (2 * ACTIVE_SHARE) == 0
            next_at = NOW - timedelta(minutes=5) if due else NOW + timedelta(hours=2)
            rows[CarrierCheck].append(
                {"shipment_pk": n, "next_check_at": next_at, "backend": "17track"}
            )
    with store.engine.begin() as connection:
        for table, batch in rows.items():
            connection.execute(sa.insert(table.__table__), batch)
    store.close()


def _order(n: int, placed: datetime) -> Row:
    return {"id": n, "order_id": order_id(n), "marketplace": "amazon.com",
            "progress": "ordered", "occurrences": {"ordered": 1}, "items": [],
            "created_at": placed, "updated_at": placed}  # fmt: skip


def _shipment(n: int, placed: datetime, active: bool) -> Row:
    eta: date | None = (NOW + timedelta(days=1)).date() if active else None
    occurrences = {"ordered": 1, "shipped": 1} | ({} if active else {"delivered": 1})
    return {"id": n, "carrier": "ups", "tracking_number": f"1ZBENCH{n:011d}",
            "marketplace": "amazon.com", "progress": "shipped" if active else "delivered",
            "occurrences": occurrences, "eta_start": eta, "eta_end": eta,
            "items": [{"title": f"Item {n}", "quantity": 1}], "created_at": placed,
            "updated_at": placed + timedelta(days=1),
            "last_event_at": placed + timedelta(days=1),
            "delivered_at": None if active else placed + timedelta(days=2)}  # fmt: skip


def _timeline(n: int, placed: datetime, active: bool) -> list[Row]:
    last = "shipped" if active else "delivered"
    return [{"shipment_pk": n if offset else None, "order_pk": None if offset else n,
             "milestone": milestone, "source": "email",
             "occurred_at": placed + timedelta(hours=offset),
             "recorded_at": placed + timedelta(hours=offset)}
            for offset, milestone in enumerate(("ordered", "shipped", last))]  # fmt: skip


class Counter:
    """Counts the SQL statements an engine executes."""

    def __init__(self, store: Store) -> None:
        self.count = 0
        sa.event.listen(store.engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: Any) -> None:
        self.count += 1


def timed(work: Callable[[], object], rounds: int, counter: Counter) -> tuple[float, int]:
    """Median seconds over `rounds`, and the statements of one call."""
    times = []
    statements = 0
    for _ in range(rounds):
        before = counter.count
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
        statements = counter.count - before
    return statistics.median(times), statements


def measure(size: int, rounds: int, workdir: Path) -> dict[str, tuple[float, int]]:
    path = workdir / f"growth-{size}.db"
    url = f"sqlite:///{path}"
    fill(url, size)
    store = Store(url)
    counter = Counter(store)
    routing = Announcements(frozenset(Milestone))
    checks = Checks(store, routing)
    outbox = Outbox(store)
    active = order_id(ACTIVE_SHARE)
    results = {
        "list": timed(lambda: (store.shipments(), store.unshipped_orders()), rounds, counter),
        "show": timed(lambda: store.find_order(active), rounds, counter),
        "due": timed(lambda: checks.due(NOW), rounds, counter),
        "status": timed(lambda: status.gather(store, outbox), rounds, counter),
    }
    store.close()
    copy = workdir / f"growth-{size}-housekeeping.db"
    shutil.copy(path, copy)
    keeper = Store(f"sqlite:///{copy}")
    keeper_counter = Counter(keeper)
    results["housekeeping"] = timed(lambda: housekeeping.run(keeper, NOW, 30), 1, keeper_counter)
    results["housekeeping again"] = timed(
        lambda: housekeeping.run(keeper, NOW, 30), rounds, keeper_counter
    )
    keeper.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="parcelwatch-growth-"))
    try:
        table: dict[int, dict[str, tuple[float, int]]] = {}
        for size in sizes:
            table[size] = measure(size, args.rounds, workdir)
            print(f"{size:>7,} shipments measured", flush=True)
        names = list(next(iter(table.values())))
        print("| query | " + " | ".join(f"{s:,} shipments" for s in sizes) + " |")
        print("|---|" + "---|" * len(sizes))
        for name in names:
            cells = [f"{table[s][name][0] * 1000:.1f} ms, {table[s][name][1]} SQL" for s in sizes]
            print(f"| {name} | " + " | ".join(cells) + " |")
    finally:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
