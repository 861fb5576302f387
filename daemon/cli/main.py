"""The `parcelwatch` command: global options (before or after the command),
then one command, whose module is imported only when it runs (so `--help` and
`parse` do not pay for the database, Apprise and the scheduler).

Errors end the command with a one-line message and the exit status of their
tier (daemon.cli.statuses): 2 for the configuration, 3 for a database the user
must mend, 4 for a database another daemon holds, 1 for the rest. A reader
that closes the pipe (`parcelwatch list | head -1`) ends the command quietly."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from daemon.cli.statuses import (
    EXIT_CONFIG,
    EXIT_DATABASE,
    EXIT_FAILURE,
    EXIT_IN_USE,
    EXIT_INTERRUPTED,
    EXIT_PIPE,
    Handler,
)
from daemon.errors import ConfigError, DatabaseInUseError, DatabaseUnusableError, ParcelwatchError
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
    Command("archive", "archive", "Archive an order or parcel by hand: gone from `list`, its "
            "carrier no longer asked."),
    Command("unarchive", "archive", "Bring an archived order or parcel back."),
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
            "anything (--connect: also log in to each account)."),
    Command("status", "status", "Whether the daemon runs; mail accounts' last check and error, "
            "outbox backlog, next carrier checks, database size."),
    Command("notify-test", "notifications", "Send a sample notification to every configured "
            "target."),
    Command("outbox", "notifications", "List waiting and failed notifications; `outbox retry "
            "[TARGET]` queues the failed ones again."),
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
        status = handler(args, env)
        sys.stdout.flush()  # here, so that a closed pipe is caught below
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_PIPE
    except ConfigError as exc:
        print(f"parcelwatch: config error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except DatabaseUnusableError as exc:
        print(f"parcelwatch: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    except DatabaseInUseError as exc:
        print(f"parcelwatch: {exc}", file=sys.stderr)
        return EXIT_IN_USE
    except ParcelwatchError as exc:
        print(f"parcelwatch: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        mapped = _database_failure(exc)
        if mapped is None:
            raise
        print(f"parcelwatch: {mapped}", file=sys.stderr)
        return EXIT_DATABASE if isinstance(mapped, DatabaseUnusableError) else EXIT_FAILURE
    return status


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush at exit finds
    no closed pipe to complain about."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _database_failure(exc: Exception) -> ParcelwatchError | None:
    """A database error that escaped a command (a file damaged while in use),
    in its tier; None for anything else. SQLAlchemy is only looked at when a
    command loaded it."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return None
    from daemon.store.failures import database_error

    return database_error(exc, None)


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
    parser.add_argument("--version", action=_Version)
    _global_options(parser, after_command=False)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for command in COMMANDS:
        cmd = sub.add_parser(command.name, help=command.summary, description=command.summary)
        if command is chosen:
            configure, handler = command.load()
            configure(cmd)
            _global_options(cmd.add_argument_group("global options"), after_command=True)
            cmd.set_defaults(handler=handler)
    return parser


def _global_options(parser: argparse._ActionsContainer, *, after_command: bool) -> None:
    """--config, --log-level and --demo, before the command or after it. After
    it they default to "not given", so they do not undo the same option given
    before it."""
    unset = argparse.SUPPRESS if after_command else None
    parser.add_argument("--config", metavar="PATH", default=unset, help="config file (default: "
                        "$XDG_CONFIG_HOME/parcelwatch/config.toml)")  # fmt: skip
    parser.add_argument("--log-level", choices=("debug", "info", "warning", "error"),
                        default=unset)  # fmt: skip
    parser.add_argument("--demo", action="store_true",
                        default=argparse.SUPPRESS if after_command else False,
                        help="use the database of `parcelwatch demo` instead of yours")  # fmt: skip


class _Version(argparse.Action):
    """--version: looked up in the installed package's metadata only when asked
    (importlib.metadata costs more than the rest of `--help`)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                         nargs=0, help="print parcelwatch's version and exit")  # fmt: skip

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("parcelwatch")
        except PackageNotFoundError:
            number = "(not installed)"
        print(f"parcelwatch {number}")
        parser.exit()


if __name__ == "__main__":
    sys.exit(main())
