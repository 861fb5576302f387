"""Threads that follow the store: after a change, they bring something outside
up to date (Home Assistant over MQTT, the calendar file), without making the
thread that recorded the change wait.

`poke()` only sets a flag, so a mail watcher or the scheduler returns at once;
a burst of pokes (a folder of new mail) becomes one run of the job. A job that
fails is logged and run again after `retry_seconds`, or at the next poke.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

RETRY_SECONDS = 60.0


class Follower:
    def __init__(
        self, name: str, job: Callable[[], object], *, retry_seconds: float = RETRY_SECONDS
    ) -> None:
        self.name = name
        self._job = job
        self._retry_seconds = retry_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"follow:{name}", daemon=True)
        self.runs = 0  # finished runs
        self._ran = threading.Condition()

    def start(self) -> None:
        self._thread.start()

    def poke(self) -> None:
        self._wake.set()

    def wait_for_runs(self, count: int, timeout: float) -> bool:
        """Wait until `count` runs have finished (for whoever needs to know
        that a change reached the outside: tests, a shutdown)."""
        with self._ran:
            return self._ran.wait_for(lambda: self.runs >= count, timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the run at hand, then end the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        retry: float | None = None
        while True:
            self._wake.wait(retry)
            self._wake.clear()
            if self._stop.is_set():
                return
            retry = None if self._run() else self._retry_seconds

    def _run(self) -> bool:
        try:
            self._job()
        except OperationalError as exc:
            log.warning("%s: database busy (%s); trying again in %.0f s", self.name, exc.orig,
                        self._retry_seconds)  # fmt: skip
            return False
        except Exception:
            log.exception("%s failed; trying again in %.0f s", self.name, self._retry_seconds)
            return False
        finally:
            with self._ran:
                self.runs += 1
                self._ran.notify_all()
        return True
