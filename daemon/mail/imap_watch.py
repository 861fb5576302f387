"""Watching one IMAP folder for as long as the daemon runs.

Where the server offers IDLE the watcher waits in it, so new mail is read the
moment the server announces it, and re-issues it every `idle_refresh` seconds
(RFC 2177 servers may drop an IDLE after 30 minutes; NAT boxes often sooner).
Otherwise it polls with one STATUS every `poll_interval`.

While it sits in IDLE the watcher leaves and re-enters it every `check_every`
seconds (a few minutes): the server's answer proves the connection alive, and
the account's "last checked" time, which `status` shows, stays true.

Faults are expected, not exceptional: a dropped connection or a restarting
server is reconnected with exponential backoff and jitter, and the cursor makes
the catch-up exact. A refused login or a missing folder is not retried: each
try would be one more failed login on the server (accounts get locked and
addresses banned that way). The watcher says so in one line, records what the
user must fix, and waits for a reload; the other watchers go on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import OperationalError

from daemon.config.imap import ImapAccount
from daemon.errors import ActionNeededError, TransientError
from daemon.mail.backoff import Backoff
from daemon.mail.imap import FolderReader, FolderReport
from daemon.mail.imap_connect import ImapConnection
from daemon.store.database import Store

log = logging.getLogger(__name__)

IDLE_REFRESH_SECONDS = 25 * 60
CHECK_SECONDS = 4 * 60
# Mail arriving faster than it can be read is still read on the next IDLE cycle.
_MAX_SETTLE_PASSES = 5


class FolderWatcher:
    """Keeps one folder in sync until `stop()`; run it in its own thread."""

    def __init__(
        self,
        account: ImapAccount,
        reader: FolderReader,
        connect: Callable[[], ImapConnection],
        store: Store,
        clock: Callable[[], datetime],
        *,
        on_news: Callable[[FolderReport], None] = lambda report: None,
        on_waiting: Callable[[], None] = lambda: None,
        on_caught_up: Callable[[], None] = lambda: None,
        backoff: Backoff | None = None,
        idle_refresh: float = IDLE_REFRESH_SECONDS,
        check_every: float = CHECK_SECONDS,
    ) -> None:
        self.account = account
        self.reader = reader
        self.connect = connect
        self.store = store
        self.clock = clock
        self.on_news = on_news
        self.on_waiting = on_waiting
        self.on_caught_up = on_caught_up  # after each catch-up that left nothing unread
        self.backoff = backoff or Backoff()
        self.idle_refresh = idle_refresh
        self.check_every = check_every
        self.name = f"{account.name}/{reader.folder}"
        # What the user must fix before this folder is read again (a reload).
        self.waiting: ActionNeededError | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._connection: ImapConnection | None = None

    def stop(self) -> None:
        """Ask the watcher to finish; interrupts a connection waiting in IDLE."""
        self._stop.set()
        with self._lock:
            if self._connection is not None:
                self._connection.interrupt()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @property
    def gave_up(self) -> bool:
        """The folder waits for the user (and a reload)."""
        return self.waiting is not None

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                self._connect_and_watch()
            except ActionNeededError as exc:
                self._wait_for_user(exc)
                return
            except TransientError as exc:
                if self._stop.is_set():
                    break
                self._record_failure(exc)
                self._pause(f"{exc}; reconnecting")
            except OperationalError as exc:
                # Another process holds the SQLite file longer than busy_timeout:
                # nothing was recorded past the cursor, so a retry is exact.
                self._pause(f"{self.name}: database busy ({exc.orig}); retrying")
            except Exception:
                # A bug must not silently end this folder's watch: say so, retry.
                log.exception("%s: unexpected error", self.name)
                self._pause(f"{self.name}: retrying after the error above")

    def _pause(self, why: str) -> None:
        delay = self.backoff.next_delay()
        log.warning("%s in %.0f s", why, delay)
        self._stop.wait(delay)

    def _wait_for_user(self, exc: ActionNeededError) -> None:
        """Say what the user must fix, once, stop trying, and record it (a
        failure to record, a busy database, changes none of that)."""
        self.waiting = exc
        log.error("%s; %s waits until the configuration is reloaded", exc, self.name)
        try:
            self.store.account_failed(
                self.account.name, str(exc), self.clock(), waiting=(exc.short, exc.fix)
            )
        except OperationalError as failure:
            log.warning("%s: could not record it (%s)", self.name, failure.orig)
        self.on_waiting()

    def _record_failure(self, exc: Exception) -> None:
        self.store.account_failed(self.account.name, str(exc), self.clock())

    def _connect_and_watch(self) -> None:
        connection = self.connect()
        with self._lock:
            self._connection = connection
            if self._stop.is_set():
                connection.interrupt()
        try:
            self._watch(connection)
        finally:
            with self._lock:
                self._connection = None
            connection.close()

    def _watch(self, connection: ImapConnection) -> None:
        self._settle(connection)
        self.backoff.reset()
        if self.account.idle and connection.supports_idle:
            log.info("%s: waiting for new mail (IDLE)", self.name)
            while not self._stop.is_set():
                self._idle(connection)
                self._settle(connection)
            return
        log.info("%s: checking for new mail every %d s", self.name, self.account.poll_interval)
        connection.unselect()
        while not self._stop.wait(self.account.poll_interval):
            if self.reader.has_news(connection):
                report = self.reader.catch_up(connection)
                connection.unselect()
                self._caught_up(report)
            else:
                self.store.account_succeeded(self.account.name, self.clock())

    def _idle(self, connection: ImapConnection) -> None:
        """Wait in IDLE until news or `idle_refresh` seconds, re-entering it every
        `check_every` seconds and recording each of those round trips as a check."""
        waited = 0.0
        while waited < self.idle_refresh and not self._stop.is_set():
            slice_ = min(self.check_every, self.idle_refresh - waited)
            if connection.idle(slice_):
                return
            waited += slice_
            self.store.account_succeeded(self.account.name, self.clock())

    def _settle(self, connection: ImapConnection) -> None:
        """Catch up, and again while mail arrived during the catch-up itself
        (the server is asked, with a NOOP, just before the watcher goes back
        to IDLE), so that nothing waits in the folder while the watcher idles."""
        for _ in range(_MAX_SETTLE_PASSES):
            self._caught_up(self.reader.catch_up(connection))
            if not connection.mail_arrived():
                break
        self.on_caught_up()

    def _caught_up(self, report: FolderReport) -> None:
        self.store.account_succeeded(self.account.name, self.clock())
        if report.fetched or report.rescanned:
            log.info("%s", report)
        if report.fetched:
            self.on_news(report)
