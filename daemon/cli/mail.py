"""`parcelwatch import` and `parcelwatch sync`: reading mail once."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from daemon.app import App
from daemon.calendar.file import FeedFile
from daemon.cli.context import deliver, refresh, with_app
from daemon.cli.statuses import EXIT_FAILURE, EXIT_OK
from daemon.config.mqtt import MqttSettings
from daemon.errors import TransientError
from daemon.mail import local


def configure_import(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "paths", nargs="+", metavar="PATH", help="Maildir, mbox file, .eml folder or file"
    )
    cmd.add_argument("--no-notify", action="store_true", help="queue notifications, send none now")


def run_import(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        for name in args.paths:
            tally = app.pipeline.process_all(local.read(Path(name).expanduser()))
            print(f"{name}: {tally.summary()}")
        if not args.no_notify:
            deliver(app)
        return EXIT_OK

    return with_app(args, env, work)


def configure_sync(cmd: argparse.ArgumentParser) -> None:
    return None


def run_sync(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        settings = app.settings
        if not settings.mailboxes and not settings.imap:
            print(
                "No mail sources configured: add an [[imap]] or a [[mailbox]] section "
                "(see config.example.toml)."
            )
        for box in settings.mailboxes:
            tally = app.pipeline.process_all(local.read(box.path, box.name))
            print(f"{box.name}: {tally.summary()}")
        status = EXIT_OK
        for result in app.mailboxes().sync(settings.imap):
            if result.error:
                print(f"{result.account}: failed: {result.error}", file=sys.stderr)
                status = EXIT_FAILURE
            for report in result.reports:
                print(f"{result.account}/{report}")
            if not result.error:
                print(f"{result.account}: checked in {result.seconds:.1f} s")
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
