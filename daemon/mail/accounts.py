"""The configured IMAP accounts, read once (`sync`) or watched (`run`).

It turns accounts into folder readers and watchers that hand each message to
`handle` (the pipeline); daemon.app builds it from the settings
(`App.mailboxes`). Several watcher threads share one pipeline and one store
(SQLite serialises the writes, and a message is recorded all-or-nothing).

A watcher only reads, records and hands over: when it found mail it calls
`on_news`, which the service points at the notifications' own worker thread
(a target that answers slowly must never keep the next email unread); left
alone, `on_news` delivers at once. `deliver` may be called from several threads
at once: the notifier takes turns at sending (and claims each delivery before
it sends), so that a photo being fetched for one thread's notification holds up
no other thread.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from daemon.config.imap import ImapAccount
from daemon.errors import ActionNeededError, AuthError, ParcelwatchError
from daemon.mail.backoff import Backoff
from daemon.mail.imap import FolderReader, FolderReport, Handler, sync_account
from daemon.mail.imap_auth import TokenSource, token_source
from daemon.mail.imap_connect import ImapConnection, connector
from daemon.mail.imap_watch import FolderWatcher
from daemon.mail.progress import Progress, Silent
from daemon.store.database import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountResult:
    """One account's `sync`: its folder reports, or the error that stopped it."""

    account: str
    reports: tuple[FolderReport, ...]
    error: str | None
    seconds: float
    waiting: ActionNeededError | None = None  # the account now waits for the user


class Delivered(Protocol):
    """What one outbox run did, as far as the log line after new mail says."""

    @property
    def sent(self) -> int: ...

    @property
    def failed(self) -> int: ...

    @property
    def gave_up(self) -> int: ...


class Mailboxes:
    def __init__(
        self,
        senders: Sequence[str],
        store: Store,
        clock: Callable[[], datetime],
        handle: Handler,
        deliver: Callable[[], Delivered],
        *,
        connect_for: Callable[[ImapAccount], Callable[[], ImapConnection]] | None = None,
        backoff: Callable[[], Backoff] = Backoff,
        synced: Callable[[str], object] = lambda account: None,
    ) -> None:
        self.senders = list(senders)
        self.store = store
        self.clock = clock
        self._handle = handle
        self._deliver = deliver
        self._connect_for = connect_for or self._default_connect
        self._backoff = backoff
        # Told the name of an account once every folder of it was read through
        # (its hello after a first sync: daemon.notify.hello).
        self._synced = synced
        self._tokens: dict[str, TokenSource | None] = {}
        self._watchers: list[FolderWatcher] = []
        # Called after each delivery pass (the service schedules retries with it).
        self.after_deliver: Callable[[], None] = lambda: None
        # Called by a watcher that recorded new mail; the service hands it to
        # the notifications' worker (by default: deliver now, in that thread).
        self.on_news: Callable[[], None] = self.deliver_and_log
        # Called when a watcher starts waiting for the user (the service updates its status).
        self.on_waiting: Callable[[], None] = lambda: None
        # Where long reads report how far they are (a bar, log lines, systemd).
        self.progress: Progress = Silent()
        self._threads: list[threading.Thread] = []

    def _default_connect(self, account: ImapAccount) -> Callable[[], ImapConnection]:
        # One token source per account for the life of this object, so a token
        # is reused by every connection until it expires.
        if account.name not in self._tokens:
            self._tokens[account.name] = token_source(account, self.clock)
        return connector(account, self._tokens[account.name])

    def readers(self, account: ImapAccount) -> list[FolderReader]:
        return [
            FolderReader(
                account, folder, self.store, self.senders, self._handle, self.clock, self.progress
            )
            for folder in account.folders
        ]

    def deliver(self) -> Delivered:
        run = self._deliver()
        self.after_deliver()
        return run

    # --- once -------------------------------------------------------------------

    def sync(self, accounts: Sequence[ImapAccount]) -> list[AccountResult]:
        """Check every folder of every account once; one account's failure is
        recorded and reported, and the others still run."""
        results: list[AccountResult] = []
        for account in accounts:
            start = time.perf_counter()
            try:
                reports = sync_account(
                    account,
                    self._connect_for(account),
                    self.readers(account),
                    self.store,
                    self.clock,
                )
            except ParcelwatchError as exc:
                log.error("%s", exc)
                seconds = time.perf_counter() - start
                waiting = exc if isinstance(exc, ActionNeededError) else None
                if waiting is not None:
                    self.store.account_failed(
                        account.name, str(exc), self.clock(), waiting=(waiting.short, waiting.fix)
                    )
                results.append(AccountResult(account.name, (), str(exc), seconds, waiting))
            else:
                seconds = time.perf_counter() - start
                results.append(AccountResult(account.name, tuple(reports), None, seconds))
                self._synced(account.name)
        return results

    # --- continuously -----------------------------------------------------------

    def start(self, accounts: Sequence[ImapAccount]) -> list[FolderWatcher]:
        """One watcher thread per (account, folder)."""
        for account in accounts:
            connect = LoginGate(self._connect_for(account))
            first = FirstPass(account.folders, functools.partial(self._first_pass, account.name))
            for reader in self.readers(account):
                watcher = FolderWatcher(
                    account,
                    reader,
                    connect,
                    self.store,
                    self.clock,
                    on_news=self._news,
                    on_waiting=self.on_waiting,
                    on_caught_up=functools.partial(first.caught_up, reader.folder),
                    backoff=self._backoff(),
                )
                thread = threading.Thread(
                    target=watcher.run, name=f"imap:{watcher.name}", daemon=True
                )
                self._watchers.append(watcher)
                self._threads.append(thread)
                thread.start()
        return list(self._watchers)

    def _news(self, report: FolderReport) -> None:
        self.on_news()

    def _first_pass(self, account: str) -> None:
        self._synced(account)
        self.on_news()  # the hello, if it was queued now

    def deliver_and_log(self) -> None:
        run = self.deliver()
        if run.sent or run.failed or run.gave_up:
            log.info(
                "notifications: %d sent, %d to retry, %d given up",
                run.sent,
                run.failed,
                run.gave_up,
            )

    def stop(self, timeout: float = 10.0) -> None:
        for watcher in self._watchers:
            watcher.stop()
        for thread in self._threads:
            thread.join(timeout)
        self._watchers.clear()
        self._threads.clear()


class FirstPass:
    """The folders of one account not read through yet since the watchers
    started; once none is left, `done` runs (once)."""

    def __init__(self, folders: Sequence[str], done: Callable[[], object]) -> None:
        self._left = set(folders)
        self._done = done
        self._lock = threading.Lock()

    def caught_up(self, folder: str) -> None:
        with self._lock:
            if not self._left:
                return
            self._left.discard(folder)
            finished = not self._left
        if finished:
            self._done()


class LoginGate:
    """The log-ins of one account's watchers, one at a time; after a refused
    login the account's other folders do not try again (each try would be one
    more failed login on the server, which locks accounts and bans addresses)."""

    def __init__(self, connect: Callable[[], ImapConnection]) -> None:
        self._connect = connect
        self._lock = threading.Lock()
        self._refusal: AuthError | None = None

    def __call__(self) -> ImapConnection:
        with self._lock:
            if self._refusal is not None:
                refusal = self._refusal
                raise AuthError(str(refusal), short=refusal.short, fix=refusal.fix)
            try:
                return self._connect()
            except AuthError as exc:
                self._refusal = exc
                raise
