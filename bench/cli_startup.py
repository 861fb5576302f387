"""Start-up time of the `parcelwatch` command: `--help`, `--version`, `list`
(on the demo database, made first) and `status`, each run as a new process.

Run: .venv/bin/python -m bench.cli_startup [--runs N]
Prints the best and median wall time over N runs of each (the best is the
command's own cost; the median shows the machine's load), and which heavy
libraries `list` loads (none of Apprise, APScheduler, httpx, imapclient: the
reading commands never import the app).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = (
    ("--help",),
    ("--version",),
    ("--demo", "list", "--all"),
    ("--demo", "status"),
)
HEAVY = ("apprise", "apscheduler", "httpx", "imapclient", "sqlalchemy", "daemon.app")


def timed(command: tuple[str, ...], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "daemon.cli", *command],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
        )  # fmt: skip
        times.append(time.perf_counter() - start)
    return times


def loaded_by_list(env: dict[str, str]) -> list[str]:
    code = (
        "import sys\nfrom daemon.cli.main import main\nmain(['--demo', 'list', '--all'])\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return [m for m in done.stderr.strip().splitlines()[-1].split(",") if m]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HOME": home}
        env.pop("XDG_STATE_HOME", None)
        subprocess.run(
            [sys.executable, "-m", "daemon.cli", "demo"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
        )  # fmt: skip
        print(f"runs: {args.runs}  python: {sys.version.split()[0]}")
        for command in COMMANDS:
            times = timed(command, env, args.runs)
            print(
                f"parcelwatch {' '.join(command):<20} best {min(times):.3f} s  "
                f"median {statistics.median(times):.3f} s"
            )
        loaded = loaded_by_list(env)
        print(f"of {', '.join(HEAVY)}, list loads: {', '.join(loaded) or 'none'}")


if __name__ == "__main__":
    main()
