"""Reading emails in worker processes, each within a budget of time and memory.

See the package docstring for why. The budget counts from the moment an email is
handed over until its answer is complete; starting a worker (importing the
parsers, a fraction of a second) is not counted. While it waits, the calling
thread sleeps in select(), which releases the interpreter lock: the daemon's
other threads, and its watchdog pings, go on.

Workers are started when an email comes and no worker is free (at most
`max_workers` at once, one per thread reading mail), and exit by themselves after
`idle_seconds` without work. A worker that died while reading an email (killed
from outside, say) gets one more try with a fresh worker before the email is
recorded as unreadable.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from daemon.errors import PermanentError
from daemon.parsing.reading import READY, Parsed, WorkerSettings
from daemon.parsing.wire import Closed, Overrun, Receiver, send
from parsers.model import ParseResult
from parsers.options import RegistryOptions

log = logging.getLogger(__name__)

DEFAULT_SECONDS = 10.0
"""An email's budget: ten times what the slowest hostile email of 1 MB takes on a
loaded machine (about 1 s, docs/BENCHMARKS.md) and a hundred times the slowest of
100 KB, so only a pattern nobody thought of reaches it."""
DEFAULT_MEMORY_BYTES = 512 * 1024 * 1024
"""A worker's resident memory while it reads one email: a 5 MB email needs at most
140 MB (docs/BENCHMARKS.md)."""
IDLE_SECONDS = 60.0
STARTUP_SECONDS = 60.0
"""How long a worker may take to start (import and build the parsers), on the
slowest machine; not part of any email's budget."""
_POLL_SECONDS = 0.02
"""How often the worker's memory is looked at while it reads."""
_RETIRE_MARGIN = 5.0
"""A worker idle for nearly `idle_seconds` (this much less, or half of it) is not
handed an email: it may be exiting."""
_COMMAND = (sys.executable, "-I", "-m", "daemon.parsing.worker")
_HEAD_BYTES = 64 * 1024
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(<[^\r\n<>]{1,900}>)", re.IGNORECASE | re.MULTILINE)


class WorkerError(PermanentError):
    """A parse worker could not be started: no email's fault, so none is recorded."""


class _Gone(Exception):  # noqa: N818 - a state, not a failure
    """The worker ended while reading an email."""


@dataclass(frozen=True)
class Budget:
    """What one email may cost: wall-clock seconds and the worker's resident bytes."""

    seconds: float = DEFAULT_SECONDS
    memory_bytes: int = DEFAULT_MEMORY_BYTES


class BudgetedReader:
    """Reads emails in worker processes, each within `budget`. Thread-safe."""

    def __init__(
        self,
        options: RegistryOptions,
        budget: Budget | None = None,
        *,
        idle_seconds: float = IDLE_SECONDS,
        max_workers: int = 4,
    ) -> None:
        self.budget = budget or Budget()
        self._settings = WorkerSettings(options, idle_seconds)
        self._max_workers = max_workers
        self._free: list[_Worker] = []
        self._running = 0
        self._changed = threading.Condition()
        self._closed = False

    def read(self, raw: bytes) -> Parsed:
        """The email read within the budget, or a result saying why it was not."""
        try:
            return self._ask(raw)
        except _Gone as exc:
            log.warning("the parse worker ended (%s); trying that email once more", exc)
        try:
            return self._ask(raw)
        except _Gone as exc:
            return _unread(raw, f"unreadable: the parse worker ended while reading it ({exc})")

    def _ask(self, raw: bytes) -> Parsed:
        """One worker's answer; a worker that overran or ended is let go."""
        worker = self._take()
        try:
            parsed = worker.ask(raw, self.budget)
        except _Exceeded as exc:
            self._drop(worker)
            return _unread(raw, f"parse budget exceeded: {exc}")
        except BaseException:  # it ended (_Gone), or this thread is interrupted
            self._drop(worker)
            raise
        self._give_back(worker)
        return parsed

    def close(self) -> None:
        """Let every free worker go; a busy one is let go when its email is done."""
        with self._changed:
            self._closed = True
            free, self._free = self._free, []
            self._running -= len(free)
            self._changed.notify_all()
        for worker in free:
            worker.close()

    # --- the pool ---------------------------------------------------------------------

    def _take(self) -> _Worker:
        with self._changed:
            while True:
                if self._closed:
                    raise WorkerError("the parse workers are shut down")
                stale = [w for w in self._free if not w.fresh()]
                for worker in stale:
                    self._free.remove(worker)
                    self._running -= 1
                    worker.close()
                if self._free:
                    return self._free.pop()
                if self._running < self._max_workers:
                    self._running += 1
                    break
                self._changed.wait()
        try:
            return _Worker.start(self._settings)
        except BaseException:
            self._release()
            raise

    def _give_back(self, worker: _Worker) -> None:
        with self._changed:
            if not self._closed:
                self._free.append(worker)
                self._changed.notify()
                return
        self._drop(worker)

    def _drop(self, worker: _Worker) -> None:
        worker.close()
        self._release()

    def _release(self) -> None:
        with self._changed:
            self._running -= 1
            self._changed.notify()


class _Exceeded(Exception):  # noqa: N818 - a verdict, not a failure
    """The email went over its budget; the text says which part."""


@dataclass
class _Worker:
    """One worker process and when it last finished an email."""

    process: subprocess.Popen[bytes]
    idle_seconds: float
    last_used: float = field(default_factory=time.monotonic)

    @classmethod
    def start(cls, settings: WorkerSettings) -> _Worker:
        try:
            process = subprocess.Popen(_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        except OSError as exc:
            raise WorkerError(f"cannot start the parse worker: {exc.strerror or exc}") from None
        assert process.stdin is not None and process.stdout is not None
        os.set_blocking(process.stdin.fileno(), False)
        os.set_blocking(process.stdout.fileno(), False)
        worker = cls(process, settings.idle_seconds)
        deadline = time.monotonic() + STARTUP_SECONDS
        try:
            send(process.stdin.fileno(), settings, deadline)
            answer = worker._receive(deadline, memory_bytes=None)
        except (Overrun, Closed, _Exceeded) as exc:
            worker.close()
            code = process.poll()
            detail = f"exit status {code}" if code is not None else str(exc)
            raise WorkerError(
                f"the parse worker did not start ({detail}); see the lines above"
            ) from None
        if answer != READY:
            worker.close()
            raise WorkerError(f"the parse worker answered {answer!r} instead of {READY!r}")
        return worker

    def fresh(self) -> bool:
        """Still running, and not about to leave for lack of work."""
        idle = time.monotonic() - self.last_used
        margin = min(_RETIRE_MARGIN, self.idle_seconds / 2)
        return self.process.poll() is None and idle < self.idle_seconds - margin

    def ask(self, raw: bytes, budget: Budget) -> Parsed:
        assert self.process.stdin is not None
        deadline = time.monotonic() + budget.seconds
        try:
            send(self.process.stdin.fileno(), raw, deadline)
            answer = self._receive(deadline, memory_bytes=budget.memory_bytes)
        except Overrun:
            raise _Exceeded(f"not read within {budget.seconds:g} s") from None
        except Closed:
            raise _Gone(self._ending()) from None
        self.last_used = time.monotonic()
        if not isinstance(answer, Parsed):
            raise _Gone(f"it answered {type(answer).__name__}")
        return answer

    def _receive(self, deadline: float, *, memory_bytes: int | None) -> object:
        assert self.process.stdout is not None
        receiver = Receiver(self.process.stdout.fileno())
        while True:
            answer = receiver.poll(deadline, _POLL_SECONDS)
            if answer is not None:
                return answer
            if memory_bytes is not None:
                resident = _resident_bytes(self.process.pid)
                if resident is not None and resident > memory_bytes:
                    raise _Exceeded(f"more than {memory_bytes // (1024 * 1024)} MB of memory")

    def _ending(self) -> str:
        try:
            code = self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return "its output closed"
        return f"signal {-code}" if code < 0 else f"exit status {code}"

    def close(self) -> None:
        """End the worker: at once (it may be stuck in a pattern), then reap it."""
        if self.process.poll() is None:
            self.process.kill()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        self.process.wait()


def _resident_bytes(pid: int) -> int | None:
    """A process's resident memory from /proc (None where there is no /proc)."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_bytes().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def _unread(raw: bytes, error: str) -> Parsed:
    """The record of an email that was not read: its Message-ID, found by a bounded
    look at the raw header (so that a re-scanned folder skips it), and the reason."""
    head = raw[:_HEAD_BYTES].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    match = _MESSAGE_ID.search(head)
    message_id = match.group(1).decode("ascii", "replace") if match else None
    return Parsed(ParseResult(parser=None, error=error), message_id=message_id)
