"""`parcelwatch run`: the long-running daemon, started from the command line
or by systemd (daemon.service does the work)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence

from daemon.app import App, build
from daemon.cli.context import selected_accounts, settings
from daemon.cli.statuses import EXIT_FAILURE, EXIT_OK
from daemon.config.imap import ImapAccount
from daemon.service import runner
from daemon.service.systemd import SystemdNotifier


def configure_run(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--account",
        action="append",
        metavar="NAME",
        help="watch only this [[imap]] account (repeatable; default: all)",
    )


def run_run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def load() -> tuple[App, Sequence[ImapAccount]]:
        loaded = settings(args, env)
        accounts = selected_accounts(loaded, args.account)
        return build(loaded), accounts

    signals = runner.Signals()
    restore = signals.install()  # first: a stop asked for during start-up is a clean stop too
    try:
        app, accounts = load()  # a broken config stops here, before any work
        if not accounts:
            app.close()
            print("No IMAP accounts configured: add an [[imap]] section (see config.example.toml).")
            return EXIT_FAILURE
        systemd = SystemdNotifier.from_env(env, os.getpid())
        try:
            ok = runner.run(load, signals, systemd, first=(app, accounts))
        finally:
            systemd.close()
        return EXIT_OK if ok else EXIT_FAILURE
    finally:
        restore()
