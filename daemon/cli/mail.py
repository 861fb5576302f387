"""`parcelwatch import` and `parcelwatch sync`: reading mail once.

Long reads show their progress on stderr: a bar on a terminal, a log line every
few seconds elsewhere (the sync timer's journal). An account whose login was
refused is not tried again by the next `sync` (the timer's, five minutes
later: each try is one more failed login on the server) until the configuration
or one of the account's secret files changes, or `sync --retry` asks for it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from daemon.app import App
from daemon.calendar.file import FeedFile
from daemon.cli.context import deliver, refresh, with_app
from daemon.cli.statuses import EXIT_FAILURE, EXIT_OK
from daemon.cli.when import stamp
from daemon.config.imap import ImapAccount
from daemon.config.mqtt import MqttSettings
from daemon.config.secrets import secrets_in
from daemon.errors import TransientError
from daemon.mail import local
from daemon.mail.progress import Progress
from daemon.mail.raw import RawMessage
from daemon.pipeline import Pipeline, Tally
from daemon.service.progress import BarProgress, LogProgress
from daemon.store.stories import Quiet
from daemon.store.views import AccountView


def progress_for(env: Mapping[str, str]) -> Progress:
    """A bar when stderr is a terminal, else log lines every few seconds."""
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    if tty and env.get("TERM") != "dumb":
        return BarProgress(sys.stderr)
    return LogProgress(logging.getLogger("parcelwatch"))


def read_local(
    pipeline: Pipeline,
    messages: Iterable[RawMessage],
    what: str,
    total: int | None,
    progress: Progress,
) -> Tally:
    tally = Tally()
    task = progress.task(what, total)
    try:
        for outcome in pipeline.process_stream(messages):
            tally.add(outcome)
            claimed = outcome.result is not None and outcome.result.parser is not None
            task.advance(1, int(claimed))
    finally:
        task.finish()
    return tally


def configure_import(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "paths", nargs="+", metavar="PATH", help="Maildir, mbox file, .eml folder or file"
    )
    cmd.add_argument(
        "--no-notify",
        action="store_true",
        help="only record: queue no notification at all, however recent the mail",
    )


def run_import(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    progress = progress_for(env)

    def work(app: App) -> int:
        pipeline = app.pipeline
        if args.no_notify:
            # Nothing is queued, so nothing waits to be sent by the next sync or run.
            pipeline = pipeline.with_announcer(replace(app.routing, milestones=frozenset()))
        for name in args.paths:
            path = Path(name).expanduser()
            tally = read_local(pipeline, local.read(path), name, local.count(path), progress)
            print(f"{name}: {tally.summary()}")
        if args.no_notify:
            print("notifications: none queued (--no-notify); the milestones are in the timeline")
        else:
            deliver(app)
        return EXIT_OK

    return with_app(args, env, work)


def configure_sync(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--retry",
        action="store_true",
        help="also try the accounts whose login was refused (by default they wait until the "
        "configuration or their secret files change)",
    )


def run_sync(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    progress = progress_for(env)

    def work(app: App) -> int:
        settings = app.settings
        if not settings.mailboxes and not settings.imap:
            print(
                "No mail sources configured: add an [[imap]] or a [[mailbox]] section "
                "(see config.example.toml)."
            )
        for box in settings.mailboxes:
            messages = local.read(box.path, box.name)
            tally = read_local(app.pipeline, messages, box.name, local.count(box.path), progress)
            print(f"{box.name}: {tally.summary()}")
            app.greet("mailbox", box.name)
        status = _sync_accounts(app, progress, retry=args.retry)
        quiet = app.end_stories()
        if quiet.shipments or quiet.orders:
            print(f"no news for {settings.carriers.stale_days} days: {_gone_quiet(quiet)}")
        if settings.carriers.backends:
            refresh(app, None)
        else:
            deliver(app)
        if settings.calendar.path is not None:
            FeedFile(settings.calendar.path, app.calendar_feed).refresh()
        if settings.mqtt is not None and not publish_once(app, settings.mqtt):
            status = EXIT_FAILURE
        return status

    return with_app(args, env, work)


def _gone_quiet(quiet: Quiet) -> str:
    parts = [f"{quiet.shipments} parcel(s)"] if quiet.shipments else []
    parts += [f"{quiet.orders} order(s) never shipped"] if quiet.orders else []
    return " and ".join(parts) + " now stale"


def _sync_accounts(app: App, progress: Progress, *, retry: bool) -> int:
    """One pass over the [[imap]] accounts, but those waiting for the user."""
    status = EXIT_OK
    accounts = []
    known = {view.account: view for view in app.store.account_statuses()}
    for account in app.settings.imap:
        skipped = None if retry else _still_waiting(account, known, app.settings.source, app)
        if skipped:
            print(skipped, file=sys.stderr)
            status = EXIT_FAILURE
        else:
            accounts.append(account)
    boxes = app.mailboxes()
    boxes.progress = progress
    for result in boxes.sync(accounts):
        if result.error:
            print(f"{result.account}: failed: {result.error}", file=sys.stderr)
            status = EXIT_FAILURE
        for report in result.reports:
            print(f"{result.account}/{report}")
        if not result.error:
            print(f"{result.account}: checked in {result.seconds:.1f} s")
    return status


def publish_once(app: App, mqtt: MqttSettings) -> bool:
    """Bring Home Assistant up to date once (a timer-driven install has no
    daemon to do it); under its own client id, beside a running daemon."""
    bridge = app.home_assistant(mqtt, client_id=f"{mqtt.client_id}-sync")
    try:
        report = bridge.publish_once()
    except TransientError as exc:
        print(f"home assistant: {exc}; the next sync tries again", file=sys.stderr)
        return False
    print(
        f"home assistant: {report.published} published, {report.cleared} cleared, "
        f"{report.fired} events fired"
    )
    return True


def _still_waiting(
    account: ImapAccount, known: Mapping[str, AccountView], source: str, app: App
) -> str | None:
    """Why `account` is skipped: its login was refused and nothing it depends
    on changed since; None when it should be tried."""
    view = known.get(account.name)
    if view is None or not view.waiting or view.last_error_at is None:
        return None
    changed = _last_change([Path(source), *_secret_files(account)])
    if changed is not None and changed > view.last_error_at:
        return None
    when = stamp(view.last_error_at, app.clock(), app.zone)
    fix = f"{view.waiting_fix}, then" if view.waiting_fix else "then"
    return (
        f"{account.name}: not tried: {view.waiting} {when}; {fix} change the configuration "
        "or run `parcelwatch sync --retry`"
    )


def _secret_files(account: ImapAccount) -> list[Path]:
    files = []
    for secret in secrets_in(account):
        where = secret.where
        if where is not None and where.kind == "file":
            files.append(Path(where.name))
        elif where is not None and where.kind == "credential":
            directory = where.env.get("CREDENTIALS_DIRECTORY", "")
            if directory:
                files.append(Path(directory) / where.name)
    return files


def _last_change(paths: list[Path]) -> datetime | None:
    times = []
    for path in paths:
        try:
            times.append(datetime.fromtimestamp(path.stat().st_mtime, UTC))
        except OSError:
            continue
    return max(times) if times else None
