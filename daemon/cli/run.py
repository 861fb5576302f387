"""`parcelwatch run`: the long-running daemon, started from the command line
or by systemd (daemon.service does the work)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from daemon.app import App, build
from daemon.cli.context import selected_accounts, settings
from daemon.cli.statuses import EXIT_FAILURE, EXIT_OK
from daemon.config.imap import ImapAccount
from daemon.config.secrets import resolve_all
from daemon.service import loop
from daemon.service.signals import Signals
from daemon.service.systemd import SystemdNotifier, reload_command


def configure_run(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--account",
        action="append",
        metavar="NAME",
        help="watch only this [[imap]] account (repeatable; default: all)",
    )


def run_run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def load() -> tuple[App, Sequence[ImapAccount]]:
        loaded = resolve_all(settings(args, env))  # every secret, before anything else
        accounts = selected_accounts(loaded, args.account)
        return build(loaded), accounts

    signals = Signals()
    restore = signals.install()  # first: a stop asked for during start-up is a clean stop too
    try:
        first = load()  # a broken config stops here, before any work
        identity = loop.Identity.of_this_process(reload_command(env, os.getpid(), _cgroup()))
        systemd = SystemdNotifier.from_env(env, os.getpid())
        try:
            ok = loop.run(load, signals, systemd, identity, first=first)
        finally:
            systemd.close()
        return EXIT_OK if ok else EXIT_FAILURE
    finally:
        restore()


def _cgroup() -> str:
    """This process's control groups, which name its systemd unit."""
    try:
        return Path("/proc/self/cgroup").read_text()
    except OSError:
        return ""
