"""A first backfill of a large folder, end to end, and what re-fetching a date
window on every poll would cost instead.

Run: .venv/bin/python -m bench.imap_backfill [--messages 20000] [--amazon 2000]
     [--window 10,30]
A fresh Dovecot gets `messages` emails, `amazon` of them copies of the golden
corpus's Amazon emails about distinct orders and parcels (new order ids,
tracking numbers and shipment ids: bench/mail.py), the rest personal mail. Then:
1. `parcelwatch sync` runs as a subprocess against a fresh SQLite database: wall
   time, Amazon emails per second (search, fetch, parse, store), the shipments
   recorded, and the subprocess's peak resident memory (getrusage of the child).
2. A second `parcelwatch sync` with no new mail (what every later poll costs).
3. The window approach of trackers that, on every poll, search the last days of
   mail from Amazon and download and parse all of it again, on a household's
   mailbox: a folder with `window` Amazon emails in the last 3 days (10 and 30:
   a household's few parcels a day) among 500 personal ones. One such poll is
   timed in this process, with the bytes it downloads, beside what parcelwatch
   spends per poll (one STATUS on the open connection, bench/imap_poll.py).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.mail import (
    PASSWORD,
    client,
    config_text,
    distinct_copy,
    distinct_templates,
    fill,
    filler,
    running_dovecot,
)
from parsers.registry import default_registry
from tests.support import dovecot

REPO = Path(__file__).resolve().parent.parent
_NEW = re.compile(r"INBOX: (\d+) new")
_CHECKED = re.compile(r"checked in ([\d.]+) s")


def messages(total: int, amazon: int, seed: int = 3) -> list[bytes]:
    rng = random.Random(seed)
    templates = distinct_templates()
    mail = [distinct_copy(templates[n % len(templates)], n, rng) for n in range(amazon)]
    mail += [filler(n) for n in range(total - amazon)]
    rng.shuffle(mail)
    return mail


def shipments_recorded(database: Path) -> int:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM shipment").fetchone()[0])
    finally:
        connection.close()


def run_sync(config: Path, home: Path) -> tuple[float, float, int, int]:
    """(seconds in all, seconds of the account's check as the command reports
    it, emails fetched, peak RSS in KiB) of one `parcelwatch sync`."""
    env = {**os.environ, "BENCH_IMAP_PASSWORD": PASSWORD, "HOME": str(home)}
    command = [sys.executable, "-m", "daemon.cli", "--config", str(config), "sync"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    found = _NEW.search(done.stdout)
    fetched = int(found.group(1)) if found else 0
    checked = _CHECKED.search(done.stdout)
    inner = float(checked.group(1)) if checked else seconds
    # ru_maxrss of children is the largest of any child so far: run the big sync first.
    return seconds, inner, fetched, max(peak, before)


def window_poll(server: dovecot.Dovecot, days: int, folder: str) -> tuple[float, int, int]:
    """One poll of the re-fetch-a-window approach: (seconds, emails, bytes)."""
    registry = default_registry()
    start = time.perf_counter()
    imap = client(server)
    try:
        imap.select_folder(folder, readonly=True)
        since = (datetime.now(UTC) - timedelta(days=days)).date()
        uids = imap.search(["SINCE", since, "FROM", "amazon"])
        size = 0
        for first in range(0, len(uids), 200):
            batch = imap.fetch(uids[first : first + 200], [b"BODY.PEEK[]"])
            for item in batch.values():
                data = item[b"BODY[]"]
                size += len(data)
                registry.parse(data)
    finally:
        imap.logout()
    return time.perf_counter() - start, len(uids), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--amazon", type=int, default=2_000)
    parser.add_argument("--window-days", type=int, default=3)
    parser.add_argument("--window", default="10,30")
    args = parser.parse_args()
    with running_dovecot() as server:
        fill(server, messages(args.messages, args.amazon))
        for size in (int(n) for n in args.window.split(",")):
            fill(server, messages(500 + size, size, seed=size), folder=f"Window{size}")
        home = Path(tempfile.mkdtemp(prefix="parcelwatch-bench-"))
        config = home / "config.toml"
        config.write_text(config_text(server, home / "state", None))

        seconds, inner, fetched, peak = run_sync(config, home)
        shipments = shipments_recorded(home / "state" / "parcelwatch.db")
        print(
            f"backfill: {fetched} Amazon emails of {args.messages} ({shipments} shipments): "
            f"search, fetch, parse and store {inner:.1f} s = {fetched / inner:.0f} emails/s; "
            f"the whole command {seconds:.1f} s = {fetched / seconds:.0f} emails/s; peak RSS "
            f"{peak / 1024:.0f} MB"
        )
        again, _, _, _ = run_sync(config, home)
        print(f"next poll without new mail: `parcelwatch sync` {again * 1000:.0f} ms in all")

        for window in (int(n) for n in args.window.split(",")):
            seconds, count, size = window_poll(server, args.window_days, f"Window{window}")
            print(
                f"window re-fetch poll ({args.window_days} days, {window} Amazon emails among "
                f"500): {count} emails, {size / 1e3:.0f} kB downloaded and parsed again, "
                f"{seconds * 1000:.0f} ms per poll; every 5 minutes: {size * 288 / 1e6:.1f} MB "
                f"and {seconds * 288:.1f} s a day"
            )


if __name__ == "__main__":
    main()
