"""Start-up time of the `parcelwatch` command: `--help`, `--version`, `list`,
`show` and `status` (on the demo database, made first) and `parse` of one
email, each run as a new process, whole (interpreter start to exit).

Run: .venv/bin/python -m bench.cli_startup [--runs N] [--postgres]
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

With --postgres the reading commands read a PostgreSQL database instead (a
server started for the run by tests/support/postgres.py, the sample mailbox
imported into it, its URL given by the environment as a user would): there
they go through the Store, so they load SQLAlchemy and the driver.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from daemon.cli.demo import SAMPLE_MAILBOX
from tests.support import postgres
from tests.support.heavy import HEAVY

LIBRARIES = (*HEAVY, "sqlalchemy")

EMAIL = str(
    Path(__file__).resolve().parent.parent
    / "tests"
    / "emails"
    / "amazon_com"
    / "order1_shipped_pkg0.eml"
)
READING = (("list",), ("list", "--all"), ("show", "113-4829105-7730624"), ("status",))


def commands(database: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """What is timed; `database` is the option that points the reading ones at it."""
    reading = tuple((*database, *command) for command in READING)
    return (("--help",), ("--version",), *reading, ("parse", EMAIL))


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


def run_quietly(command: tuple[str, ...], env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "daemon.cli", *command],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
    )  # fmt: skip


@contextmanager
def demo_database(env: dict[str, str]) -> Iterator[tuple[str, ...]]:
    """The demo's SQLite database, made by `parcelwatch demo`."""
    run_quietly(("demo",), env)
    yield ("--demo",)


@contextmanager
def postgres_database(env: dict[str, str], home: str) -> Iterator[tuple[str, ...]]:
    """A PostgreSQL database holding the sample mailbox, named by a config file."""
    with postgres.running() as server:
        env["PARCELWATCH_DATABASE_URL"] = server.create_database("bench_startup")
        config = Path(home) / "config.toml"
        config.write_text(
            f'[general]\nstate_dir = "{home}/state"\n'
            'database_url = { env = "PARCELWATCH_DATABASE_URL" }\n'
        )
        database = ("--config", str(config))
        run_quietly((*database, "import", str(SAMPLE_MAILBOX)), env)
        yield database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HOME": home}
        env.pop("XDG_STATE_HOME", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        made = postgres_database(env, home) if args.postgres else demo_database(env)
        with made as database:
            report(commands(database), env, args.runs)


def report(timed_commands: tuple[tuple[str, ...], ...], env: dict[str, str], runs: int) -> None:
    """Time each command, then say which heavy libraries all but --help and --version load."""
    print(f"runs: {runs}  python: {sys.version.split()[0]}")
    for command in timed_commands:
        timed(command, env, 1)  # warm-up: bytecode written, files in the page cache
        walls, cpus = zip(*timed(command, env, runs), strict=True)
        label = " ".join(Path(part).name if part.startswith("/") else part for part in command)
        print(
            f"parcelwatch {label:<42} best {min(walls):.3f} s  "
            f"median {statistics.median(walls):.3f} s  "
            f"CPU median {statistics.median(cpus):.3f} s"
        )
    print(f"of {', '.join(LIBRARIES)}:")
    for command in timed_commands[2:]:
        loaded = loaded_by(command, env)
        print(f"  {' '.join(command)} loads: {', '.join(loaded) or 'none'}")


if __name__ == "__main__":
    main()
