"""`parcelwatch demo`: the whole pipeline on the sample mailbox that ships in
the package (so it works after `pipx install`, from any directory), with its
own database and the console as the only notification target. It makes no
network request: the delivery photo its sample links to is left out.

The demo replays the mailbox as it happened: each email is read, and its
notifications sent, at the moment it was sent (its Date, plus a minute), as a
daemon running in March 2026 would have. Read all at once today, every sample
would be history (older than [notify] max_age) and nothing would be pushed;
the replay shows what a newcomer's own mail will do. `list` then shows the
parcels as they stood after the last email.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from daemon.app import build
from daemon.cli import listing
from daemon.cli.context import demo_settings
from daemon.cli.statuses import EXIT_OK
from daemon.cli.terminal import Terminal
from daemon.config.notify import NotifyTarget
from daemon.config.secrets import Secret
from daemon.config.settings import defaults
from daemon.errors import ConfigError
from daemon.mail import local
from daemon.notify.targets import register_console
from daemon.pipeline import Tally
from parsers.message import parse_message

SAMPLE_MAILBOX = Path(__file__).resolve().parent / "sample_mailbox"
# How long after its Date the replay reads a sample email.
READ_AFTER = timedelta(minutes=1)


class Replay:
    """The demo's clock: the moment each sample email is read, one minute after
    its Date, so that its milestones are news, as they were then."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def arrive(self, data: bytes) -> None:
        """Move to one minute after this email's Date (an email without one is
        read at the moment of the one before)."""
        sent = parse_message(data).date
        if sent is not None:
            self.now = sent + READ_AFTER


def configure_demo(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--reset", action="store_true", help="forget the previous demo run first")
    cmd.add_argument("--mailbox", metavar="PATH", help="another sample Maildir to use")


def run_demo(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    mailbox = Path(args.mailbox) if args.mailbox else SAMPLE_MAILBOX
    if not mailbox.exists():
        raise ConfigError(
            "demo", "--mailbox", f"sample mailbox {mailbox} not found (give a Maildir)"
        )
    settings = demo_settings(defaults(env), env)
    database = settings.state_dir / "demo.db"
    if args.reset:
        for path in settings.state_dir.glob("demo.db*"):
            path.unlink()
    console = NotifyTarget("console", Secret("inline", register_console()))
    notify = replace(settings.notify, targets=(console,), photos=False)
    clock = Replay(datetime.now(UTC))
    app = build(replace(settings, notify=notify), clock)
    try:
        print(f"Reading the sample mailbox {mailbox}\ninto the demo database {database}")
        print("as each email came: the clock replays each email's Date\n")
        tally = Tally()
        sent = 0
        for raw in local.read(mailbox, "sample"):
            clock.arrive(raw.data)
            tally.add(app.pipeline.process(raw))
            sent += app.deliver().sent
        if not sent:
            print("No new notifications: every sample email was already processed.")
            print("(Run `parcelwatch demo --reset` to start over.)")
        print(f"\n{tally.summary()}\n")
        shipments = app.store.shipments(include_finished=True)
        orders = app.store.unshipped_orders(include_finished=True)
        table = listing.rows(shipments, orders, app.clock(), app.zone, app.settings.late_after_days)
        print(listing.render(table, Terminal.of(sys.stdout, env)))
        if shipments and shipments[-1].order_ids:
            print(f"\nTry: parcelwatch --demo show {shipments[-1].order_ids[0]}")
    finally:
        app.close()
    return EXIT_OK
