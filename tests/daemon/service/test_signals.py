"""Signals reach the main thread of `run` and `web` wherever the kernel
delivers them, and a wake-up from any thread ends its wait.

Real signals, sent to this very process: each test installs the handlers and
puts the previous ones back. A wait given WAIT seconds that ends only because
they passed returns False and leaves nothing requested: the assertions catch it.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator

import pytest

from daemon.service.signals import Signals

WAIT = 30.0


@pytest.fixture
def signals() -> Iterator[Signals]:
    caught = Signals()
    restore = caught.install()
    try:
        yield caught
    finally:
        restore()


def in_another_thread(action: threading.Thread) -> None:
    action.start()
    action.join()


def test_a_sigterm_taken_by_another_thread_still_ends_the_main_threads_wait(
    signals: Signals,
) -> None:
    # The kernel may hand a process-wide SIGTERM to an IMAP watcher: here it is
    # sent to a helper thread on purpose. The main thread, asleep, must hear of it.
    def to_myself() -> None:
        signal.pthread_kill(threading.get_ident(), signal.SIGTERM)

    in_another_thread(threading.Thread(target=to_myself))
    assert signals.wait(WAIT), "woken, not timed out"
    assert signals.stop_requested


def test_sigint_stops_and_sighup_asks_for_one_reload(signals: Signals) -> None:
    os.kill(os.getpid(), signal.SIGHUP)
    signals.wait(WAIT)
    assert (signals.stop_requested, signals.take_reload(), signals.take_reload()) == (
        False,
        True,
        False,
    )
    os.kill(os.getpid(), signal.SIGINT)
    signals.wait(WAIT)
    assert signals.stop_requested


def test_a_signal_that_comes_before_the_wait_is_kept_for_it(signals: Signals) -> None:
    # `run` installs the handlers first, so a stop during start-up is seen at
    # the first wait, even one that would not block at all.
    os.kill(os.getpid(), signal.SIGTERM)
    signals.wait(0)
    assert signals.stop_requested


def test_a_wake_from_another_thread_ends_the_wait_and_asks_for_nothing(
    signals: Signals,
) -> None:
    in_another_thread(threading.Thread(target=signals.wake))
    assert signals.wait(WAIT), "woken, not timed out"
    assert (signals.stop_requested, signals.take_reload()) == (False, False)
    assert not signals.wait(0), "one wake-up ends one wait"


def test_restoring_puts_back_the_previous_handlers_and_later_wakes_are_harmless() -> None:
    before = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGHUP)}
    caught = Signals()
    restore = caught.install()
    assert signal.getsignal(signal.SIGTERM) != before[signal.SIGTERM]
    restore()
    assert {number: signal.getsignal(number) for number in before} == before
    assert signal.set_wakeup_fd(-1) == -1  # none of ours left behind
    caught.wake()  # a watcher finishing late must not raise
