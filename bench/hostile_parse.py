"""Parse time against size for each class of hostile email, and memory at 5 MB.

Run: .venv/bin/python -m bench.hostile_parse [--rounds 3] [--memory] [--process]

The classes are tests/support/hostile.py's: a run of one character class (22 of
them) after each of 15 words that switch a pattern on, and 12 structures (links,
orders, nesting, headers, ...). Each email is built at 10 KB, 100 KB and 1 MB and
parsed through `parsers.registry` in this process; the figure is the CPU time
(time.process_time) of the best of `--rounds` parses, which a loaded machine
disturbs less than wall time. A run class is reported by the slowest of its
triggers. Growth is linear when 1 MB costs about 10x what 100 KB costs; the goal
is at most ~12x, and no 100 KB email over 0.2 s.

--memory: each class at 5 MB (the IMAP size limit) in a fresh process, peak
resident memory (VmHWM) against the process before the email; the goal is
at most 200 MB. Then what the budget itself costs: the resident memory of one
parse worker (daemon.parsing) after an ordinary email, which the daemon keeps
while mail comes and lets go after a minute without any.

--process: `parcelwatch parse FILE` as a whole process for each class at 1 MB
(wall time, Python's start included). These two take each character class after
three of the triggers (`SAMPLE_TRIGGERS`; what an email costs in memory depends on
its characters, not on the word before them) and every structure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.idle import children_rss_kib
from daemon.parsing.budget import BudgetedReader
from parsers.options import RegistryOptions
from parsers.registry import Registry, default_registry
from tests.support import hostile

SIZES = (10_000, 100_000, 1_000_000)
MEMORY_SIZE = 5_000_000
SAMPLE_TRIGGERS = ("tracking-label", "eta-phrase", "none")
# The email is read from a file, so that building it leaves no garbage behind that
# the parse could reuse: the peak is the parse's own.
# The peak is VmHWM, this process's own: ru_maxrss starts where the parent's was.
_MEMORY_CHILD = """
import json, sys
from pathlib import Path
from parsers.registry import default_registry
from tests.support import hostile
def peak():
    line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024
registry = default_registry(forwarders=[hostile.FORWARDER])
registry.parse(hostile.email("warm up"))
data = Path(sys.argv[1]).read_bytes()
before = peak()
registry.parse(data)
print(json.dumps([before, peak()]))
"""


def sampled() -> list[str]:
    """The classes --memory and --process run (see the module docstring)."""
    return [
        name
        for name in hostile.classes()
        if " after " not in name or name.split(" after ")[1] in SAMPLE_TRIGGERS
    ]


def family(name: str) -> str:
    """A run class's family is its character class; a structure is its own."""
    return name.split(" after ", maxsplit=1)[0]


def best_time(registry: Registry, data: bytes, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        registry.parse(data)
        best = min(best, time.process_time() - start)
    return best


def timings(rounds: int) -> dict[str, dict[str, list[float]]]:
    """Per family, per member: the times at each of SIZES."""
    registry = default_registry(forwarders=[hostile.FORWARDER])
    registry.parse(hostile.email("warm up"))
    found: dict[str, dict[str, list[float]]] = {}
    for name, build in hostile.classes().items():
        times = [best_time(registry, build(size), rounds) for size in SIZES]
        found.setdefault(family(name), {})[name] = times
    return found


def report_times(found: dict[str, dict[str, list[float]]]) -> None:
    """One row per family: its slowest member at each size, and its member whose
    time grew most from 100 KB to 1 MB."""
    print("| class | 10 KB | 100 KB | 1 MB | most growth, 100 KB to 1 MB |")
    print("|---|---|---|---|---|")
    slowest_medium: tuple[float, str] = (0.0, "")
    largest_growth: tuple[float, str] = (0.0, "")
    for name, members in found.items():
        worst = [max(times[index] for times in members.values()) for index in range(len(SIZES))]
        growth, grower = max((t[2] / t[1], member) for member, t in members.items() if t[1])
        print(f"| {name} | {_ms(worst[0])} | {_ms(worst[1])} | {_ms(worst[2])} "
              f"| {growth:.1f}x ({grower}) |")  # fmt: skip
        slowest_medium = max(slowest_medium, *((t[1], m) for m, t in members.items()))
        largest_growth = max(largest_growth, (growth, grower))
    print(
        f"\nslowest at 100 KB: {_ms(slowest_medium[0])} ({slowest_medium[1]}); "
        f"most growth from 100 KB to 1 MB: {largest_growth[0]:.1f}x ({largest_growth[1]})"
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def memory(python: str) -> None:
    print(f"| class | email | before | peak | added |  ({MEMORY_SIZE // 1_000_000} MB emails)")
    print("|---|---|---|---|---|")
    worst: dict[str, tuple[float, float, str]] = {}
    classes = hostile.classes()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "hostile.eml"
        for name in sampled():
            path.write_bytes(classes[name](MEMORY_SIZE))
            done = subprocess.run([python, "-c", _MEMORY_CHILD, str(path)],
                                  capture_output=True, text=True, check=True)  # fmt: skip
            before, after = json.loads(done.stdout)
            key = family(name)
            if key not in worst or after - before > worst[key][1] - worst[key][0]:
                worst[key] = (before, after, name)
    for key, (before, after, name) in worst.items():
        print(f"| {key} | {name} | {before:.0f} MB | {after:.0f} MB | {after - before:.0f} MB |")
    peak, name = max((after, name) for _, after, name in worst.values())
    print(f"\nhighest peak: {peak:.0f} MB ({name})")
    print(f"one parse worker after an ordinary email: {worker_mb():.0f} MB resident")


def worker_mb() -> float:
    """The resident memory of the parse worker the daemon starts (its only child here)."""
    reader = BudgetedReader(RegistryOptions(forwarders=(hostile.FORWARDER,)), max_workers=1)
    try:
        reader.read(hostile.email("Your package has shipped!\nArriving tomorrow"))
        return children_rss_kib(os.getpid()) / 1024
    finally:
        reader.close()


def whole_process(python: str) -> None:
    slowest: dict[str, tuple[float, str]] = {}
    with tempfile.TemporaryDirectory() as directory:
        classes = hostile.classes()
        for name in sampled():
            path = Path(directory) / "hostile.eml"
            path.write_bytes(classes[name](1_000_000))
            start = time.perf_counter()
            subprocess.run([python, "-m", "daemon.cli", "parse", str(path)],
                           capture_output=True, check=True)  # fmt: skip
            seconds = time.perf_counter() - start
            key = family(name)
            slowest[key] = max(slowest.get(key, (0.0, "")), (seconds, name))
    print("| class | `parcelwatch parse` of 1 MB, whole process | slowest |")
    print("|---|---|---|")
    for key, (seconds, name) in slowest.items():
        print(f"| {key} | {seconds:.2f} s | {name} |")
    seconds, name = max(slowest.values())
    print(f"\nslowest: {seconds:.2f} s ({name})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--memory", action="store_true", help="peak memory at 5 MB")
    parser.add_argument("--process", action="store_true", help="`parcelwatch parse` per class")
    args = parser.parse_args()
    run: Callable[[str], None] | None = None
    if args.memory:
        run = memory
    elif args.process:
        run = whole_process
    if run is not None:
        run(sys.executable)
        return
    report_times(timings(args.rounds))


if __name__ == "__main__":
    main()
