"""`parcelwatch notify-test` and `parcelwatch outbox`: do the targets work,
and what waits or failed.

`outbox` and `outbox retry` only touch the database (no secret is read): the
running daemon sends what was queued again within a minute, `parcelwatch sync`
sends it otherwise.
"""

from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from daemon.cli.context import Reader, with_app, with_reader
from daemon.cli.statuses import EXIT_FAILURE, EXIT_OK
from daemon.cli.terminal import Terminal, fit
from daemon.cli.when import stamp
from daemon.notify.outbox import Outbox
from daemon.store.alive import process_alive, running
from daemon.store.heartbeat import Heartbeat
from daemon.store.views import Unsent
from parsers.model import Milestone

if TYPE_CHECKING:
    from daemon.app import App

# notify-test's words for Apprise's outcomes: none reads like a parcel's status.
_OUTCOMES = {"failure": "failed", "partial": "partly sent", "timeout": "timed out"}
_WORDS = {"pending": "WAITING", "sending": "SENDING", "failed": "FAILED"}


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
        from daemon.notify.sample import sample_photo, sample_snapshot

        today = app.clock().astimezone(app.zone).date()
        photo = sample_photo() if milestone is Milestone.DELIVERED else None
        results = app.notifier.send_test(sample_snapshot(milestone, today), photo)
        for result in results:
            if result.ok:
                print(f"{result.target}: sent")
            else:
                outcome = _OUTCOMES.get(result.status, result.status)
                print(f"{result.target}: not sent, {outcome}: {result.detail}")
        return EXIT_OK if all(r.ok for r in results) else EXIT_FAILURE

    return with_app(args, env, work)


def configure_outbox(cmd: argparse.ArgumentParser) -> None:
    actions = cmd.add_subparsers(dest="action", metavar="ACTION")
    retry = actions.add_parser(
        "retry",
        help="queue failed deliveries again (each notification once per target)",
        description="Queue the deliveries that were given up again, for one target or all.",
    )
    retry.add_argument("target", nargs="?", metavar="TARGET", help="only this target's")


def run_outbox(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(reader: Reader) -> int:
        outbox = Outbox(reader.store)
        if args.action == "retry":
            return _retry(reader, outbox, args.target)
        _show(reader, outbox.unsent(), Terminal.of(sys.stdout, env))
        return EXIT_OK

    return with_reader(args, env, work)


def _show(reader: Reader, unsent: list[Unsent], terminal: Terminal) -> None:
    if not unsent:
        print("The outbox is empty: nothing waits to be sent, nothing failed.")
        return
    width = max(len(u.target) for u in unsent)
    room = (terminal.width or 120) - width - 12
    for item in unsent:
        styles = ("red",) if item.status == "failed" else ()
        word = terminal.paint(f"{_WORDS[item.status]:<8}", *styles)
        print(f"{word} {item.target:<{width}}  {fit(item.title, max(room, 20))}")
        print(" " * (width + 11) + _detail(item, reader))
    failed = sum(1 for u in unsent if u.status == "failed")
    waiting = len(unsent) - failed
    print(f"\n{waiting} waiting, {failed} failed.", end="")
    print(" `parcelwatch outbox retry [TARGET]` queues the failed ones again." if failed else "")


def _detail(item: Unsent, reader: Reader) -> str:
    error = f": {item.last_error}" if item.last_error else ""
    if item.status == "failed":
        return f"gave up after {item.attempts} attempts{error}"
    if item.status == "sending":
        return "being sent now"
    when = stamp(item.next_attempt_at, reader.clock(), reader.zone)
    tried = f"; attempt {item.attempts} failed{error}" if item.attempts else ""
    return f"next try {when}{tried}"


def _retry(reader: Reader, outbox: Outbox, target: str | None) -> int:
    known = outbox.targets() | {t.name for t in reader.settings.notify.targets}
    if target is not None and target not in known:
        names = ", ".join(sorted(known - {"-"})) or "none"
        print(f"No target named {target!r} (known: {names}).", file=sys.stderr)
        return EXIT_FAILURE
    count = outbox.retry_failed(reader.clock(), target)
    whose = f" to {target}" if target else ""
    if not count:
        print(f"Nothing to retry: no delivery{whose} was given up.")
        return EXIT_OK
    plural = "delivery" if count == 1 else "deliveries"
    host, now = socket.gethostname(), reader.clock()
    daemons = Heartbeat(reader.store).read_all()
    if any(running(view, now, host, process_alive) for view in daemons):
        then = "the running daemon sends them within a minute"
    else:
        then = "`parcelwatch sync` (or starting the service) sends them"
    print(f"Queued {count} failed {plural}{whose} again; {then}.")
    return EXIT_OK
