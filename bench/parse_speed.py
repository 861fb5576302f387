"""Parse time per email over the golden corpus, MIME decoding included.

Run: .venv/bin/python -m bench.parse_speed [--rounds N]
Prints the median, 90th percentile and maximum time per email, each email timed
separately with time.perf_counter over N rounds (the best round of each email is
kept, so the figure is the parser's cost, not the machine's other load).

--worker: the same emails read as the daemon reads them, through a parse worker
(daemon.parsing: the email sent to another process and the result sent back),
so the figure includes what the parse budget costs per email.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from daemon.parsing.budget import BudgetedReader
from parsers.options import RegistryOptions
from parsers.registry import default_registry

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "emails"


# The corpus's forwarder (tests/parsers/test_golden.py), so its forward is read too.
FORWARDERS = ("tom.doe@example.com",)


def measure(rounds: int, parse: Callable[[bytes], object]) -> list[float]:
    emails = [path.read_bytes() for path in sorted(CORPUS.rglob("*.eml"))]
    parse(emails[0])  # a worker starts on its first email: not part of any figure
    best = [float("inf")] * len(emails)
    for _ in range(rounds):
        for number, data in enumerate(emails):
            start = time.perf_counter()
            parse(data)
            best[number] = min(best[number], time.perf_counter() - start)
    return best


def timed(rounds: int, worker: bool) -> list[float]:
    if not worker:
        return measure(rounds, default_registry(forwarders=FORWARDERS).parse)
    reader = BudgetedReader(RegistryOptions(forwarders=FORWARDERS), max_workers=1)
    try:
        return measure(rounds, reader.read)
    finally:
        reader.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--worker", action="store_true", help="through a parse worker")
    args = parser.parse_args()
    times = sorted(timed(args.rounds, args.worker))
    ms = [t * 1000 for t in times]
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    print(f"emails: {len(ms)}  rounds: {args.rounds}")
    print(f"median {statistics.median(ms):.2f} ms  p90 {p90:.2f} ms  max {ms[-1]:.2f} ms per email")


if __name__ == "__main__":
    main()
