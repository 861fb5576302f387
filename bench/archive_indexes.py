"""What the shipment table's indexes cost the first archiving on PostgreSQL.

Run: .venv/bin/python -m bench.archive_indexes [--size 100000] [--rounds 5]

One database of `size` shipments (tests/support/history.py, 1% active, the rest
delivered a month to five years ago) is filled and analyzed once; each round
copies it (CREATE DATABASE ... TEMPLATE) once per variant below and times
housekeeping.archive_finished on the copy: its wall time, and the CPU time the
server's processes used meanwhile (the work is theirs; the wall time also holds
what other processes on a shared machine took). Variants, interleaved:

- 0002: the indexes before revision 0003 (one on every shipment's updated_at;
  tracking number and Amazon shipment id over every shipment, NULLs included)
- no updated_at: 0002 without that index
- 0003: the schema as it is
- 0003, vacuumed: the same after VACUUM, as autovacuum leaves a long-used table
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from daemon.store import housekeeping
from daemon.store.database import Store
from tests.support import postgres
from tests.support.history import NOW, fill

_WHOLE = [f"DROP INDEX ix_shipment_{c}; CREATE INDEX ix_shipment_{c} ON shipment ({c})"
          for c in ("tracking_number", "amazon_shipment_id")]  # fmt: skip
_UPDATED = "CREATE INDEX ix_shipment_updated_at ON shipment (updated_at)"
VARIANTS = {
    "0002": [_UPDATED, *_WHOLE],
    "no updated_at": _WHOLE,
    "0003": [],
    "0003, vacuumed": ["VACUUM shipment"],
}


def server_cpu(postmaster: int) -> float:
    """CPU seconds of the server and its children (backends, WAL writer...)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(stat.parent.name) == postmaster or int(fields[1]) == postmaster:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def one_round(server: postgres.Postgres, name: str, setup: list[str]) -> tuple[float, float]:
    url = server.create_database(name, template="filled")
    store = Store(url)
    try:
        with store.engine.connect() as connection:
            admin = connection.execution_options(isolation_level="AUTOCOMMIT")
            for statement in [*setup, "ANALYZE", "CHECKPOINT"]:
                admin.exec_driver_sql(statement)
        assert server.process is not None
        pid = server.process.process.pid
        cpu, start = server_cpu(pid), time.perf_counter()
        housekeeping.archive_finished(store, NOW, 30)
        return time.perf_counter() - start, server_cpu(pid) - cpu
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
    with postgres.running() as server:
        filled = Store(server.create_database("filled"))
        fill(filled, args.size)
        filled.close()
        for round_ in range(args.rounds):
            for number, (name, setup) in enumerate(VARIANTS.items()):
                samples[name].append(one_round(server, f"copy_{round_}_{number}", setup))
            print(f"round {round_ + 1}: load average {os.getloadavg()[0]:.2f}", flush=True)
    print("| shipment indexes | wall median | server CPU median |\n|---|---|---|")
    for name, runs in samples.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"| {name} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
