"""A server started for a test (Dovecot, Mosquitto): its own process group, its
log drained by a thread (a full pipe would block it) and watched for the line
that says it is ready, and stopped with everything it forked. It also ends when
the test process dies without tearing down (a mutant killed for its time, a
SIGKILLed run): util-linux's setpriv asks the kernel to send it SIGTERM then
(PR_SET_PDEATHSIG, kept across exec), so no server is left holding a port."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Sequence

TIMEOUT = 20.0


class LoggedProcess:
    def __init__(self, name: str, argv: Sequence[str], ready_line: str) -> None:
        self.name = name
        self.log_lines: list[str] = []
        self.process = subprocess.Popen(
            [*_ending_with_parent(), *argv],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        ready = threading.Event()
        self._reader = threading.Thread(
            target=self._read_log, args=(ready_line, ready), name=f"{name}-log", daemon=True
        )
        self._reader.start()
        if not ready.wait(TIMEOUT) or self.process.poll() is not None:
            self.stop()
            log = "\n".join(self.log_lines[-20:])
            raise RuntimeError(f"{name} did not start:\n{log}")

    def _read_log(self, ready_line: str, ready: threading.Event) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log_lines.append(line.rstrip("\n"))
            if ready_line in line:
                ready.set()
        ready.set()  # exited: the caller sees poll() is not None

    def stop(self, first: signal.Signals = signal.SIGTERM) -> None:
        """`first` (SIGTERM) to the whole group, SIGKILL if it does not end in time."""
        try:
            os.killpg(self.process.pid, first)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._reader.join(TIMEOUT)


def _ending_with_parent() -> list[str]:
    """The prefix that makes a server end with the test process (util-linux is
    on every Debian; without it the server only ends at teardown)."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []
