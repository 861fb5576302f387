"""`parcelwatch check-config`, `status` and `notify-test`: is everything set
up and working?"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Mapping

from daemon.app import App, build
from daemon.cli.context import settings, with_app
from daemon.cli.statuses import EXIT_FAILURE, EXIT_OK
from daemon.config.web import WebSettings
from daemon.notify.sample import sample_photo, sample_snapshot
from daemon.service import status
from parsers.model import Milestone


def configure_check_config(cmd: argparse.ArgumentParser) -> None:
    return None


def run_check_config(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    loaded = settings(args, env)
    app = build(loaded)  # also proves the database and Apprise URLs are usable
    try:
        targets = len(app.notifier.target_names)
        for tag in app.routing.unused_tags():
            logging.getLogger("parcelwatch").warning(
                "notify.route: no target has the tag %r; what is routed to it goes nowhere", tag
            )
    finally:
        app.close()
    engine = "sqlite" if loaded.database_url.reveal().startswith("sqlite") else "external"
    print(
        f"config OK: {loaded.source} ({len(loaded.imap)} IMAP accounts, "
        f"{len(loaded.mailboxes)} mailboxes, {targets} notification targets, "
        f"database {engine})"
    )
    print(_web_line(loaded.web, loaded.carriers.pushed))
    return EXIT_OK


def _web_line(web: WebSettings, pushed: frozenset[str]) -> str:
    """Where `run` serves the pages and who may open them."""
    if web.listen is None:
        line = "web: not served by `parcelwatch run` (set [web] listen, or run `parcelwatch web`)"
    else:
        host = f"[{web.listen.host}]" if ":" in web.listen.host else web.listen.host
        who = "token required" if web.token else "loopback only, no token"
        line = f"web: http://{host}:{web.listen.port}{web.base_path}/ with `parcelwatch run`, {who}"
    if pushed:
        line += f"; webhooks: {', '.join(f'/hooks/{name}' for name in sorted(pushed))}"
    return line


def configure_status(cmd: argparse.ArgumentParser) -> None:
    return None


def run_status(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        snap = status.gather(app.store, app.outbox)
        print(status.render(snap, [a.name for a in app.settings.imap], app.zone))
        return EXIT_OK

    return with_app(args, env, work)


def configure_notify_test(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--milestone",
        choices=[m.value for m in Milestone],
        default=Milestone.OUT_FOR_DELIVERY.value,
        help="which milestone the sample announces (default: out_for_delivery)",
    )


def run_notify_test(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    milestone = Milestone(args.milestone)

    def work(app: App) -> int:
        if not app.notifier.target_names:
            print(
                "No notification targets configured: add a [[notify.target]] section "
                "or [notify] apprise_config."
            )
            return EXIT_FAILURE
        today = app.clock().astimezone(app.zone).date()
        photo = sample_photo() if milestone is Milestone.DELIVERED else None
        results = app.notifier.send_test(sample_snapshot(milestone, today), photo)
        width = max(len(r.target) for r in results)
        for result in results:
            word = "ok" if result.ok else result.status.upper()
            print(f"{result.target:<{width}}  {word:<8} {result.detail}")
        return EXIT_OK if all(r.ok for r in results) else EXIT_FAILURE

    return with_app(args, env, work)
