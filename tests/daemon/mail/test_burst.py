"""Reading never waits for sending: a burst of mail arrives while the
notification service is slow (here: shut, until the test opens it). The real
service (watchers, the notifications' worker, the scheduler) in this process,
a real Dovecot, real Apprise to the loopback receiver.

The old daemon sent on the watcher's thread, so the second email of a burst
waited for the first one's notification (Apprise paces ntfy to one message per
5.5 s). Here every email of the burst must be recorded while the first send
is still held; how long APPEND-to-recorded and APPEND-to-notified take with a
paced target is measured by `bench.imap_burst` (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from daemon.app import App
from daemon.service.runner import Service
from tests.daemon.mail.conftest import SHIPPED_BY_ORDER, AppFactory, Mailbox
from tests.support.receiver import Receiver
from tests.support.replay import another_order

BURST = 10
WAIT = 30.0


class Recorded:
    """The number of emails the store holds, re-read at each committed change."""

    def __init__(self, app: App) -> None:
        self._app = app
        self._changed = threading.Condition()
        self.stop = app.store.listen(self._heard)

    def _heard(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self._app.store.message_count() >= count, timeout)


@pytest.fixture
def service(make_app: AppFactory, receiver: Receiver) -> Iterator[Service]:
    app = make_app(receiver)
    running = Service(app, app.settings.imap)
    running.start()
    yield running
    receiver.gate.set()
    running.stop()


def test_a_burst_is_recorded_while_a_notification_is_still_being_sent(
    service: Service, mailbox: Mailbox, receiver: Receiver
) -> None:
    receiver.hold_seconds = 2 * WAIT
    recorded = Recorded(service.app)
    assert receiver.wait_for(1, WAIT)  # the hello: the first pass is over
    assert receiver.titles() == ["Watching home"]

    receiver.gate.clear()  # the notification service stops answering
    template = SHIPPED_BY_ORDER.read_bytes()
    emails = [another_order(template, n, datetime.now(UTC)) for n in range(1, BURST + 1)]
    mailbox.append(emails[:1])
    with receiver.changed:  # its notification is on its way, and held
        assert receiver.changed.wait_for(lambda: receiver.arrived == 2, WAIT)
    for email in emails[1:]:
        mailbox.append([email])

    # Each of them recorded while the first send still waits for an answer.
    assert recorded.wait_for(BURST, WAIT)
    assert len(receiver.requests) == 1  # only the hello was answered
    # Still the one send in flight: had recording waited for it, Apprise would
    # have given up on it (its read timeout) and tried again by now.
    assert receiver.arrived == 2
    recorded.stop()

    receiver.gate.set()
    assert receiver.wait_for(1 + BURST, WAIT)
    orders = [_order(request.json()["message"]) for request in receiver.requests[1:]]
    # One worker sends oldest first: in the order the emails came.
    assert orders == [f"249-{n:07d}-{n:07d}" for n in range(1, BURST + 1)]


def _order(body: str) -> str:
    found = re.search(r"Order: (\S+)", body)
    assert found is not None, body
    return found.group(1)
