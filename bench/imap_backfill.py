"""A first backfill of a large folder, end to end, and what re-fetching a date
window on every poll would cost instead.

Run: .venv/bin/python -m bench.imap_backfill [--messages 20000] [--amazon 2000]
A fresh Dovecot gets `messages` emails, `amazon` of them unique copies of the
golden corpus's Amazon emails, the rest personal mail. Then:
1. `parcelwatch sync` runs as a subprocess against a fresh SQLite database: wall
   time, Amazon emails per second (search, fetch, parse, store), and the
   subprocess's peak resident memory (getrusage of the child).
2. A second `parcelwatch sync` with no new mail (what every later poll costs).
3. The window approach of trackers that, on every poll, search the last days of
   mail from Amazon and download and parse all of it again: one such poll, timed
   in this process, with the bytes it downloads.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.mail import (
    PASSWORD,
    amazon_templates,
    client,
    config_text,
    fill,
    filler,
    running_dovecot,
    unique_copy,
)
from parsers.registry import default_registry
from tests.support import dovecot

REPO = Path(__file__).resolve().parent.parent
_NEW = re.compile(r"INBOX: (\d+) new")
_CHECKED = re.compile(r"checked in ([\d.]+) s")


def messages(total: int, amazon: int) -> list[bytes]:
    rng = random.Random(3)
    templates = amazon_templates()
    mail = [unique_copy(templates[n % len(templates)], n, rng) for n in range(amazon)]
    mail += [filler(n) for n in range(total - amazon)]
    rng.shuffle(mail)
    return mail


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


def window_poll(server: dovecot.Dovecot, days: int) -> tuple[float, int, int]:
    """One poll of the re-fetch-a-window approach: (seconds, emails, bytes)."""
    registry = default_registry()
    start = time.perf_counter()
    imap = client(server)
    try:
        imap.select_folder("INBOX", readonly=True)
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
    args = parser.parse_args()
    with running_dovecot() as server:
        fill(server, messages(args.messages, args.amazon))
        home = Path(tempfile.mkdtemp(prefix="parcelwatch-bench-"))
        config = home / "config.toml"
        config.write_text(config_text(server, home / "state", None))

        seconds, inner, fetched, peak = run_sync(config, home)
        print(
            f"backfill: {fetched} Amazon emails of {args.messages}: search, fetch, parse and "
            f"store {inner:.1f} s = {fetched / inner:.0f} emails/s; the whole command "
            f"{seconds:.1f} s = {fetched / seconds:.0f} emails/s; peak RSS {peak / 1024:.0f} MB"
        )
        again, _, _, _ = run_sync(config, home)
        print(f"next poll without new mail: `parcelwatch sync` {again * 1000:.0f} ms in all")

        seconds, count, size = window_poll(server, args.window_days)
        print(
            f"window re-fetch poll ({args.window_days} days): {count} emails, "
            f"{size / 1e6:.1f} MB downloaded and parsed again, {seconds:.1f} s per poll"
        )


if __name__ == "__main__":
    main()
