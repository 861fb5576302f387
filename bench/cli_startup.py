"""Start-up time of the `parcelwatch` command: `--help`, `--version`, `list`,
`show` and `status` (on the demo database, made first) and `parse` of one
email, each run as a new process, whole (interpreter start to exit).

Run: .venv/bin/python -m bench.cli_startup [--runs N]
Prints the best and median wall time over N runs of each (the best is the
command's own cost; the median shows the machine's load), the median CPU time
(user + system, from the kernel's rusage of the child: what the command costs
whatever else the machine runs), and which heavy
libraries each reading command loads (none of SQLAlchemy, the ORM, pydantic,
Apprise, APScheduler, httpx, bs4 or imapclient: `list`, `show` and `status`
read an up-to-date SQLite file with sqlite3 (daemon.store.lite), `parse`
reads no database, and none imports the app). Bytecode is written and used, as
for an installed package (PYTHONDONTWRITEBYTECODE is unset), after one warm-up
run of each command.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.heavy import HEAVY

LIBRARIES = (*HEAVY, "sqlalchemy")

EMAIL = str(
    Path(__file__).resolve().parent.parent
    / "tests"
    / "emails"
    / "amazon_com"
    / "order1_shipped_pkg0.eml"
)
COMMANDS = (
    ("--help",),
    ("--version",),
    ("--demo", "list"),
    ("--demo", "list", "--all"),
    ("--demo", "show", "113-4829105-7730624"),
    ("--demo", "status"),
    ("parse", EMAIL),
)


def timed(command: tuple[str, ...], env: dict[str, str], runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of each run, as a new process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "daemon.cli", *command],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise RuntimeError(f"parcelwatch {' '.join(command)} exited with {child.returncode}")
        times.append((wall, usage.ru_utime + usage.ru_stime))
    return times


def loaded_by(command: tuple[str, ...], env: dict[str, str]) -> list[str]:
    code = (
        f"import sys\nfrom daemon.cli.main import main\nmain({list(command)!r})\n"
        f"print(','.join(m for m in {LIBRARIES!r} if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    lines = done.stderr.strip().splitlines() or [""]
    return [m for m in lines[-1].split(",") if m]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HOME": home}
        env.pop("XDG_STATE_HOME", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [sys.executable, "-m", "daemon.cli", "demo"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
        )  # fmt: skip
        print(f"runs: {args.runs}  python: {sys.version.split()[0]}")
        for command in COMMANDS:
            timed(command, env, 1)  # warm-up: bytecode written, files in the page cache
            walls, cpus = zip(*timed(command, env, args.runs), strict=True)
            label = " ".join(Path(part).name if part == EMAIL else part for part in command)
            print(
                f"parcelwatch {label:<42} best {min(walls):.3f} s  "
                f"median {statistics.median(walls):.3f} s  "
                f"CPU median {statistics.median(cpus):.3f} s"
            )
        print(f"of {', '.join(LIBRARIES)}:")
        for command in COMMANDS[2:]:
            loaded = loaded_by(command, env)
            print(f"  {' '.join(command)} loads: {', '.join(loaded) or 'none'}")


if __name__ == "__main__":
    main()
