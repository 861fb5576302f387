"""Parse time per email over the golden corpus, MIME decoding included.

Run: .venv/bin/python -m bench.parse_speed [--rounds N]
Prints the median, 90th percentile and maximum time per email, each email timed
separately with time.perf_counter over N rounds (the best round of each email is
kept, so the figure is the parser's cost, not the machine's other load).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from parsers.registry import default_registry

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "emails"


def measure(rounds: int) -> list[float]:
    # The corpus's forwarder (tests/parsers/test_golden.py), so its forward is read too.
    registry = default_registry(forwarders=("tom.doe@example.com",))
    emails = [path.read_bytes() for path in sorted(CORPUS.rglob("*.eml"))]
    best = [float("inf")] * len(emails)
    for _ in range(rounds):
        for number, data in enumerate(emails):
            start = time.perf_counter()
            registry.parse(data)
            best[number] = min(best[number], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    times = sorted(measure(args.rounds))
    ms = [t * 1000 for t in times]
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    print(f"emails: {len(ms)}  rounds: {args.rounds}")
    print(f"median {statistics.median(ms):.2f} ms  p90 {p90:.2f} ms  max {ms[-1]:.2f} ms per email")


if __name__ == "__main__":
    main()
