"""`parcelwatch run` (a real subprocess) through outages of what it depends on:
the IMAP server restarting under an IDLE, the notification service refusing
connections for a while, and another process holding the SQLite database.

Each test waits for the daemon to say what it saw (its log) or for what it sent
(the receiver), with a deadline; none sleeps. Each ends with SIGTERM and checks
that the daemon, still running after the outage, exits 0.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.daemon.mail.conftest import PASSWORD, USER, Mailbox
from tests.daemon.service.faults.conftest import (
    CORPUS,
    StartDaemon,
    all_sent,
    fresh,
    notes,
    outbox_counts,
    poll_until,
    receiver_on,
    write_setup,
)
from tests.daemon.service.faults.daemon_process import IDLE_PATTERN
from tests.support import dovecot
from tests.support.receiver import Receiver

WAIT = 30.0
# The outbox job of `run` comes every 30 s (daemon/service.py OUTBOX_SECONDS);
# a retry waits for it, so allow that and some.
OUTBOX_JOB = 45.0
STOP = 10.0
SHIPPED = CORPUS / "amazon_com" / "order2_shipped.eml"
OUT_FOR_DELIVERY = CORPUS / "amazon_com" / "order2_out_for_delivery.eml"
OTHER_SHIPMENTS = (
    CORPUS / "amazon_com" / "order3_shipped.eml",
    CORPUS / "amazon_de" / "order_b_shipped.eml",
)


def test_imap_server_restart_during_idle_loses_no_mail(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    receiver: Receiver,
    daemons: StartDaemon,
) -> None:
    shipped, out_for_delivery = fresh([SHIPPED, OUT_FOR_DELIVERY])
    mailbox.append([shipped])
    setup = write_setup(tmp_path, server, USER, PASSWORD, receiver.url())
    daemon = daemons(setup)
    daemon.wait_for_line(IDLE_PATTERN, WAIT)
    assert receiver.wait_for(2, WAIT)  # "Shipped", and the hello after the first sync
    mark = daemon.mark()

    server.restart()  # the IDLE connection drops with the old server
    mailbox.append([out_for_delivery])

    daemon.wait_for_line("reconnecting", WAIT, since=mark)
    assert receiver.wait_for(3, WAIT), daemon.tail()
    daemon.wait_for_line(IDLE_PATTERN, WAIT, since=mark)  # back in IDLE, caught up
    assert poll_until(lambda: all_sent(setup), WAIT), outbox_counts(setup)
    assert daemon.terminate(STOP) == 0, daemon.tail()
    titles = [title.split(":")[0] for title, _ in notes(receiver)]
    assert titles == ["Shipped", "Watching home", "Out for delivery"]


def test_notifications_wait_for_a_receiver_that_refuses_connections(
    tmp_path: Path, server: dovecot.Dovecot, mailbox: Mailbox, daemons: StartDaemon
) -> None:
    port = dovecot.free_port()  # nothing listens there yet: connections are refused
    url = f"json://127.0.0.1:{port}/hook"
    setup = write_setup(tmp_path, server, USER, PASSWORD, url, notify={"retry_seconds": 1})
    failed = r"notification to hook failed \(attempt 1\), retrying at"
    daemon = daemons(setup)
    daemon.wait_for_line(IDLE_PATTERN, WAIT)
    daemon.wait_for_line(failed, WAIT)  # the hello after the first sync of the empty INBOX
    mark = daemon.mark()
    emails = [SHIPPED, *OTHER_SHIPMENTS]

    mailbox.append(fresh(emails))

    daemon.wait_for_line(failed, WAIT, since=mark, count=len(emails))
    sending = len(emails) + 1  # and the hello
    assert outbox_counts(setup) == Counter({"pending": sending})
    with receiver_on(port) as receiver:
        # The retry is due a second later, and sent at the next run of the
        # outbox job: up to 30 s from now.
        assert receiver.wait_for(sending, OUTBOX_JOB), daemon.tail()
        assert poll_until(lambda: all_sent(setup), WAIT), outbox_counts(setup)
        assert daemon.terminate(STOP) == 0, daemon.tail()
    received = Counter(notes(receiver))
    assert len(received) == sending and set(received.values()) == {1}, received
    titles = sorted(title.split(":")[0] for title, _ in received)
    assert titles == ["Shipped"] * len(emails) + ["Watching home"], received
    assert outbox_counts(setup) == Counter({"sent": sending})


def test_a_database_locked_by_another_process_is_waited_out(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    receiver: Receiver,
    daemons: StartDaemon,
    lock_database: Callable[[Path], Callable[[], None]],
) -> None:
    setup = write_setup(
        tmp_path, server, USER, PASSWORD, receiver.url(), general={"busy_timeout": 0.5}
    )
    daemon = daemons(setup)
    daemon.wait_for_line(IDLE_PATTERN, WAIT)  # the database exists, the folder is read
    assert receiver.wait_for(1, WAIT)  # the hello after the first sync, sent
    release = lock_database(setup.database)
    mark = daemon.mark()

    mailbox.append(fresh([SHIPPED]))

    daemon.wait_for_line("database busy", WAIT, since=mark)
    assert len(receiver.requests) == 1
    release()
    assert receiver.wait_for(2, WAIT), daemon.tail()
    assert poll_until(lambda: all_sent(setup), WAIT), outbox_counts(setup)
    assert daemon.process.poll() is None, "the daemon ended after the lock"
    assert daemon.terminate(STOP) == 0, daemon.tail()
    [(hello, _), (title, _)] = notes(receiver)
    assert (hello, title.split(":")[0]) == ("Watching home", "Shipped")


# A second process holding SQLite's write lock: BEGIN EXCLUSIVE (in WAL mode
# the same as IMMEDIATE: readers go on, writers wait) until a line on stdin.
LOCK_HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
print("released", flush=True)
"""


@pytest.fixture
def lock_database() -> Iterator[Callable[[Path], Callable[[], None]]]:
    """Locks a database in another process; returns the function that releases
    the lock. The holder is ended whatever the test did."""
    holders: list[subprocess.Popen[str]] = []

    def lock(database: Path) -> Callable[[], None]:
        holder = subprocess.Popen(
            [sys.executable, "-c", LOCK_HOLDER, str(database)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        holders.append(holder)
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked"

        def release() -> None:
            out, _ = holder.communicate("release\n", timeout=WAIT)
            assert out.strip() == "released" and holder.returncode == 0

        return release

    yield lock
    for holder in holders:
        if holder.poll() is None:
            holder.kill()
        holder.communicate()
