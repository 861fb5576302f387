"""The `parcelwatch` command: global options, then one command, whose module
is imported only when it runs (so `--help` and `parse` do not pay for the
database, Apprise and the scheduler). Errors of the ConfigError tier end the
command with a one-line message and exit status 2."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from daemon.cli.statuses import EXIT_CONFIG, EXIT_FAILURE, Handler
from daemon.errors import ConfigError, ParcelwatchError
from daemon.service import logs

# Global options that take a value: the command is the first other word.
_VALUED = ("--config", "--log-level")


@dataclass(frozen=True)
class Command:
    """A command: its name, its module in daemon.cli (which defines
    configure_<name> and run_<name>) and its one-line summary."""

    name: str
    module: str
    summary: str

    @property
    def function(self) -> str:
        return self.name.replace("-", "_")

    def load(self) -> tuple[Callable[[argparse.ArgumentParser], None], Handler]:
        module = importlib.import_module(f"daemon.cli.{self.module}")
        configure: Callable[[argparse.ArgumentParser], None] = getattr(
            module, f"configure_{self.function}"
        )
        handler: Handler = getattr(module, f"run_{self.function}")
        return configure, handler


COMMANDS: tuple[Command, ...] = (
    Command("demo", "demo", "Run the whole pipeline on the bundled sample mailbox (no account "
            "needed)."),
    Command("import", "mail", "Read a Maildir, mbox or .eml files into the database, "
            "idempotently."),
    Command("sync", "mail", "One pass over the configured mail sources, then send due "
            "notifications."),
    Command("run", "run", "Watch the configured IMAP accounts (IDLE or polling) until stopped."),
    Command("web", "web", "Serve the web interface (pages, JSON API, metrics, carrier webhooks)."),
    Command("track", "carriers", "Track a parcel by hand (any retailer), with its carrier's "
            "updates."),
    Command("refresh", "carriers", "Ask the carriers now about an order or number (or all due)."),
    Command("list", "shipments", "Show active shipments as a table."),
    Command("show", "shipments", "Show an order (or tracking number): its shipments and their "
            "timelines."),
    Command("calendar", "calendar", "Write the parcels as an iCalendar feed (stdout or "
            "--output FILE)."),
    Command("parse", "parse", "Parse email files and print what parcelwatch finds, without "
            "storing it."),
    Command("unrecognised", "unread", "List the Amazon emails parcelwatch could not read."),
    Command("report", "unread", "Write an anonymised copy of an email parcelwatch could not read, "
            "for a bug report."),
    Command("check-config", "checks", "Validate the config file; say what is wrong, if "
            "anything."),
    Command("status", "checks", "Mail accounts' last check and error, outbox backlog, next "
            "carrier checks, database size."),
    Command("notify-test", "checks", "Send a sample notification to every configured target."),
)  # fmt: skip


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser(_chosen(argv)).parse_args(argv)
    with logs.installed(args.log_level or "info", env, sys.stderr):
        return _run(args.handler, args, env)


def _run(handler: Handler, args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """The command's exit status; errors of the tiers as one line on stderr."""
    try:
        return handler(args, env)
    except ConfigError as exc:
        print(f"parcelwatch: config error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except ParcelwatchError as exc:
        print(f"parcelwatch: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130


def _chosen(argv: Sequence[str]) -> Command | None:
    """The command named on the line, found before parsing so that only its
    module is imported."""
    names = {command.name: command for command in COMMANDS}
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in _VALUED:
            skip = True
        elif not word.startswith("-"):
            return names.get(word)
    return None


def _parser(chosen: Command | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parcelwatch",
        description="Track Amazon orders and parcels from your mailbox, with push notifications.",
    )
    parser.add_argument("--config", metavar="PATH", help="config file (default: "
                        "$XDG_CONFIG_HOME/parcelwatch/config.toml)")  # fmt: skip
    parser.add_argument("--log-level", choices=("debug", "info", "warning", "error"))
    parser.add_argument("--demo", action="store_true",
                        help="use the database of `parcelwatch demo` instead of yours")  # fmt: skip
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for command in COMMANDS:
        cmd = sub.add_parser(command.name, help=command.summary, description=command.summary)
        if command is chosen:
            configure, handler = command.load()
            configure(cmd)
            cmd.set_defaults(handler=handler)
    return parser


if __name__ == "__main__":
    sys.exit(main())
