"""What everyday queries cost as the history grows: 1k, 10k, 100k shipments,
1% of them active, the rest delivered between a month and five years ago.

Run: .venv/bin/python -m bench.store_growth [--sizes 1000,10000,100000] [--rounds 5]
     [--postgres] [--housekeeping-only]

For each size a fresh database is filled directly (tests/support/history.py:
the rows an import would leave: an order, a shipment, its link, three timeline
lines, a carrier check for each active parcel), then each query is timed
in-process (median of `rounds`) and its SQL statements counted:

- list:   Store.shipments(details=False) + unshipped_orders(), what `parcelwatch
  list` reads (the table shows no timelines); list --json reads them too
- show:   Store.find_order() of an active order, what `parcelwatch show` reads
- show number: Store.find_shipments() of an active tracking number
- due:    Checks.due(), the carrier-check query the daemon runs every minute
- status: the counts and next checks of `parcelwatch status`
- list, show and status again through sqlite3, or psycopg with --postgres:
  what the commands themselves run on an up-to-date database
  (daemon.store.lite), without SQLAlchemy
- status line: systemd's STATUS line (every watchdog ping under systemd)
- digest: the shipments the daily digest is composed from (with timelines:
  "arriving today" reads when a parcel went out for delivery)
- dashboard: the web page's travelling and recently delivered parcels
- change stamp: what an open web page asks to know whether to reload
- metrics: the counts /metrics reports
- search: the web page's search for an order id (reads every shipment's
  few columns: the one query here that grows with the history)
- housekeeping: archiving every finished shipment older than 30 days (once, on
  a copy: it changes the data), then the same call again with nothing to do

Memory: each query is run once more under tracemalloc, and its peak of Python
allocations reported (what the query itself holds at once: rows, views). And
the whole `parcelwatch list` command is run as a process against the same
database (median wall time of `rounds`, and its peak resident memory, from
the kernel's rusage of that child), the figure a user sees.

With --postgres the database is a fresh one on a PostgreSQL started for the
run (tests/support/postgres.py), instead of a SQLite file. With
--housekeeping-only just the two housekeeping rows are measured (the first run
is one sample per database: repeat the command for a median).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Protocol

from daemon.carriers.ledger import Checks
from daemon.notify.routing import Announcements
from daemon.service import snapshot, status
from daemon.service.status import StoreViews
from daemon.store import housekeeping
from daemon.store.database import Store
from daemon.store.lite.dialect import POSTGRES
from daemon.store.lite.store import Connection, LiteViews, open_views
from parsers.model import Milestone
from tests.support import postgres
from tests.support.history import ACTIVE_SHARE, NOW, StatementCounter, fill, order_id

# Median seconds, SQL statements of one call, peak bytes (traced, or the process's RSS).
Result = tuple[float, int, int]
Databases = Callable[[str], str]  # a name -> the URL of a new, empty database


class Counter(Protocol):
    count: int


class CountingConnection:
    """A driver's connection that counts the statements run through it (every
    query of daemon.store.lite is one execute)."""

    def __init__(self, inner: Connection) -> None:
        self.inner = inner
        self.count = 0

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Any:
        self.count += 1
        return self.inner.execute(sql, params)

    def close(self) -> None:
        self.inner.close()


def timed(work: Callable[[], object], rounds: int, counter: Counter) -> Result:
    """Median seconds over `rounds`, the statements of one call, and the peak
    of Python allocations of one more call (not timed: tracing slows it)."""
    times = []
    statements = 0
    for _ in range(rounds):
        before = counter.count
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
        statements = counter.count - before
    tracemalloc.start()
    try:
        work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return statistics.median(times), statements, peak


# Runs argv and prints its wall seconds, CPU seconds and peak RSS (KiB). A
# process forked from this benchmark (hundreds of MB of rows at 100k) would
# report the benchmark's own peak as its ru_maxrss (Linux carries the peak
# across fork and exec); one forked from this small interpreter reports its own.
_MEASURE = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
child.returncode = os.waitstatus_to_exitcode(status)
print(time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
sys.exit(child.returncode)
"""


def list_command(url: str, rounds: int) -> Result:
    """`parcelwatch list` as a user runs it, against `url`: median wall time
    and the largest peak RSS over `rounds` runs (statements are not counted)."""
    with tempfile.TemporaryDirectory() as home:
        config = Path(home) / "config.toml"
        config.write_text(f'[general]\nstate_dir = "{home}"\ndatabase_url = "{url}"\n')
        env = {**os.environ, "HOME": home}
        argv = [sys.executable, "-c", _MEASURE,
                sys.executable, "-m", "daemon.cli", "--config", str(config), "list"]  # fmt: skip
        times, peaks = [], []
        for _ in range(rounds):
            done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
            wall, _cpu, peak_kib = done.stdout.split()
            times.append(float(wall))
            peaks.append(int(peak_kib) * 1024)
    return statistics.median(times), 0, max(peaks)


def queries(store: Store) -> dict[str, Callable[[], object]]:
    routing = Announcements(frozenset(Milestone))
    checks = Checks(store, routing)
    active = order_id(ACTIVE_SHARE)
    number = f"1ZBENCH{ACTIVE_SHARE:011d}"
    return {
        "list": lambda: (store.shipments(details=False), store.unshipped_orders()),
        "list --json": lambda: (store.shipments(), store.unshipped_orders()),
        "show": lambda: store.find_order(active),
        "show number": lambda: store.find_shipments(number),
        "due": lambda: checks.due(NOW),
        "status": lambda: snapshot.gather(StoreViews(store)),
        "status line": lambda: status.one_line(store, None),
        "digest": store.shipments,
        "dashboard": lambda: (store.shipments(), store.recently_delivered(8)),
        "change stamp": store.change_stamp,
        "metrics": lambda: store.tallies((0.01, 0.1, 1.0)),
        "search": lambda: store.search(active),
    }


def measure_lite(url: str, rounds: int) -> dict[str, Result]:
    """`list`, `show` and `status` as the commands read the database."""
    opened = open_views(url, 30.0)
    assert opened is not None, "an up-to-date database of a plain URL"
    counter = CountingConnection(opened.connection)
    views = LiteViews(url, counter, opened.dialect, opened.errors)
    driver = "psycopg" if opened.dialect is POSTGRES else "sqlite3"
    active = order_id(ACTIVE_SHARE)
    work: dict[str, Callable[[], object]] = {
        f"list, {driver}": lambda: (views.shipments(details=False), views.unshipped_orders()),
        f"show, {driver}": lambda: views.find_order(active),
        f"status, {driver}": lambda: snapshot.gather(views),
    }
    try:
        return {name: timed(call, rounds, counter) for name, call in work.items()}
    finally:
        views.close()


def filled(url: str, size: int) -> Store:
    """A store of `size` shipments, its statistics gathered (PostgreSQL's
    autovacuum analyzes a table soon after such a change; a long-running
    install always has them)."""
    store = Store(url)
    fill(store, size)
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    return store


def measure(size: int, rounds: int, databases: Databases) -> dict[str, Result]:
    store = filled(databases(f"growth_{size}"), size)
    counter = StatementCounter(store)
    results = {name: timed(work, rounds, counter) for name, work in queries(store).items()}
    store.close()
    results |= measure_lite(store.url, rounds)
    results["parcelwatch list (process)"] = list_command(store.url, rounds)
    return results | measure_housekeeping(size, rounds, databases)


def measure_housekeeping(size: int, rounds: int, databases: Databases) -> dict[str, Result]:
    """The first run archives every finished shipment older than 30 days (on
    a database of its own: it changes the data); the runs after it find none."""
    results: dict[str, Result] = {}
    keeper = filled(databases(f"growth_{size}_housekeeping"), size)
    keeper_counter = StatementCounter(keeper)
    results["housekeeping"] = timed(lambda: housekeeping.run(keeper, NOW, 30), 1, keeper_counter)
    results["housekeeping again"] = timed(
        lambda: housekeeping.run(keeper, NOW, 30), rounds, keeper_counter
    )
    keeper.close()
    return results


@contextmanager
def database_maker(on_postgres: bool) -> Iterator[Databases]:
    with ExitStack() as stack:
        if on_postgres:
            server = stack.enter_context(postgres.running())
            yield server.create_database
            return
        workdir = Path(tempfile.mkdtemp(prefix="parcelwatch-growth-"))
        stack.callback(shutil.rmtree, workdir)
        yield lambda name: f"sqlite:///{workdir / name}.db"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--housekeeping-only", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    table: dict[int, dict[str, Result]] = {}
    measured = measure_housekeeping if args.housekeeping_only else measure
    with database_maker(args.postgres) as databases:
        for size in sizes:
            table[size] = measured(size, args.rounds, databases)
            print(f"{size:>7,} shipments measured", flush=True)
    names = list(next(iter(table.values())))
    print("| query | " + " | ".join(f"{s:,} shipments" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name in names:
        print(f"| {name} | " + " | ".join(cell(table[s][name], name) for s in sizes) + " |")


def cell(result: Result, name: str) -> str:
    seconds, statements, peak = result
    if name.endswith("(process)"):
        return f"{seconds * 1000:.0f} ms, {peak / 2**20:.0f} MB RSS"
    return f"{seconds * 1000:.1f} ms, {statements} SQL, {peak / 2**20:.2f} MB"


if __name__ == "__main__":
    main()
