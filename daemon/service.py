"""`parcelwatch run`: watch the configured IMAP accounts in the foreground.

IDLE watchers run in their own threads and deliver the outbox as soon as they
record mail; the main thread wakes every `outbox_tick` seconds to ask the
carriers about shipments whose check is due and to deliver notifications whose
(retry) time has come, and otherwise sleeps. SIGTERM and
SIGINT set one event: the watchers leave IDLE, finish the message at hand and
close their connections.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Sequence
from types import FrameType

from daemon.app import App
from daemon.config_imap import ImapAccount
from daemon.mailboxes import Mailboxes

log = logging.getLogger(__name__)

OUTBOX_TICK_SECONDS = 30.0


def run(
    app: App,
    accounts: Sequence[ImapAccount],
    stop: threading.Event,
    *,
    mailboxes: Mailboxes | None = None,
    outbox_tick: float = OUTBOX_TICK_SECONDS,
) -> bool:
    """Watch until `stop` is set; False when every watcher gave up (each gave
    its reason in the log)."""
    boxes = mailboxes or Mailboxes(app)
    watchers = boxes.start(accounts)
    log.info("watching %d folder(s) of %d account(s)", len(watchers), len(accounts))
    carriers = bool(app.settings.carriers.backends)
    try:
        boxes.deliver()
        while not stop.wait(outbox_tick):
            if carriers:
                app.refresher.run_due()
            boxes.deliver()
            if watchers and all(w.gave_up for w in watchers):
                log.error("every mail account failed; stopping (see the errors above)")
                return False
    finally:
        boxes.stop()
    log.info("stopped")
    return True


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM (systemd stop) and SIGINT (Ctrl-C) end `run` cleanly."""

    def handler(signum: int, frame: FrameType | None) -> None:
        log.info("%s received, stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
