"""How the main thread of `run` and `web` learns that it must stop, reload, or
look again: SIGTERM (systemd stop) and SIGINT (Ctrl-C) stop, SIGHUP reloads,
and any thread may wake it.

The kernel hands a process-wide signal to whichever of its threads it likes.
When that is an IMAP watcher or a web worker, Python only *notes* the signal,
and the main thread, asleep in a lock's wait, would not hear of it until its
wait times out: up to a minute for `run`, forever for `web`. So the main
thread never sleeps on a lock. It sleeps in select() on one end of a socket
pair, and the other end is the interpreter's wakeup fd (signal.set_wakeup_fd),
to which the C-level handler writes the signal's number in whatever thread
it runs. The Python-level handlers do nothing: the main thread reads the
numbers and decides, so nothing runs inside a handler that could wait on a
lock the interrupted code holds.
"""

from __future__ import annotations

import contextlib
import logging
import select
import signal
import socket
from collections.abc import Callable
from types import FrameType

log = logging.getLogger(__name__)

STOP = frozenset({signal.SIGTERM, signal.SIGINT})
RELOAD = frozenset({signal.SIGHUP})
_WAKE = 0  # the byte another thread writes; no signal has the number 0


class Signals:
    """Signals and wake-ups, read by the main thread only (`wait`)."""

    def __init__(self) -> None:
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self.stop_requested = False
        self._reload_requested = False

    def wake(self) -> None:
        """End the main thread's `wait` early; safe from any thread."""
        # A full buffer is a wake-up already; a closed socket: `run` has ended.
        with contextlib.suppress(OSError):
            self._writer.send(bytes([_WAKE]))

    def wait(self, timeout: float | None) -> bool:
        """Sleep until a signal, a `wake` or `timeout` seconds (None: no limit),
        then note what the signals that came asked for. False: the time ran
        out with nothing come."""
        select.select([self._reader], [], [], timeout)
        came = False
        while True:
            try:
                received = self._reader.recv(4096)
            except BlockingIOError:
                return came
            if not received:
                return came
            came = True
            for number in received:
                self._note(number)

    def take_reload(self) -> bool:
        """Whether a reload was asked for since the last call."""
        asked = self._reload_requested
        self._reload_requested = False
        return asked

    def _note(self, number: int) -> None:
        if number in STOP:
            log.info("%s received, stopping", signal.Signals(number).name)
            self.stop_requested = True
        elif number in RELOAD:
            log.info("SIGHUP received, reading the configuration again")
            self._reload_requested = True

    def install(self) -> Callable[[], None]:
        """Catch the signals (main thread only); returns what puts the previous
        handlers and wakeup fd back and closes the sockets."""
        previous = {number: signal.signal(number, _noted) for number in (*STOP, *RELOAD)}
        previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)

        def restore() -> None:
            signal.set_wakeup_fd(previous_fd)
            for number, handler in previous.items():
                signal.signal(number, handler)
            self._reader.close()
            self._writer.close()

        return restore


def _noted(number: int, frame: FrameType | None) -> None:
    """The Python-level handler: the number is already on its way to `wait`
    through the wakeup fd; installing a handler at all keeps the default
    action (ending the process on the spot) away."""
