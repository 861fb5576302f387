"""Two daemons sharing one database (on PostgreSQL: two machines of a
household, or a small shared service), each reading its own mail account and
both sending to the same target: every notification arrives exactly once.

Both daemons deliver the whole outbox, so every due row is raced for: the
outbox's claim (a conditional UPDATE; on PostgreSQL, FOR UPDATE SKIP LOCKED)
lets one of them send it. Some emails are in both mailboxes (a forwarded copy
has the same content), which the store records once. A third daemon for an
account one of them reads is refused, naming the one that reads it.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from daemon.cli.statuses import EXIT_IN_USE
from tests.daemon.mail.conftest import OTHER_PASSWORD, OTHER_USER, PASSWORD, USER, Mailbox
from tests.daemon.service.faults.conftest import (
    StartDaemon,
    all_sent,
    notes,
    outbox_counts,
    poll_until,
    shipping_emails,
    write_setup,
)
from tests.daemon.service.faults.daemon_process import IDLE_PATTERN, REPO
from tests.support import dovecot
from tests.support.receiver import Receiver

pytestmark = pytest.mark.storage

WAIT = 60.0


def test_two_daemons_on_one_database_send_each_notification_once(
    tmp_path: Path,
    server: dovecot.Dovecot,
    receiver: Receiver,
    daemons: StartDaemon,
    database_url: str,
) -> None:
    emails = shipping_emails()
    home_mail, work_mail = emails[::2], emails[1::2]
    shared = emails[:6]  # in both mailboxes: recorded once
    Mailbox(server).append(home_mail + [e for e in shared if e not in home_mail])
    Mailbox(server, OTHER_USER, OTHER_PASSWORD).append(
        work_mail + [e for e in shared if e not in work_mail]
    )
    home = write_setup(tmp_path / "home", server, USER, PASSWORD, receiver.url(),
                       database_url=database_url, account="home")  # fmt: skip
    work = write_setup(tmp_path / "work", server, OTHER_USER, OTHER_PASSWORD, receiver.url(),
                       database_url=database_url, account="work")  # fmt: skip
    # No answer until both are mid-send: the race happens every time.
    receiver.hold, receiver.hold_seconds = 2, WAIT
    first = daemons(home)
    with receiver.changed:  # the first is in the middle of a send ...
        assert receiver.changed.wait_for(lambda: receiver.arrived >= 1, WAIT), first.tail()
    # ... when the second starts: its start-up must not take that send for one a
    # killed daemon left unfinished (and send it again).
    second = daemons(work)
    first.wait_for_line(IDLE_PATTERN, WAIT)
    second.wait_for_line(IDLE_PATTERN, WAIT)
    assert poll_until(lambda: all_sent(home), WAIT), outbox_counts(home)

    again = subprocess.run(
        [sys.executable, "-m", "daemon.cli", "--config", str(home.config), "run"],
        cwd=REPO, env={**home.env, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
        timeout=WAIT, check=False,
    )  # fmt: skip
    assert again.returncode == EXIT_IN_USE, again.stderr
    assert f"pid {first.process.pid}" in again.stderr and "reading home" in again.stderr

    assert first.terminate() == 0, first.tail()
    assert second.terminate() == 0, second.tail()
    received = Counter(notes(receiver))
    assert received and all(count == 1 for count in received.values()), received
    assert outbox_counts(home) == Counter({"sent": received.total()})
    assert not any("interrupted" in line for line in first.lines + second.lines)
