"""A burst of mail while the notification target is slow: how long from each
APPEND until the email is recorded, and until its notification is through.

Run: .venv/bin/python -m bench.imap_burst [--emails 10] [--delay 3.0]
Starts Dovecot on loopback, a loopback receiver that answers each request
`--delay` seconds late (a paced service: Apprise sends to ntfy and Pushover at
most once per 5.5 s; a delay is used here because Apprise gives up on an answer
after 4 s), and the real `parcelwatch run` as a subprocess. Once its hello says
the first pass is over, it APPENDs `--emails` shipping emails about new orders
one after the other, as fast as the server takes them. "Recorded" is read from
the database (a read-only SQLite connection polled every 5 ms); "notified" is
when the receiver has the notification, its delay included.

The watcher must not wait for sending: APPEND-to-recorded stays at Dovecot's
IDLE latency (half a second) whatever the target does, while APPEND-to-notified
grows with the queue ahead of each email (one sender, oldest first).
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.mail import CORPUS, PASSWORD, config_text, fill, running_dovecot
from tests.support.receiver import Receiver, ReceiverServer
from tests.support.replay import another_order

SHIPPED = CORPUS / "amazon_au" / "dispatched_amazon_text.eml"
REPO = Path(__file__).resolve().parent.parent
_ORDER = re.compile(r"Order: (\S+)")
POLL = 0.005


def order_id(number: int) -> str:
    """The order id `another_order` gives email `number`."""
    return f"249-{number:07d}-{number:07d}"


def measure(count: int, delay: float) -> tuple[list[float], list[float]]:
    template = SHIPPED.read_bytes()
    with running_dovecot() as server, ReceiverServer() as receiver:
        state = Path(tempfile.mkdtemp(prefix="parcelwatch-bench-"))
        config = state / "config.toml"
        config.write_text(config_text(server, state / "state", receiver.url()))
        env = {**os.environ, "BENCH_IMAP_PASSWORD": PASSWORD, "HOME": str(state)}
        command = [sys.executable, "-m", "daemon.cli", "--config", str(config), "run"]
        process = subprocess.Popen(command, cwd=REPO, env=env)
        try:
            if not receiver.wait_for(1, 60):  # the hello: the first pass is over
                raise SystemExit("parcelwatch run did not say hello")
            receiver.delay = delay
            appended, recorded = burst(server, template, count, state / "state" / "parcelwatch.db")
            if not receiver.wait_for(1 + count, count * (delay + 5) + 30):
                raise SystemExit("not every email of the burst was notified")
            notified = arrivals(receiver)
        finally:
            process.terminate()
            process.wait(timeout=30)
    to_recorded = [recorded[n] - appended[n] for n in range(1, count + 1)]
    to_notified = [notified[order_id(n)] - appended[n] for n in range(1, count + 1)]
    return to_recorded, to_notified


def burst(
    server: object, template: bytes, count: int, database: Path
) -> tuple[dict[int, float], dict[int, float]]:
    """APPEND the emails one by one, and note when each one is in the database."""
    appended: dict[int, float] = {}
    recorded: dict[int, float] = {}
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        for number in range(1, count + 1):
            email = another_order(template, number, datetime.now(UTC))
            appended[number] = time.monotonic()
            fill(server, [email])  # type: ignore[arg-type]
            _note(connection, recorded)
        deadline = time.monotonic() + 60
        while len(recorded) < count and time.monotonic() < deadline:
            time.sleep(POLL)
            _note(connection, recorded)
    finally:
        connection.close()
    if len(recorded) < count:
        raise SystemExit(f"only {len(recorded)} of {count} emails were recorded within 60 s")
    return appended, recorded


def _note(connection: sqlite3.Connection, recorded: dict[int, float]) -> None:
    rows = connection.execute(
        "SELECT message_id FROM processedmessage WHERE message_id LIKE '%order-%'"
    ).fetchall()
    now = time.monotonic()
    for (message_id,) in rows:
        number = int(re.sub(r"\D", "", message_id))
        recorded.setdefault(number, now)


def arrivals(receiver: Receiver) -> dict[str, float]:
    found: dict[str, float] = {}
    for request in receiver.requests:
        match = _ORDER.search(str(request.json().get("message", "")))
        if match:
            found[match.group(1)] = request.at
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--emails", type=int, default=10)
    parser.add_argument("--delay", type=float, default=3.0)
    args = parser.parse_args()
    to_recorded, to_notified = measure(args.emails, args.delay)
    print(f"burst of {args.emails} emails, target answering {args.delay:.1f} s late")
    for name, values in (("recorded", to_recorded), ("notified", to_notified)):
        ms = [v * 1000 for v in values]
        print(
            f"APPEND -> {name}: median {statistics.median(ms):.0f} ms, "
            f"min {min(ms):.0f} ms, max {max(ms):.0f} ms"
        )
    print("per email (recorded / notified, s): " + ", ".join(
        f"{r:.2f}/{n:.1f}" for r, n in zip(to_recorded, to_notified, strict=True)
    ))  # fmt: skip


if __name__ == "__main__":
    main()
