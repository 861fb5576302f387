"""`parcelwatch run`'s main thread: claim the database, run a Service, and
wake up at least once a minute until stopped.

Each wake-up renews the heartbeat `status` reads, pings systemd's watchdog,
updates the STATUS line, hands the outbox anything a user re-queued
(`parcelwatch outbox retry`), and checks that the database file is still the one
opened: a file deleted or replaced under the daemon (a restore, a cleanup) ends
the run with one error line, and the restart opens the file that is there now.

SIGTERM/SIGINT: the scheduler finishes the job at hand, the watchers leave IDLE
and close their connections, the heartbeat says "stopped", and `run` returns.
SIGHUP: the configuration is read again; if it is valid the daemon restarts its
parts with it (so an account that waited for the user is tried again),
otherwise it says why and keeps going with the configuration it has.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import OperationalError

from daemon.app import App
from daemon.config.imap import ImapAccount
from daemon.errors import DatabaseInUseError, ParcelwatchError
from daemon.mail.progress import Progress
from daemon.service.progress import Both, LogProgress, StatusProgress
from daemon.service.runner import Service
from daemon.service.signals import Signals
from daemon.service.systemd import SystemdNotifier
from daemon.store.alive import process_alive
from daemon.store.failures import describe
from daemon.store.heartbeat import Heartbeat
from daemon.store.views import DaemonView

log = logging.getLogger(__name__)

STATUS_SECONDS = 60.0

# Builds the app and picks the accounts from the configuration as it is now;
# raises ConfigError when the file is wrong.
Loader = Callable[[], tuple[App, Sequence[ImapAccount]]]


@dataclass(frozen=True)
class Identity:
    """Who this daemon is, for the heartbeat row: process, host, and how the
    user makes it reload ("systemctl reload parcelwatch")."""

    pid: int
    host: str
    reload_command: str

    @classmethod
    def of_this_process(cls, reload_command: str) -> Identity:
        return cls(os.getpid(), socket.gethostname(), reload_command)

    def view(self, now: datetime) -> DaemonView:
        return DaemonView(self.pid, self.host, now, now, None, self.reload_command)


def holder_text(holder: DaemonView) -> str:
    since = holder.started_at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return f"parcelwatch run (pid {holder.pid} on {holder.host}, since {since})"


def run(
    load: Loader,
    signals: Signals,
    systemd: SystemdNotifier,
    identity: Identity,
    *,
    first: tuple[App, Sequence[ImapAccount]] | None = None,
) -> bool:
    """Run until stopped (True), or until the database file was deleted or
    replaced (False). Raises DatabaseInUseError when another daemon holds it."""
    app, accounts = first or load()
    claim(app, identity, accounts)
    service = _service(app, accounts, signals, systemd, identity)
    wait = min(systemd.watchdog_interval() or STATUS_SECONDS, STATUS_SECONDS)
    try:
        service.start()
        said_idle = _report_idle(service, False)
        systemd.ready(service.status() if systemd.enabled else "")
        while not signals.stop_requested:
            signals.wait(wait)
            if signals.stop_requested:
                break
            if signals.take_reload():
                service = _reload(service, load, signals, systemd, identity)
                said_idle = False
            moved = service.app.store.replaced()
            if moved is not None:
                log.error(
                    "the database file %s was %s while parcelwatch ran; stopping, so that the "
                    "restart opens the file that is there now",
                    describe(service.app.store.url), moved,
                )  # fmt: skip
                return False
            _beat(service, identity)
            service.nudge_outbox()
            said_idle = _report_idle(service, said_idle)
            if systemd.enabled:
                systemd.watchdog()
                systemd.status(service.status())
    finally:
        systemd.stopping()
        service.stop()
        _release(service, identity)
        service.app.close()
    log.info("stopped")
    return True


def claim(app: App, identity: Identity, accounts: Sequence[ImapAccount]) -> None:
    """Make this daemon the one reading `accounts` from the database;
    DatabaseInUseError (and the app closed) when another running one reads
    them (or any of them). Daemons reading different accounts share it."""
    beat = Heartbeat(app.store, _names(accounts))
    holder = beat.claim(identity.view(datetime.now(UTC)), process_alive)
    if holder is None:
        return
    app.close()
    theirs = f" (reading {', '.join(holder.accounts)})" if holder.accounts else ""
    raise DatabaseInUseError(
        f"database {describe(app.store.url)} is in use by {holder_text(holder)}{theirs}; stop "
        "that one first (one daemon per set of mail accounts), or give this one its own "
        "[general] state_dir"
    )


def _names(accounts: Sequence[ImapAccount]) -> list[str]:
    return [account.name for account in accounts]


def _service(
    app: App,
    accounts: Sequence[ImapAccount],
    signals: Signals,
    systemd: SystemdNotifier,
    identity: Identity,
) -> Service:
    service: Service | None = None

    def back_to_status() -> None:
        if service is not None:
            systemd.status(service.status())

    progress: Progress = LogProgress(logging.getLogger("daemon.mail"))
    if systemd.enabled:
        progress = Both(progress, StatusProgress(systemd, back_to_status))
    service = Service(
        app,
        accounts,
        reload_command=identity.reload_command,
        on_waiting=signals.wake,
        progress=progress,
    )
    return service


def _report_idle(service: Service, said: bool) -> bool:
    """Say once that no mail account can be read, and why the daemon stays."""
    if not service.nothing_to_read:
        return False
    if not said:
        if service.accounts:
            log.warning(
                "no mail account can be read until the configuration is reloaded (`%s`); "
                "carrier checks and notifications go on", service.reload_command,
            )  # fmt: skip
        else:
            log.warning(
                "no [[imap]] account is configured: only carrier checks and notifications "
                "run; add one (see config.example.toml), then `%s`", service.reload_command,
            )  # fmt: skip
    return True


def _beat(service: Service, identity: Identity) -> None:
    try:
        Heartbeat(service.app.store, _names(service.accounts)).beat(identity.pid, datetime.now(UTC))
    except OperationalError as exc:
        log.warning("database busy (%s); the heartbeat is renewed at the next wake-up", exc.orig)


def _release(service: Service, identity: Identity) -> None:
    try:
        beat = Heartbeat(service.app.store, _names(service.accounts))
        beat.release(identity.pid, datetime.now(UTC))
    except Exception as exc:  # stopping: the next start claims the row anyway
        log.warning("could not mark the daemon stopped in the database: %s", exc)


def _reload(
    service: Service, load: Loader, signals: Signals, systemd: SystemdNotifier, identity: Identity
) -> Service:
    systemd.reloading(time.monotonic_ns() // 1000)
    try:
        app, accounts = load()
        moved_away = app.store.url != service.app.store.url
        if moved_away or _names(accounts) != _names(service.accounts):
            claim(app, identity, accounts)
    except ParcelwatchError as exc:
        log.error("configuration not reloaded: %s; still running with the previous one", exc)
        systemd.reloaded(service.status())
        return service
    service.stop()
    if moved_away or _names(accounts) != _names(service.accounts):
        _release(service, identity)
    service.app.close()
    fresh = _service(app, accounts, signals, systemd, identity)
    fresh.start(recover=False)
    log.info("configuration reloaded")
    systemd.reloaded(fresh.status())
    return fresh
