"""One-shot IMAP sync against a real Dovecot: backfill, incremental checks,
read-only access, UIDVALIDITY resets, size limits, several accounts, and the
progress a first backfill reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from daemon.config.imap import ImapAccount
from daemon.mail.imap_connect import ImapConnection, connector
from daemon.mail.progress import Task
from tests.daemon.mail.conftest import (
    NOT_AMAZON,
    OTHER_PASSWORD,
    OTHER_USER,
    AppFactory,
    Mailbox,
    now,
    sample_messages,
)
from tests.support.receiver import Receiver

# What the 16 sample emails notify (tests/daemon/test_pipeline.py checks which),
# and the one hello after an account's first sync.
SAMPLE_NOTIFICATIONS = 12
WITH_HELLO = SAMPLE_NOTIFICATIONS + 1


class CallLog:
    """Wraps each connection and records which IMAP operations were used."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def connect_for(self, account: ImapAccount) -> Callable[[], ImapConnection]:
        inner = connector(account, None)

        def connect() -> ImapConnection:
            return _Recording(inner(), self.calls)  # type: ignore[return-value]

        return connect


class _Recording:
    def __init__(self, connection: ImapConnection, calls: list[str]) -> None:
        self._connection = connection
        self._calls = calls

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._connection, name)
        if name in {"close", "interrupt"} or not callable(target):
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            self._calls.append(name)
            return target(*args, **kwargs)

        return call


def test_backfill_reads_amazon_mail_once_and_notifies_each_milestone_once(
    make_app: AppFactory, mailbox: Mailbox, receiver: Receiver
) -> None:
    mailbox.append([NOT_AMAZON, *sample_messages()])
    app = make_app(receiver)
    boxes = app.mailboxes()

    [result] = boxes.sync(app.settings.imap)
    boxes.deliver()

    assert result.error is None
    [report] = result.reports
    assert (report.fetched, report.known, report.too_large) == (16, 0, 0)
    assert app.store.message_count() == 16  # the non-Amazon mail was never downloaded
    assert len(receiver.requests) == WITH_HELLO
    # Every parcel of the story was delivered: the hello says so, after the story.
    assert receiver.requests[-1].json()["title"] == "Watching home"
    assert receiver.requests[-1].json()["message"] == "nothing on the way right now"

    [again] = boxes.sync(app.settings.imap)
    boxes.deliver()
    assert again.reports[0].fetched == 0
    assert len(receiver.requests) == WITH_HELLO  # no second hello


def test_a_check_without_new_mail_is_one_status_command(
    make_app: AppFactory, mailbox: Mailbox
) -> None:
    mailbox.append(sample_messages()[:3])
    app = make_app()
    log = CallLog()
    boxes = app.mailboxes(connect_for=log.connect_for)
    boxes.sync(app.settings.imap)
    assert log.calls[0] == "status" and "bodies" in log.calls

    log.calls.clear()
    boxes.sync(app.settings.imap)
    assert log.calls == ["status"]

    mailbox.append([NOT_AMAZON])  # new mail, but not from Amazon: nothing is downloaded
    log.calls.clear()
    boxes.sync(app.settings.imap)
    assert "bodies" not in log.calls and "heads" not in log.calls
    log.calls.clear()
    boxes.sync(app.settings.imap)
    assert log.calls == ["status"]


def test_incremental_sync_reads_only_new_mail(make_app: AppFactory, mailbox: Mailbox) -> None:
    messages = sample_messages()
    mailbox.append(messages[:10])
    app = make_app()
    boxes = app.mailboxes()
    boxes.sync(app.settings.imap)
    mailbox.append(messages[10:])

    [result] = boxes.sync(app.settings.imap)

    assert result.reports[0].fetched == 6
    assert app.store.message_count() == 16


def test_sync_never_changes_flags(make_app: AppFactory, mailbox: Mailbox) -> None:
    messages = sample_messages()
    mailbox.append(messages[:5])
    mailbox.append(messages[5:10], flags=(b"\\Seen",))
    mailbox.append(messages[10:], flags=(b"\\Flagged", b"$Label1"))
    before = mailbox.flags()
    assert any(b"\\Seen" not in flags for flags in before.values())  # unread mail exists

    app = make_app()
    app.mailboxes().sync(app.settings.imap)

    assert app.store.message_count() == 16
    assert mailbox.flags() == before


def test_backfill_goes_back_only_backfill_days(make_app: AppFactory, mailbox: Mailbox) -> None:
    messages = sample_messages()
    mailbox.append(messages[:4], when=now() - timedelta(days=40))
    mailbox.append(messages[4:6], when=now() - timedelta(days=2))
    app = make_app(backfill_days=30)

    [result] = app.mailboxes().sync(app.settings.imap)

    assert result.reports[0].fetched == 2
    # Older mail is behind the cursor now; new mail still arrives.
    mailbox.append(messages[6:7], when=now() - timedelta(days=60))
    [later] = app.mailboxes().sync(app.settings.imap)
    assert later.reports[0].fetched == 1


def test_uidvalidity_change_rescans_without_duplicates(
    make_app: AppFactory, mailbox: Mailbox, receiver: Receiver
) -> None:
    messages = sample_messages()
    mailbox.append(messages[:12], folder="Orders")
    app = make_app(receiver, folders=["Orders"])
    boxes = app.mailboxes()
    boxes.sync(app.settings.imap)
    boxes.deliver()
    sent_before = len(receiver.requests)

    mailbox.recreate("Orders")  # e.g. the server's index was rebuilt
    mailbox.append(messages, folder="Orders")
    [result] = boxes.sync(app.settings.imap)
    boxes.deliver()

    [report] = result.reports
    assert report.rescanned
    assert (report.fetched, report.known) == (4, 12)
    assert app.store.message_count() == 16
    assert len(receiver.requests) == WITH_HELLO  # a re-scan is not a first sync
    assert sent_before < WITH_HELLO


def test_several_folders_and_the_same_mail_in_two_of_them(
    make_app: AppFactory, mailbox: Mailbox, receiver: Receiver
) -> None:
    messages = sample_messages()
    mailbox.append(messages[:8])
    mailbox.append(messages, folder="Archive")
    app = make_app(receiver, folders=["INBOX", "Archive"])
    boxes = app.mailboxes()

    [result] = boxes.sync(app.settings.imap)
    boxes.deliver()

    inbox, archive = result.reports
    assert (inbox.fetched, archive.fetched, archive.known) == (8, 8, 8)
    assert len(receiver.requests) == WITH_HELLO  # one hello for the account


def test_mail_over_the_size_limit_is_recorded_not_read(
    make_app: AppFactory, mailbox: Mailbox
) -> None:
    big = sample_messages()[0].replace(b"\r\n\r\n", b"\r\nX-Padding: " + b"x" * 60 + b"\r\n\r\n", 1)
    big += b"\r\n" + (b"y" * 70 + b"\r\n") * 400
    mailbox.append([big, *sample_messages()[1:3]])
    app = make_app(max_message_bytes=20_000)

    [result] = app.mailboxes().sync(app.settings.imap)

    assert (result.reports[0].fetched, result.reports[0].too_large) == (2, 1)
    [(_, _, error)] = app.store.message_errors()
    assert "over the limit of 20,000" in error and "max_message_bytes" in error
    [again] = app.mailboxes().sync(app.settings.imap)
    assert again.reports[0].too_large == 0


def test_a_missing_folder_is_named_and_other_accounts_go_on(
    make_app: AppFactory, mailbox: Mailbox
) -> None:
    mailbox.append(sample_messages()[:2])
    app = make_app(folders=["Nope"])
    [result] = app.mailboxes().sync(app.settings.imap)
    assert result.error is not None
    assert "folder 'Nope'" in result.error and "imap account 'home'" in result.error
    [status] = app.store.account_statuses()
    assert status.last_error == result.error and status.last_success_at is None


def test_wrong_password_is_one_clear_line_and_the_other_account_still_syncs(
    make_app: AppFactory, mailbox: Mailbox
) -> None:
    Mailbox(mailbox.server, OTHER_USER, OTHER_PASSWORD).append(sample_messages()[:3])
    good = make_app(name="bob", username=OTHER_USER, password=OTHER_PASSWORD)
    bad = [replace_password(a, "wrong") for a in make_app().settings.imap]

    results = good.mailboxes().sync([*bad, *good.settings.imap])

    failed, ok = results
    assert failed.error is not None and "\n" not in failed.error
    assert "login refused for 'alice@example.test'" in failed.error
    assert "check the username and the password" in failed.error
    assert "wrong" not in failed.error
    assert ok.error is None and ok.reports[0].fetched == 3


def replace_password(account: ImapAccount, password: str) -> ImapAccount:
    from dataclasses import replace

    from daemon.config.secrets import Secret

    return replace(account, password=Secret("env", password))


class Recorded:
    def __init__(self) -> None:
        self.tasks: list[tuple[str, int | None]] = []
        self.advances: list[tuple[int, int]] = []
        self.finished = 0

    def task(self, what: str, total: int | None) -> Task:
        self.tasks.append((what, total))
        return self

    def advance(self, looked_at: int, read: int) -> None:
        self.advances.append((looked_at, read))

    def finish(self) -> None:
        self.finished += 1


def test_a_first_backfill_reports_each_batch(make_app: AppFactory, mailbox: Mailbox) -> None:
    mailbox.append(sample_messages())
    app = make_app(batch_size=5)
    recorded = Recorded()
    boxes = app.mailboxes()
    boxes.progress = recorded
    account = replace(app.settings.imap[0], batch_size=5)
    [result] = boxes.sync([account])
    assert result.error is None
    assert recorded.tasks == [("home", 16)]
    assert recorded.advances == [(5, 5), (5, 5), (5, 5), (1, 1)]
    assert recorded.finished == 1
    [again] = boxes.sync([account])  # nothing new: no task at all
    assert again.error is None and recorded.tasks == [("home", 16)]
