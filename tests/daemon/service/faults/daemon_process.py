"""`parcelwatch run` as a real subprocess, with its log read as it is written.

The fault tests kill, stop and restart the daemon the way an init system or a
power cut would, so it must be a separate process. Its stderr is drained by a
thread (a full pipe would block the daemon) into a list of lines that a test
waits on: "until this line appears", with a deadline, never a sleep.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
# The line a watcher logs once its folder is caught up, just before IDLE
# (daemon/sources/imap_watch.py).
IDLE_LINE = "waiting for new mail (IDLE)"
IDLE_PATTERN = re.escape(IDLE_LINE)
STOP_TIMEOUT = 10.0
# Variables that would make the daemon talk to the systemd of whoever runs the tests.
_SYSTEMD_VARIABLES = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM")


class DaemonWaitError(AssertionError):
    """The daemon ended, or stayed silent too long, while a test waited for a line."""


class DaemonProcess:
    """One `parcelwatch --config FILE run` process and everything it logged."""

    def __init__(
        self, config: Path, env: Mapping[str, str], changed: threading.Condition | None = None
    ) -> None:
        """`changed` is notified at every line; pass another component's condition
        (the receiver's) to wait for "this line or that request", whichever first.
        It must be built on a re-entrant lock (threading.Condition's default)."""
        environment = {k: v for k, v in os.environ.items() if k not in _SYSTEMD_VARIABLES}
        environment.update(env)
        # A daemon that hangs on SIGTERM is shown, not guessed at: before the
        # SIGKILL, SIGABRT makes faulthandler print every thread's stack.
        environment["PYTHONFAULTHANDLER"] = "1"
        command = [sys.executable, "-m", "daemon.cli", "--config", str(config), "run"]
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._lines: list[str] = []
        self._ended = False
        self._changed = changed or threading.Condition()
        self._reader = threading.Thread(target=self._read, name="daemon-stderr", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        stream = self.process.stderr
        assert stream is not None
        for raw in stream:
            with self._changed:
                self._lines.append(raw.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    # --- the log ----------------------------------------------------------------------

    @property
    def lines(self) -> list[str]:
        with self._changed:
            return list(self._lines)

    def tail(self, count: int = 25) -> str:
        return "\n".join(self.lines[-count:])

    def mark(self) -> int:
        """Where the log is now: pass it as `since` to wait for what comes next."""
        with self._changed:
            return len(self._lines)

    def said(self, pattern: str) -> bool:
        """Has any line so far matched the regular expression `pattern`?"""
        regex = re.compile(pattern)
        return any(regex.search(line) for line in self.lines)

    def wait_for_line(self, pattern: str, timeout: float, *, since: int = 0, count: int = 1) -> int:
        """Block until `count` lines at index `since` or later match the regular
        expression `pattern`; return the index of the last of them. Fails with
        the log's tail when `timeout` passes or the daemon ends first."""
        regex = re.compile(pattern)
        found: list[int] = []

        def enough() -> bool:
            found[:] = [i for i in range(since, len(self._lines)) if regex.search(self._lines[i])]
            return len(found) >= count or self._ended

        with self._changed:
            self._changed.wait_for(enough, timeout)
            if len(found) >= count:
                return found[count - 1]
            ended = self._ended
        why = "ended" if ended else f"did not say it within {timeout:.0f} s"
        raise DaemonWaitError(
            f"parcelwatch run {why} ({count} x {pattern!r}); its log ends with:\n{self.tail()}"
        )

    # --- ending it ---------------------------------------------------------------------

    def wait_or_kill(self, delay: float) -> bool:
        """The kill timer: SIGKILL after `delay` seconds unless the daemon ended
        by itself before; True when it was killed."""
        try:
            self.process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            self.kill()
            return True
        return False

    def kill(self) -> None:
        """SIGKILL, like a power cut or the OOM killer; waits until it is gone."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self._reader.join(STOP_TIMEOUT)

    def terminate(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM, like `systemctl stop`; the exit status (SIGKILL and a failed
        assertion if it does not end within `timeout`)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stacks = self.mark()
            self.process.send_signal(signal.SIGABRT)
            self.wait_or_kill(STOP_TIMEOUT)
            self.kill()
            raise AssertionError(
                f"parcelwatch run did not stop within {timeout:.0f} s of SIGTERM; "
                f"its log ends with:\n{self.tail()}\nits threads were at:\n"
                + "\n".join(self.lines[stacks:])
            ) from None
        self._reader.join(STOP_TIMEOUT)
        return status

    def close(self) -> None:
        """Make sure it is gone (a finalizer: the test may have failed anywhere)."""
        if self.process.poll() is None:
            self.kill()
        self._reader.join(STOP_TIMEOUT)
        if self.process.stderr is not None and not self._reader.is_alive():
            self.process.stderr.close()
