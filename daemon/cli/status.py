"""`parcelwatch status`: whether the daemon runs, each mail account's last
check (and what it waits for), shipments, the outbox and the next carrier
checks, in local time with the zone. It only reads the database, so it works
beside the service without its secrets."""

from __future__ import annotations

import argparse
import socket
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo

from daemon.cli.context import Viewer, with_viewer
from daemon.cli.statuses import EXIT_OK
from daemon.cli.when import stamp
from daemon.notify.wording import carrier_label
from daemon.service import snapshot
from daemon.store.alive import process_alive, running
from daemon.store.views import AccountView, DaemonView

# What re-tries a waiting account when no daemon runs: one pass now.
RETRY_COMMAND = "parcelwatch sync --retry"


def configure_status(cmd: argparse.ArgumentParser) -> None:
    return None


def run_status(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(viewer: Viewer) -> int:
        snap = snapshot.gather(viewer.views)
        configured = [a.name for a in viewer.settings.imap]
        print(render(snap, configured, viewer.zone, viewer.clock()))
        return EXIT_OK

    return with_viewer(args, env, work)


def render(
    snap: snapshot.Snapshot, configured: Sequence[str], zone: tzinfo | None, now: datetime
) -> str:
    host = socket.gethostname()
    up = [view for view in snap.daemons if running(view, now, host, process_alive)]
    shown = up or list(snap.daemons[:1])
    lines = [daemon_line(view, view in up, zone, now) for view in shown] or [
        daemon_line(None, False, zone, now)
    ]
    lines.append(f"Database: {snap.database}" + _size(snap.database_bytes))
    lines.append("Mail accounts:")
    known = {a.account: a for a in snap.accounts}
    names = list(dict.fromkeys([*configured, *known]))
    if not names:
        lines.append("  none configured")
    width = max((len(n) for n in names), default=0)
    retry = up[0].reload_command if up else RETRY_COMMAND
    for name in names:
        lines.append(f"  {name:<{width}}  " + _account(known.get(name), zone, now, retry))
    lines.append(
        f"Shipments: {snap.active} active, {snap.finished} finished, {snap.archived} archived"
    )
    sent = snap.outbox.get("sent", 0)
    failed, unmatched = snap.outbox.get("failed", 0), snap.outbox.get("no_match", 0)
    lines.append(
        f"Outbox: {snap.backlog} waiting, {sent} sent, {failed} failed, {unmatched} no match"
    )
    for problem in snap.problems:
        reason = problem.last_error or ""
        lines.append(f"  {problem.status} {problem.title!r} to {problem.target}: {reason}")
    if failed:
        lines.append("  (`parcelwatch outbox` lists them; `parcelwatch outbox retry` sends again)")
    lines.append("Next carrier checks:" if snap.next_checks else "Next carrier checks: none due")
    for check in snap.next_checks:
        carrier = carrier_label(check.carrier) if check.carrier else "?"
        when = stamp(check.at, now, zone)
        lines.append(f"  {when}  {carrier} {check.tracking_number or ''}  {check.what}")
    lines.append(f"Unrecognised Amazon emails: {snap.unrecognised}" + (
        " (`parcelwatch unrecognised` lists them; Amazon may have changed a template)"
        if snap.unrecognised else ""))  # fmt: skip
    return "\n".join(lines)


def daemon_line(view: DaemonView | None, up: bool, zone: tzinfo | None, now: datetime) -> str:
    """ "Daemon: running since today 08:00 CEST (pid 1234 on pi), last heard from
    today 12:35 CEST", or why it is not running."""
    if view is None:
        return "Daemon: not running (never started on this database)"
    if up:
        reads = f", reading {', '.join(view.accounts)}" if view.accounts else ""
        return (
            f"Daemon: running since {stamp(view.started_at, now, zone)} (pid {view.pid} on "
            f"{view.host}{reads}), last heard from {stamp(view.heartbeat_at, now, zone)}"
        )
    if view.stopped_at is not None:
        return f"Daemon: not running (stopped {stamp(view.stopped_at, now, zone)})"
    return (
        f"Daemon: not running (last heard from {stamp(view.heartbeat_at, now, zone)}; "
        "it did not stop cleanly)"
    )


def _account(view: AccountView | None, zone: tzinfo | None, now: datetime, retry: str) -> str:
    if view is None:
        return "not checked yet"
    checked = "last checked " + (
        stamp(view.last_success_at, now, zone) if view.last_success_at else "never"
    )
    if view.waiting:
        waiting = snapshot.waiting_line(view, zone, retry).partition(": ")[2]
        return f"{waiting} ({checked})"
    if (
        view.last_error
        and view.last_error_at
        and (view.last_success_at is None or view.last_error_at > view.last_success_at)
    ):
        checked += f"; last error {stamp(view.last_error_at, now, zone)}: {view.last_error}"
    return checked


def _size(size: int | None) -> str:
    if size is None:
        return ""
    return f" ({size / 1_000_000:.1f} MB)" if size >= 100_000 else f" ({size / 1000:.0f} kB)"
