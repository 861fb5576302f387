"""One hostile email under a real `parcelwatch run`, real Dovecot, a systemd notify
socket with the watchdog armed: the daemon keeps pinging while it reads the email,
and the ordinary email that arrives right after it is notified within seconds.

Before issue 13 the hostile email below (a "Tracking ID:" followed by 150 KB of
"A A A ...") took minutes to parse while holding the interpreter lock: no
watchdog ping for that long (WatchdogSec=120 killed the daemon, which fetched the
email again after each restart) and no notification for the next email.
"""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import replace
from pathlib import Path

from tests.daemon.mail.conftest import PASSWORD, USER, Mailbox
from tests.daemon.service.faults.conftest import CORPUS, StartDaemon, fresh, write_setup
from tests.daemon.service.faults.daemon_process import IDLE_PATTERN
from tests.support import dovecot, hostile
from tests.support.notify_socket import NotifySocket
from tests.support.receiver import Receiver

WAIT = 30.0
STOP = 10.0
ORDINARY = CORPUS / "amazon_com" / "order2_shipped.eml"
WATCHDOG_USEC = 1_000_000  # a ping every 0.5 s
LONGEST_SILENCE = 5.0
"""Ten ping intervals: a daemon stuck in a parse misses far more (minutes before)."""


def hostile_email() -> bytes:
    capitals = next(u for u in hostile.UNITS if u.name == "capitals")
    return hostile.run_email(hostile.TRIGGERS[0], capitals, 150_000)


def test_a_hostile_email_stalls_neither_the_watchdog_nor_the_next_email(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    receiver: Receiver,
    daemons: StartDaemon,
    notify_socket: NotifySocket,
) -> None:
    setup = write_setup(tmp_path, server, USER, PASSWORD, receiver.url())
    env = {**setup.env, "NOTIFY_SOCKET": str(notify_socket.path),
           "WATCHDOG_USEC": str(WATCHDOG_USEC)}  # fmt: skip
    daemon = daemons(replace(setup, env=env))
    ready = notify_socket.wait_for("READY=1")
    daemon.wait_for_line(IDLE_PATTERN, WAIT)
    assert receiver.wait_for(1, WAIT), daemon.tail()  # the hello after the first sync

    # The ordinary email dated now, so that its milestone is news to be pushed.
    mailbox.append([hostile_email(), *fresh([ORDINARY])])

    assert receiver.wait_for(2, WAIT), daemon.tail()
    titles = [title.split(":")[0] for title in receiver.titles()]
    assert titles == ["Watching home", "Shipped"]
    after = len(notify_socket.messages)
    for _ in range(2):  # two more pings: the time since the email arrived is covered
        after = notify_socket.wait_for("WATCHDOG=1", after=after) + 1
    pings = [t for m, t in zip(notify_socket.messages, notify_socket.times, strict=True)
             if "WATCHDOG=1" in m and t >= notify_socket.times[ready]]  # fmt: skip
    gaps = [later - earlier for earlier, later in itertools.pairwise(pings)]
    assert max(gaps) < LONGEST_SILENCE, gaps
    assert daemon.terminate(STOP) == 0, daemon.tail()
    with sqlite3.connect(f"file:{setup.database}?mode=ro", uri=True) as db:
        recorded = dict(db.execute("SELECT message_id, error FROM processedmessage").fetchall())
    assert "<hostile@example.com>" in recorded  # read and recorded, not fetched again
