"""`parcelwatch run` killed with SIGKILL at random moments, again and again, while
it reads a mailbox of shipping emails and sends their notifications: in the end
every notification has arrived, and none twice, except in the one window the
daemon owns up to (a kill between the receiver's answer and the commit that
marks the delivery sent, which it logs as "interrupted ... sending it again").

What "every notification" means is learnt from a reference run: the same emails,
in the same order, read by an undisturbed daemon with its own database and its
own receiver. The kills are seeded (the seed is printed), so a failure can be
replayed; the kill moments mix plain timers with kills triggered by progress
(the k-th notification arriving, a log line), so that they land while mail is
being recorded and notifications are being sent, not only during start-up.
"""

from __future__ import annotations

import ast
import random
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import NewDatabase
from tests.daemon.mail.conftest import OTHER_PASSWORD, OTHER_USER, PASSWORD, USER, Mailbox
from tests.daemon.service.faults.conftest import (
    Note,
    Setup,
    StartDaemon,
    all_sent,
    notes,
    outbox_counts,
    poll_until,
    shipping_emails,
    wait_for_notes,
    write_setup,
)
from tests.daemon.service.faults.daemon_process import IDLE_PATTERN, DaemonProcess
from tests.support import dovecot
from tests.support.receiver import Receiver, ReceiverServer

HELLO = "Watching home"
SEED = 20260411
CYCLES = 24
INITIAL_EMAILS = 20  # in the INBOX before the first start; the rest come during the chaos
WAIT = 60.0
STOP = 10.0
pytestmark = pytest.mark.storage

INTERRUPTED = re.compile(
    r"sending (?P<title>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\") to (?P<target>\S+) "
    r"was interrupted by the last shutdown; sending it again"
)
# Lines a progress-triggered kill may wait for: the service is up (the watcher
# is connecting and reading, the first outbox run is sending); a catch-up
# recorded new mail (its notifications are about to be sent).
STARTED = r"watching \d+ folder"
RECORDED = r"INBOX: [1-9]\d* new"


@dataclass(frozen=True)
class Cycle:
    """What one start-and-kill did, for the summary printed at the end."""

    how: str
    seconds: float
    sent: int
    phase: str  # when the kill landed: "starting", "working" or "idle"


def test_sigkill_at_random_moments_delivers_every_notification_once(
    tmp_path: Path,
    server: dovecot.Dovecot,
    receiver: Receiver,
    daemons: StartDaemon,
    new_database: NewDatabase,
) -> None:
    print(f"\nseed {SEED} (tests/daemon/faults/test_sigkill.py: SEED)")
    rng = random.Random(SEED)
    emails = shipping_emails()
    reference = write_setup(tmp_path / "reference", server, OTHER_USER, OTHER_PASSWORD, "",
                            database_url=new_database("reference"))  # fmt: skip
    expected = reference_notes(reference, server, emails, daemons)
    assert len(expected) >= 25, f"the reference run sent only {len(expected)} notifications"

    chaos = write_setup(tmp_path / "chaos", server, USER, PASSWORD, receiver.url(),
                        database_url=new_database("chaos"))  # fmt: skip
    inbox = Mailbox(server)
    inbox.append(emails[:INITIAL_EMAILS])
    waiting = list(emails[INITIAL_EMAILS:])
    started = time.monotonic()
    cycles: list[Cycle] = []
    logs: list[str] = []
    for number in range(CYCLES):
        cycle, daemon = kill_once(number, rng, chaos, inbox, waiting, receiver, daemons)
        cycles.append(cycle)
        logs += daemon.lines
    chaos_seconds = time.monotonic() - started

    if waiting:  # mail the cycles did not bring (the corpus grows) comes for the last run
        inbox.append(waiting)
    final = daemons(chaos)
    final.wait_for_line(IDLE_PATTERN, WAIT)  # signal handlers are in place by now
    assert wait_for_notes(receiver, expected, WAIT), missing_message(expected, receiver, final)
    assert poll_until(lambda: all_sent(chaos), WAIT), f"outbox: {outbox_counts(chaos)}"
    assert final.terminate(STOP) == 0, final.tail()
    logs += final.lines

    everything = Counter(notes(receiver))
    received = without_hello(everything)
    interrupted = interrupted_titles(logs)
    print_summary(cycles, chaos_seconds, everything, interrupted)
    assert not expected - received, f"missing: {sorted(expected - received)}"
    assert not received.keys() - expected.keys(), f"unexpected: {received.keys() - expected}"
    unexplained = unexplained_duplicates(everything, interrupted)
    assert not unexplained, f"sent twice without an interrupted send logged: {unexplained}"
    # The hello says what the first complete read found (here less than the
    # reference's): one, whatever the kills.
    hellos = (everything - received).total()
    assert 1 <= hellos <= 1 + interrupted[HELLO], f"{hellos} hellos"
    assert outbox_counts(chaos) == Counter({"sent": len(expected) + 1})
    working = sum(c.phase == "working" for c in cycles)
    assert working >= CYCLES // 3, f"only {working} of {CYCLES} kills landed while it worked"


def reference_notes(
    planned: Setup, server: dovecot.Dovecot, emails: list[bytes], daemons: StartDaemon
) -> Counter[Note]:
    """The notifications an undisturbed daemon sends for `emails` (another user's
    INBOX, another database, another receiver: `planned`, with the receiver's
    URL filled in)."""
    Mailbox(server, OTHER_USER, OTHER_PASSWORD).append(emails)
    with ReceiverServer() as reference:
        directory = planned.config.parent
        setup = write_setup(directory, server, OTHER_USER, OTHER_PASSWORD, reference.url(),
                            database_url=planned.url)  # fmt: skip
        daemon = daemons(setup)
        daemon.wait_for_line(IDLE_PATTERN, WAIT)
        assert poll_until(lambda: all_sent(setup), WAIT), outbox_counts(setup)
        assert daemon.terminate(STOP) == 0, daemon.tail()
        sent = Counter(notes(reference))
    assert all(count == 1 for count in sent.values()), f"the reference run repeated: {sent}"
    assert sent.total() == outbox_counts(setup)["sent"]
    assert (sent - without_hello(sent)).total() == 1  # one hello after the first sync
    return without_hello(sent)


def without_hello(received: Counter[Note]) -> Counter[Note]:
    """The milestones' notifications: all but the hello after the first sync,
    whose text depends on how much mail the first read found."""
    return Counter({note: n for note, n in received.items() if note[0] != HELLO})


def kill_once(
    number: int,
    rng: random.Random,
    setup: Setup,
    inbox: Mailbox,
    waiting: list[bytes],
    receiver: Receiver,
    daemons: StartDaemon,
) -> tuple[Cycle, DaemonProcess]:
    """Start the daemon, SIGKILL it at a moment drawn from `rng`, and say how."""
    if waiting:  # new mail each time, so that every start has work to do
        batch = rng.randint(1, 3)
        inbox.append(waiting[:batch])
        del waiting[:batch]
        new_mail = True
    else:
        new_mail = False
    before = len(receiver.requests)
    start = time.monotonic()
    # The receiver's condition is notified at every request and every log line.
    daemon = daemons(setup, receiver.changed)
    kind = rng.choice(("timer", "request", "line"))
    if kind == "request":
        # The k-th request this process sends, or IDLE if it had fewer to send.
        k = rng.randint(1, 4)
        how = f"at request {k}"

        def sent_or_idle() -> bool:
            return len(receiver.requests) >= before + k or daemon.said(IDLE_PATTERN)

        with receiver.changed:
            assert receiver.changed.wait_for(sent_or_idle, WAIT), f"{how}: {daemon.tail()}"
        assert daemon.wait_or_kill(0), f"cycle {number} ended by itself: {daemon.tail()}"
    elif kind == "line":
        pattern = rng.choice((STARTED, RECORDED) if new_mail else (STARTED,))
        delay = rng.choice((0.0, rng.uniform(0.0, 0.3)))
        how = f"{delay:.2f} s after {pattern!r}"
        daemon.wait_for_line(pattern, WAIT)
        assert daemon.wait_or_kill(delay), f"cycle {number} ended by itself: {daemon.tail()}"
    else:
        delay = rng.uniform(0.05, 3.0)
        how = f"timer {delay:.2f} s"
        assert daemon.wait_or_kill(delay), f"cycle {number} ended by itself: {daemon.tail()}"
    seconds = time.monotonic() - start
    return Cycle(how, seconds, len(receiver.requests) - before, phase(daemon)), daemon


def phase(daemon: DaemonProcess) -> str:
    """How far a killed daemon had come: its service not yet started, started and
    catching up or sending, or caught up and waiting in IDLE."""
    lines = daemon.lines
    if not any(re.search(STARTED, line) for line in lines):
        return "starting"
    if any(re.search(IDLE_PATTERN, line) for line in lines):
        return "idle"
    return "working"


def interrupted_titles(lines: list[str]) -> Counter[str]:
    """The titles of the sends the daemon logged as interrupted and repeated."""
    titles: Counter[str] = Counter()
    for line in lines:
        found = INTERRUPTED.search(line)
        if found:
            titles[str(ast.literal_eval(found.group("title")))] += 1
    return titles


def unexplained_duplicates(received: Counter[Note], interrupted: Counter[str]) -> list[Note]:
    """Notifications that arrived more often than once plus the number of
    interrupted sends logged under their title."""
    extra_by_title: Counter[str] = Counter()
    for (title, _), count in received.items():
        extra_by_title[title] += count - 1
    return [
        note
        for note, count in received.items()
        if count > 1 and extra_by_title[note[0]] > interrupted[note[0]]
    ]


def missing_message(expected: Counter[Note], receiver: Receiver, daemon: DaemonProcess) -> str:
    missing = sorted(expected - Counter(notes(receiver)))
    return f"{len(missing)} never arrived: {missing[:5]}; the last run's log:\n{daemon.tail()}"


def print_summary(
    cycles: list[Cycle], seconds: float, received: Counter[Note], interrupted: Counter[str]
) -> None:
    """Print what the kills did, and how many notifications arrived twice."""
    for number, cycle in enumerate(cycles):
        print(
            f"cycle {number:2d}: killed {cycle.how:<40} after {cycle.seconds:5.2f} s, "
            f"{cycle.sent} sent, {cycle.phase}"
        )
    duplicates = sum(count - 1 for count in received.values())
    print(
        f"{len(cycles)} kills in {seconds:.1f} s; {sum(received.values())} requests for "
        f"{len(received)} notifications; {interrupted.total()} sends logged as interrupted, "
        f"{duplicates} of them arrived twice"
    )
