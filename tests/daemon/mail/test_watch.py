"""Watching folders against a real Dovecot: IDLE delivery, a server restart in
the middle of IDLE, polling without IDLE, a refused login that waits for the
user (one try, for all the account's folders), and "last checked" kept true
while the watcher sits in IDLE.

No test sleeps: each waits for the event it expects (a notification arriving at
the receiver, a watcher thread ending) with a generous upper bound.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from daemon.app import App
from daemon.config.imap import ImapAccount
from daemon.mail.accounts import Mailboxes
from daemon.mail.backoff import Backoff
from daemon.mail.imap import FolderReport
from daemon.mail.imap_connect import ImapConnection, connector
from daemon.mail.imap_watch import FolderWatcher
from tests.daemon.mail.conftest import AppFactory, Mailbox, sample_messages
from tests.daemon.mail.test_sync import replace_password
from tests.support import dovecot
from tests.support.receiver import Receiver

MESSAGES = sample_messages()
# The first two sample emails: order A confirmed (not notified), then shipped.
CONFIRMED_AND_SHIPPED = MESSAGES[:2]
OUT_FOR_DELIVERY = MESSAGES[4]  # order A out for delivery
DELIVERED = MESSAGES[5]  # order A delivered
WAIT = 20.0


def fast_mailboxes(app: App) -> Mailboxes:
    """Watchers that reconnect within milliseconds, so a restart test is quick."""
    return app.mailboxes(backoff=lambda: Backoff(0.05, 0.2))


@pytest.fixture
def watching() -> Iterator[list[Mailboxes]]:
    started: list[Mailboxes] = []
    yield started
    for boxes in started:
        boxes.stop()


def watch(app: App, started: list[Mailboxes]) -> list[FolderWatcher]:
    boxes = fast_mailboxes(app)
    started.append(boxes)
    return boxes.start(app.settings.imap)


def test_idle_delivers_new_mail_at_once(
    make_app: AppFactory, mailbox: Mailbox, receiver: Receiver, watching: list[Mailboxes]
) -> None:
    mailbox.append(CONFIRMED_AND_SHIPPED)
    app = make_app(receiver)
    watch(app, watching)
    assert receiver.wait_for(2, WAIT)  # the backfill: "Shipped", then the hello
    assert receiver.titles()[1] == "Watching home"

    mailbox.append([OUT_FOR_DELIVERY])

    assert receiver.wait_for(3, WAIT)
    assert receiver.titles()[2].startswith("Out for delivery")


def test_a_server_restart_during_idle_is_survived(
    make_app: AppFactory,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    receiver: Receiver,
    watching: list[Mailboxes],
) -> None:
    mailbox.append(CONFIRMED_AND_SHIPPED)
    app = make_app(receiver)
    [watcher] = watch(app, watching)
    assert receiver.wait_for(2, WAIT)  # "Shipped" and the hello

    server.restart()
    mailbox.append([OUT_FOR_DELIVERY])  # arrives while the watcher reconnects
    assert receiver.wait_for(3, WAIT)
    server.restart()
    mailbox.append([DELIVERED])
    assert receiver.wait_for(4, WAIT)

    titles = [t.split(":")[0] for t in receiver.titles()]
    assert titles == ["Shipped", "Watching home", "Out for delivery", "Delivered"]
    assert not watcher.gave_up
    assert app.store.message_count() == 4


def test_polling_when_idle_is_off(
    make_app: AppFactory, mailbox: Mailbox, receiver: Receiver, watching: list[Mailboxes]
) -> None:
    mailbox.append(CONFIRMED_AND_SHIPPED)
    app = make_app(receiver, idle=False)
    account = replace(app.settings.imap[0], poll_interval=1)
    boxes = fast_mailboxes(app)
    watching.append(boxes)
    boxes.start([account])
    assert receiver.wait_for(2, WAIT)  # "Shipped" and the hello

    mailbox.append([OUT_FOR_DELIVERY])

    assert receiver.wait_for(3, WAIT)
    assert receiver.titles()[2].startswith("Out for delivery")


def test_a_refused_login_is_tried_once_then_waits_and_others_go_on(
    make_app: AppFactory, mailbox: Mailbox, receiver: Receiver, watching: list[Mailboxes]
) -> None:
    mailbox.append(CONFIRMED_AND_SHIPPED)
    mailbox.append([], folder="Archive")
    app = make_app(receiver)
    good = app.settings.imap[0]
    bad = replace(replace_password(good, "wrong"), name="broken", folders=("INBOX", "Archive"))
    logins: list[str] = []

    def counted(account: ImapAccount) -> Callable[[], ImapConnection]:
        def connect() -> ImapConnection:
            logins.append(account.name)
            return connector(account, None)()

        return connect

    boxes = app.mailboxes(connect_for=counted, backoff=lambda: Backoff(0.05, 0.2))
    watching.append(boxes)
    waiting = threading.Event()
    boxes.on_waiting = waiting.set
    broken_inbox, broken_archive, working = boxes.start([bad, good])

    threads = [t for t in threading.enumerate() if t.name.startswith("imap:broken/")]
    for thread in threads:
        thread.join(WAIT)

    assert len(threads) == 2 and not any(t.is_alive() for t in threads)
    assert waiting.is_set()
    assert broken_inbox.gave_up and broken_archive.gave_up and not working.gave_up
    assert logins.count("broken") == 1  # one refused login for both folders, no retries
    assert receiver.wait_for(1, WAIT)
    statuses = {s.account: s for s in app.store.account_statuses()}
    assert "login refused" in (statuses["broken"].last_error or "")
    assert (statuses["broken"].waiting, statuses["broken"].waiting_fix) == (
        "login refused",
        "fix the password",
    )
    assert statuses["home"].last_success_at is not None and statuses["home"].waiting is None


def test_stop_ends_a_watcher_waiting_in_idle(
    make_app: AppFactory, mailbox: Mailbox, receiver: Receiver
) -> None:
    mailbox.append(CONFIRMED_AND_SHIPPED)
    app = make_app(receiver)
    boxes = fast_mailboxes(app)
    boxes.start(app.settings.imap)
    assert receiver.wait_for(1, WAIT)  # caught up, now in IDLE
    threads = [t for t in threading.enumerate() if t.name.startswith("imap:")]

    boxes.stop(timeout=WAIT)

    assert threads and not any(t.is_alive() for t in threads)


def counting_idle(
    account: ImapAccount, done: threading.Semaphore, expected: float
) -> Callable[[], ImapConnection]:
    """Connections whose every IDLE (of `expected` seconds) releases `done`."""

    def connect() -> ImapConnection:
        connection = connector(account, None)()
        idle = connection.idle

        def counted(timeout: float) -> bool:
            assert timeout == expected
            news = idle(timeout)
            done.release()
            return news

        connection.idle = counted  # type: ignore[method-assign]
        return connection

    return connect


def test_idle_is_reissued_after_idle_refresh(
    make_app: AppFactory, mailbox: Mailbox, receiver: Receiver
) -> None:
    """Servers may end an IDLE after 30 minutes: the watcher leaves and re-enters
    it every `idle_refresh` seconds (here a fraction of a second), and mail still
    arrives."""
    mailbox.append(CONFIRMED_AND_SHIPPED)
    app = make_app(receiver)
    account = app.settings.imap[0]
    boxes = app.mailboxes()
    cycles = threading.Semaphore(0)
    connect = counting_idle(account, cycles, 0.05)

    def deliver(report: FolderReport) -> None:
        boxes.deliver()

    [reader] = boxes.readers(account)
    watcher = FolderWatcher(
        account, reader, connect, app.store, app.clock, on_news=deliver, idle_refresh=0.05
    )
    thread = threading.Thread(target=watcher.run)
    thread.start()
    try:
        for _ in range(3):
            assert cycles.acquire(timeout=WAIT)
        mailbox.append([OUT_FOR_DELIVERY])
        assert receiver.wait_for(2, WAIT)
    finally:
        watcher.stop()
        thread.join(WAIT)
    assert not thread.is_alive()


def test_last_checked_is_renewed_while_the_watcher_sits_in_idle(
    make_app: AppFactory, mailbox: Mailbox, receiver: Receiver
) -> None:
    """Every `check_every` seconds (here 0.05) the watcher leaves IDLE and
    enters it again, and that round trip counts as a check: `status` shows a
    time minutes old at most, not the last mail's."""
    mailbox.append(CONFIRMED_AND_SHIPPED)
    app = make_app(receiver)
    account = app.settings.imap[0]
    ticks = iter(range(10_000))
    start = datetime(2026, 6, 10, 12, tzinfo=UTC)

    def clock() -> datetime:
        return start + timedelta(minutes=next(ticks))

    slices = threading.Semaphore(0)
    connect = counting_idle(account, slices, 0.05)

    [reader] = app.mailboxes().readers(account)
    watcher = FolderWatcher(account, reader, connect, app.store, clock, check_every=0.05)
    thread = threading.Thread(target=watcher.run)
    thread.start()
    try:
        assert slices.acquire(timeout=WAIT)
        [first] = app.store.account_statuses()
        for _ in range(3):
            assert slices.acquire(timeout=WAIT)
        [later] = app.store.account_statuses()
    finally:
        watcher.stop()
        thread.join(WAIT)
    assert first.last_success_at is not None and later.last_success_at is not None
    assert later.last_success_at > first.last_success_at  # renewed without any new mail
    assert app.store.message_count() == 2
