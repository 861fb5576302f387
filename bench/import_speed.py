"""`parcelwatch import` of a Maildir of Amazon emails about distinct parcels:
how many emails a second are read, parsed and recorded.

Run: .venv/bin/python -m bench.import_speed [--emails 2000] [--postgres] [--recent] [--profile]

The Maildir holds `emails` copies of the golden corpus's Amazon emails, each
about new orders and new parcels (bench/mail.py: new order ids, Message-IDs,
valid tracking numbers of the same carrier, Amazon shipment ids), so every
email records what a real mailbox's would: new orders and shipments, not the
same hundred over and over. The copies keep their templates' dates, so their
milestones are history and queue nothing (an import of an old archive); with
--recent they are dated in the hours before the run, and every milestone is
news: the notification rows are written too (no target is configured, so no
delivery rows). The import runs in this process through the
command's own code (the app of a config with no target, `read_local` as
`parcelwatch import` calls it) against a new SQLite file, or with --postgres a
new database on a PostgreSQL started for the run. The figure is emails per
second of that reading, and per CPU second of this process (steadier on shared
cores; on PostgreSQL the server's own CPU is not in it); the whole command (a
subprocess, with Python's start) is timed too, on SQLite.
"""

from __future__ import annotations

import argparse
import cProfile
import mailbox
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.mail import distinct_copy, distinct_templates
from daemon.cli.context import build_app
from daemon.cli.mail import read_local
from daemon.config.settings import load_settings
from daemon.mail import local
from daemon.service.progress import LogProgress
from tests.support import postgres
from tests.support.replay import redated

REPO = Path(__file__).resolve().parent.parent


def write_maildir(path: Path, count: int, *, recent: bool = False) -> None:
    """`count` distinct copies; with `recent`, dated in the last hours (one
    every 5 s up to now), so their milestones are news and queue notifications."""
    rng = random.Random(16)
    templates = distinct_templates()
    box = mailbox.Maildir(path, create=True)
    now = datetime.now(UTC)
    for n in range(count):
        copy = distinct_copy(templates[n % len(templates)], n, rng)
        if recent:
            copy = redated(copy, now - timedelta(seconds=5 * (count - n)))
        box.add(copy)


def config(directory: Path, url: str) -> Path:
    file = directory / "config.toml"
    file.write_text(f'[general]\nstate_dir = "{directory}"\ndatabase_url = "{url}"\n'
                    'log_level = "warning"\n')  # fmt: skip
    return file


def import_in_process(
    maildir: Path, directory: Path, url: str, profile: bool
) -> tuple[float, float, str]:
    """(wall seconds, this process's CPU seconds, the tally) of reading `maildir`."""
    env = {"HOME": str(directory)}
    app = build_app(load_settings(config(directory, url), env, required=True))
    progress = LogProgress(__import__("logging").getLogger("bench"))
    profiler = cProfile.Profile() if profile else None
    try:
        start, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        tally = read_local(
            app.pipeline, local.read(maildir), "bench", local.count(maildir), progress
        )
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        app.close()
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return seconds, cpu, tally.summary()


def whole_command(maildir: Path, directory: Path) -> float:
    directory.mkdir()
    file = config(directory, f"sqlite:///{directory / 'parcelwatch.db'}")
    env = {**os.environ, "HOME": str(directory)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "daemon.cli", "--config", str(file), "import",
                    "--no-notify", str(maildir)], env=env, cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--recent", action="store_true", help="date the copies in the last hours: news to push"
    )
    args = parser.parse_args()
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="parcelwatch-import-")))
        maildir = work / "Maildir"
        write_maildir(maildir, args.emails, recent=args.recent)
        url = f"sqlite:///{work / 'state' / 'parcelwatch.db'}"
        if args.postgres:
            url = stack.enter_context(postgres.running()).create_database("bench_import")
        (work / "state").mkdir()
        seconds, cpu, summary = import_in_process(maildir, work / "state", url, args.profile)
        kind = "PostgreSQL" if args.postgres else "SQLite"
        print(f"{kind}: {args.emails} emails in {seconds:.2f} s = "
              f"{args.emails / seconds:.0f} emails/s; {cpu:.2f} s of this process's CPU = "
              f"{args.emails / cpu:.0f} emails per CPU second ({summary})")  # fmt: skip
        if not args.postgres:
            whole = whole_command(maildir, work / "command")
            print(f"whole `parcelwatch import` command: {whole:.2f} s = "
                  f"{args.emails / whole:.0f} emails/s")  # fmt: skip


if __name__ == "__main__":
    main()
