"""How long the web pages take to serve, over HTTP on loopback.

Run: .venv/bin/python -m bench.web_pages [--parcels 300] [--rounds 100]

A household's history in a fresh SQLite database: `parcels` shipments (one in
ten still travelling, the rest delivered, each with a shipped, in-transit and
final line in its timeline), recorded through the real recorder. The site runs
on the real Waitress on loopback; each page is asked for `rounds` times by one
client (connection kept open) and the wall time of each answer is kept: the
median and the 90th percentile are reported, with the size of the answer.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

from daemon.app import build
from daemon.config.settings import defaults
from daemon.config.web import Listen
from daemon.store.recorder import Recorder
from daemon.web.server import WebServer
from parsers.model import Eta, Item, Milestone, ShipmentEvent

NOW = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
PAGES = ("/", "/parcel/1", "/search?q=cable", "/api/shipments", "/api/shipments?all=1", "/metrics")


def fill(app_store_record: Recorder, index: int) -> None:
    """One parcel's life, as the emails would tell it."""
    number = f"1Z{index:016d}"
    order = f"113-{index:07d}-{index:07d}"
    start = NOW - timedelta(days=index % 200 + 1)
    steps = [Milestone.SHIPPED, Milestone.IN_TRANSIT]
    steps.append(Milestone.OUT_FOR_DELIVERY if index % 10 == 0 else Milestone.DELIVERED)
    for offset, milestone in enumerate(steps):
        app_store_record.record(
            ShipmentEvent(
                milestone=milestone, order_ids=(order,), marketplace="amazon.com",
                carrier="ups", tracking_number=number,
                items=(Item(f"USB-C cable number {index}"), Item("Phone case")),
                eta=Eta.day(date(2026, 4, 2)) if milestone is not Milestone.DELIVERED else None,
                occurred_at=start + timedelta(hours=12 * offset),
            ),
            "email",
            None,
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parcelwatch-bench-web-") as name:
        base = defaults({"HOME": name})
        settings = replace(base, state_dir=Path(name), database_url=replace(
            base.database_url, _value=f"sqlite:///{name}/bench.db"))  # fmt: skip
        app = build(settings, clock=lambda: NOW)
        try:
            with app.store.writing() as connection:
                recorder = Recorder(connection, app.routing, NOW, "home")
                for index in range(1, args.parcels + 1):
                    fill(recorder, index)
            server = WebServer(app.web_site(lambda: None), Listen("127.0.0.1", 0))
            server.start()
            try:
                measure(server.url.rstrip("/"), args.rounds, args.parcels)
            finally:
                server.stop()
        finally:
            app.close()


def measure(url: str, rounds: int, parcels: int) -> None:
    print(f"{parcels} parcels ({parcels // 10} travelling), {rounds} requests per page")
    with httpx.Client(base_url=url, timeout=30) as client:
        for page in PAGES:
            client.get(page)  # the first answer compiles the template: not counted
            times = []
            size = 0
            for _ in range(rounds):
                started = time.perf_counter()
                answer = client.get(page)
                times.append(time.perf_counter() - started)
                size = len(answer.content)
            ordered = sorted(times)
            p90 = ordered[round(0.9 * (len(ordered) - 1))]
            print(f"{page:<22} median {statistics.median(times) * 1000:6.1f} ms, "
                  f"p90 {p90 * 1000:6.1f} ms, {size / 1024:6.1f} KiB")  # fmt: skip


if __name__ == "__main__":
    main()
