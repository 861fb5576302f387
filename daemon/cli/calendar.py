"""`parcelwatch calendar`: the parcels as an iCalendar feed, on standard output
or in a file (daemon.calendar writes it)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from daemon.app import App
from daemon.calendar.file import FeedFile
from daemon.cli.context import with_app
from daemon.cli.statuses import EXIT_OK
from daemon.errors import PermanentError


def configure_calendar(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--all",
        action="store_true",
        help="also parcels archived by housekeeping (delivered long ago)",
    )
    cmd.add_argument("--output", metavar="FILE", help="write the feed to FILE instead of stdout")


def run_calendar(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        def make() -> bytes:
            return app.calendar_feed(include_archived=args.all)

        if args.output is None:
            sys.stdout.buffer.write(make())
            sys.stdout.flush()
            return EXIT_OK
        path = Path(args.output).expanduser()
        try:
            written = FeedFile(path, make).refresh()
        except OSError as exc:
            raise PermanentError(
                f"cannot write the calendar to {path}: {exc.strerror or type(exc).__name__}"
            ) from None
        print(f"{path}: {'written' if written else 'unchanged'}", file=sys.stderr)
        return EXIT_OK

    return with_app(args, env, work)
