"""What a check without new mail costs, in a small and in a large folder.

Run: .venv/bin/python -m bench.imap_poll [--sizes 1000,50000] [--rounds 50]
For each size, a fresh Dovecot gets that many messages (2% of them Amazon
emails), parcelwatch reads the folder once, and then the no-new-mail check is
timed `rounds` times two ways: on the open connection the daemon keeps (one
STATUS; our own CPU time in it is reported too, since the rest is the server's),
and as a whole `sync` (connect, log in, STATUS, log out).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.mail import (
    PASSWORD,
    amazon_templates,
    config_text,
    fill,
    filler,
    running_dovecot,
    unique_copy,
)
from daemon.app import App, build
from daemon.config.settings import load_settings
from daemon.mail.imap_connect import open_connection
from tests.support import dovecot


def folder_messages(size: int, seed: int = 1) -> list[bytes]:
    rng = random.Random(seed)
    templates = amazon_templates()
    amazon = size // 50
    messages = [unique_copy(templates[n % len(templates)], n, rng) for n in range(amazon)]
    messages += [filler(n) for n in range(size - amazon)]
    rng.shuffle(messages)
    return messages


def app_for(server: dovecot.Dovecot) -> App:
    state = Path(tempfile.mkdtemp(prefix="parcelwatch-bench-"))
    config = state / "config.toml"
    config.write_text(config_text(server, state / "state", None))
    env = {"HOME": str(state), "BENCH_IMAP_PASSWORD": PASSWORD}
    return build(load_settings(config, env, required=True))


def measure(size: int, rounds: int) -> tuple[float, float, float]:
    """Median seconds of (a check on an open connection, our own CPU time in it,
    a whole sync)."""
    with running_dovecot() as server:
        fill(server, folder_messages(size))
        app = app_for(server)
        boxes = app.mailboxes()
        account = app.settings.imap[0]
        [first] = boxes.sync([account])
        assert first.error is None, first.error
        [reader] = boxes.readers(account)
        connection = open_connection(account, None)
        try:
            open_times, cpu_times = [], []
            for _ in range(rounds):
                start, cpu = time.perf_counter(), time.process_time()
                assert not reader.has_news(connection)
                open_times.append(time.perf_counter() - start)
                cpu_times.append(time.process_time() - cpu)
        finally:
            connection.close()
        sync_times = []
        for _ in range(rounds):
            start = time.perf_counter()
            [result] = boxes.sync([account])
            sync_times.append(time.perf_counter() - start)
            assert result.reports[0].fetched == 0
        app.close()
    return (
        statistics.median(open_times),
        statistics.median(cpu_times),
        statistics.median(sync_times),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,50000")
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        check, cpu, sync = measure(size, args.rounds)
        print(
            f"{size:>6} messages: check on the open connection {check * 1000:.2f} ms "
            f"(our CPU {cpu * 1000:.2f} ms), whole sync (connect, login, check, logout) "
            f"{sync * 1000:.1f} ms (medians of {args.rounds})"
        )


if __name__ == "__main__":
    main()
