"""News, not history, against a real Dovecot holding 90 days of mail: the
first `sync` (then `run`), a folder re-scanned after its UIDVALIDITY changed,
a new database and `import --no-notify` push nothing old. What is pushed is the
one fresh email and one hello per account. The CLI as a user runs it, real
Apprise to the loopback receiver.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from daemon.app import build
from daemon.cli.main import main
from daemon.config.settings import load_settings
from tests.daemon.mail.conftest import (
    PASSWORD,
    SHIPPED_BY_ORDER,
    Mailbox,
    original_samples,
    write_config,
)
from tests.daemon.mail.test_service import start, stop
from tests.support import dovecot
from tests.support.receiver import Receiver
from tests.support.replay import another_order, redated

FOLDER = "Orders"
WAIT = 30.0


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def history(now: datetime) -> list[tuple[datetime, bytes]]:
    """The 16 sample emails (three orders, four parcels, from confirmation to
    delivery, and a marketing mail) spread over the 90 days before `now`, in
    their order: the newest is six and a half days old."""
    first = now - timedelta(days=89)
    dated = [first + index * timedelta(days=5.5) for index in range(16)]
    samples = original_samples()
    return [(when, redated(data, when)) for when, data in zip(dated, samples, strict=True)]


def put(mailbox: Mailbox, emails: list[tuple[datetime, bytes]]) -> None:
    """APPEND each email with its INTERNALDATE at its Date, as the server got it."""
    for when, data in emails:
        mailbox.append([data], folder=FOLDER, when=when)


def fresh(number: int, now: datetime) -> tuple[datetime, bytes]:
    """A shipping email about a new order, sent a minute before `now`."""
    when = now - timedelta(minutes=1)
    return when, another_order(SHIPPED_BY_ORDER.read_bytes(), number, when)


def order_of(body: str) -> str:
    found = re.search(r"Order: (\S+)", body)
    return found.group(1) if found else ""


def test_the_first_sync_of_90_days_pushes_the_fresh_email_and_one_hello(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = datetime.now(UTC)
    put(mailbox, [*history(now), fresh(1, now)])
    config = write_config(tmp_path, server, receiver, folders=[FOLDER])
    env = {"HOME": str(tmp_path), "IMAP_PASSWORD": PASSWORD}

    assert main(["--config", str(config), "sync"], env) == 0
    out = capsys.readouterr().out
    # 17 emails; the history's eleven milestones worth a push are only recorded.
    assert "home/Orders: 17 new" in out
    assert "notifications: 2 sent" in out
    assert [r.json()["title"].split(":")[0] for r in receiver.requests] == [
        "Shipped",
        "Watching home",
    ]
    assert order_of(receiver.requests[0].json()["message"]) == "249-0000001-0000001"
    assert receiver.requests[1].json()["message"] == "1 parcel on the way"

    # The history is in the timeline: the four sample parcels, delivered.
    assert main(["--config", str(config), "list", "--all", "--json"], env) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted(row["status"] for row in listed) == ["delivered"] * 4 + ["shipped"]

    # `run` after it: only what is new now (one more fresh email), no second hello.
    process = start(config, tmp_path)
    try:
        put(mailbox, [fresh(2, datetime.now(UTC))])
        assert receiver.wait_for(3, WAIT)
    finally:
        stop(process)
    assert order_of(receiver.requests[2].json()["message"]) == "249-0000002-0000002"
    assert main(["--config", str(config), "status"], env) == 0
    assert "Outbox: 0 waiting, 3 sent, 0 failed, 0 no match" in capsys.readouterr().out

    # The folder comes back with a new UIDVALIDITY (an index rebuilt): re-read, nothing pushed.
    mailbox.recreate(FOLDER)
    put(mailbox, [*history(now), fresh(1, now), fresh(2, now)])
    assert main(["--config", str(config), "sync"], env) == 0
    assert "home/Orders: 0 new, 18 already recorded, re-scanned" in capsys.readouterr().out
    assert len(receiver.requests) == 3

    # A new database two days later (a reinstall): every email is history by
    # then; the account is new to this database, so it says hello again.
    (tmp_path / "new").mkdir()
    later = write_config(tmp_path / "new", server, receiver, folders=[FOLDER])
    clock = Clock(datetime.now(UTC) + timedelta(days=2))
    app = build(load_settings(later, env, required=True), clock)
    try:
        boxes = app.mailboxes()
        [result] = boxes.sync(app.settings.imap)
        assert result.reports[0].fetched == 17  # the oldest is beyond the 90 days now
        assert app.deliver().sent == 1
    finally:
        app.close()
    assert receiver.titles()[3:] == ["Watching home"]
    assert receiver.requests[3].json()["message"] == "2 parcels on the way"


def test_import_no_notify_leaves_an_empty_outbox_and_sync_pushes_nothing_old(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = datetime.now(UTC)
    old, recent = history(now), fresh(2, now)
    exported = tmp_path / "export"
    exported.mkdir()
    for index, (_, data) in enumerate([*old, recent]):
        (exported / f"{index:02d}.eml").write_bytes(data)
    config = write_config(tmp_path, server, receiver, folders=[FOLDER])
    env = {"HOME": str(tmp_path), "IMAP_PASSWORD": PASSWORD}

    # Even the recent email queues nothing: the user asked for a silent import.
    assert main(["--config", str(config), "import", "--no-notify", str(exported)], env) == 0
    out = capsys.readouterr().out
    assert f"{exported}: 17 messages: 17 new" in out
    assert "notifications: none queued (--no-notify)" in out
    assert main(["--config", str(config), "outbox"], env) == 0
    assert "The outbox is empty" in capsys.readouterr().out

    # The same mail is in the account, and one more fresh email.
    put(mailbox, [*old, recent, fresh(1, now)])
    assert main(["--config", str(config), "sync"], env) == 0
    assert "notifications: 2 sent" in capsys.readouterr().out
    assert receiver.titles()[1] == "Watching home"
    assert order_of(receiver.requests[0].json()["message"]) == "249-0000001-0000001"
    # The hello speaks for the account: the imported parcel came from no account.
    assert receiver.requests[1].json()["message"] == "1 parcel on the way"
