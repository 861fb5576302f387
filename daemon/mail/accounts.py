"""The configured IMAP accounts, read once (`sync`) or watched (`run`).

It turns accounts into folder readers and watchers that hand each message to
`handle` (the pipeline), and calls `deliver` (the outbox) when a watcher found
mail; daemon.app builds it from the settings (`App.mailboxes`). Several
watcher threads share one pipeline and one store (SQLite serialises the writes,
and a message is recorded all-or-nothing); outbox delivery is serialised by a
lock so two threads never send the same notification.
"""

from __future__ import annotations

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
from daemon.mail.imap import FolderReader, FolderReport, sync_account
from daemon.mail.imap_auth import TokenSource, token_source
from daemon.mail.imap_connect import ImapConnection, connector
from daemon.mail.imap_watch import FolderWatcher
from daemon.mail.progress import Progress, Silent
from daemon.mail.raw import RawMessage
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
        handle: Callable[[RawMessage], object],
        deliver: Callable[[], Delivered],
        *,
        connect_for: Callable[[ImapAccount], Callable[[], ImapConnection]] | None = None,
        backoff: Callable[[], Backoff] = Backoff,
    ) -> None:
        self.senders = list(senders)
        self.store = store
        self.clock = clock
        self._handle = handle
        self._deliver = deliver
        self._connect_for = connect_for or self._default_connect
        self._backoff = backoff
        self._deliver_lock = threading.Lock()
        self._tokens: dict[str, TokenSource | None] = {}
        self._watchers: list[FolderWatcher] = []
        # Called after each delivery pass (the service schedules retries with it).
        self.after_deliver: Callable[[], None] = lambda: None
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
        with self._deliver_lock:
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
        return results

    # --- continuously -----------------------------------------------------------

    def start(self, accounts: Sequence[ImapAccount]) -> list[FolderWatcher]:
        """One watcher thread per (account, folder)."""
        for account in accounts:
            connect = LoginGate(self._connect_for(account))
            for reader in self.readers(account):
                watcher = FolderWatcher(
                    account,
                    reader,
                    connect,
                    self.store,
                    self.clock,
                    on_news=self._news,
                    on_waiting=self.on_waiting,
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
