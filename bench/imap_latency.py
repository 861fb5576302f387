"""From an APPEND of a shipping email to the notification arriving, through the
real `parcelwatch run` (IDLE) and real Apprise, against a local Dovecot.

Run: .venv/bin/python -m bench.imap_latency [--emails N]
Starts Dovecot on loopback, a loopback notification receiver and `parcelwatch
run` as a subprocess; then N times appends a shipping email about a new order and
times how long until its notification reaches the receiver.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.mail import CORPUS, PASSWORD, config_text, fill, running_dovecot, unique_copy
from tests.support.receiver import ReceiverServer
from tests.support.replay import redated

# Identified by its order id alone (no tracking number, no shipment id), so each
# copy with a new order id is a new shipment with its own notification.
SHIPPED = CORPUS / "amazon_au" / "dispatched_amazon_text.eml"
REPO = Path(__file__).resolve().parent.parent


def measure(count: int) -> list[float]:
    rng = random.Random(7)
    template = SHIPPED.read_bytes()
    latencies: list[float] = []
    with running_dovecot() as server, ReceiverServer() as receiver:
        state = Path(tempfile.mkdtemp(prefix="parcelwatch-bench-"))
        config = state / "config.toml"
        config.write_text(config_text(server, state / "state", receiver.url()))
        env = {**os.environ, "BENCH_IMAP_PASSWORD": PASSWORD, "HOME": str(state)}
        command = [sys.executable, "-m", "daemon.cli", "--config", str(config), "run"]
        process = subprocess.Popen(command, cwd=REPO, env=env)
        try:
            # A first email and the hello after the first pass prove the watcher
            # is up (and in IDLE) before timing.
            fill(server, [fresh(template, 0, rng)])
            if not receiver.wait_for(2, 60):
                raise SystemExit("parcelwatch run did not deliver the first notification")
            for number in range(1, count + 1):
                email = fresh(template, number, rng)
                start = time.perf_counter()
                fill(server, [email])
                if not receiver.wait_for(number + 2, 30):
                    raise SystemExit(f"email {number} was not notified within 30 s")
                latencies.append(time.perf_counter() - start)
        finally:
            process.terminate()
            process.wait(timeout=20)
    return latencies


def fresh(template: bytes, number: int, rng: random.Random) -> bytes:
    """A copy about a new order, dated now: news, not history ([notify] max_age)."""
    return redated(unique_copy(template, number, rng), datetime.now(UTC))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--emails", type=int, default=15)
    args = parser.parse_args()
    latencies = sorted(measure(args.emails))
    ms = [t * 1000 for t in latencies]
    print(f"emails: {len(ms)}")
    print(
        f"APPEND -> notification: median {statistics.median(ms):.0f} ms, "
        f"min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
