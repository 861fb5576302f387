"""What long work (a first backfill, an import) shows while it runs: a bar on
a terminal, a log line every few seconds elsewhere, and systemd's STATUS line
("reading home: 1,200 of 2,000"). Short work shows nothing: a report starts
only once a task has run for `after` seconds.

Time comes from an injected monotonic clock, so the figures (rate, time left)
and the pacing are the same in a test as in real life.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from daemon.mail.progress import Progress, Task
from daemon.service.systemd import SystemdNotifier

Monotonic = Callable[[], float]
LOG_EVERY = 5.0
STATUS_EVERY = 2.0
BAR_EVERY = 0.2
_BAR_CELLS = 24


@dataclass
class Meter:
    """Counts of one task and what follows from them."""

    what: str
    total: int | None
    started: float
    looked_at: int = 0
    read: int = 0

    def rate(self, now: float) -> float:
        elapsed = now - self.started
        return self.looked_at / elapsed if elapsed > 0 else 0.0

    def left(self, now: float) -> float | None:
        """Seconds left at the rate so far; None when it cannot be known."""
        rate = self.rate(now)
        if self.total is None or rate <= 0:
            return None
        return max(self.total - self.looked_at, 0) / rate

    def count(self) -> str:
        """ "1,200 of 2,000" (or "1,200" when the total is not known)."""
        done = f"{self.looked_at:,}"
        return done if self.total is None else f"{done} of {self.total:,}"

    def line(self, now: float) -> str:
        """The whole story, for a log line or a bar's tail."""
        text = f"{self.count()} messages looked at, {self.read:,} Amazon emails read"
        extra = [f"{self.rate(now):,.0f}/s"]
        left = self.left(now)
        if left is not None:
            extra.append(f"about {duration(left)} left")
        return f"{text} ({', '.join(extra)})"


def duration(seconds: float) -> str:
    """ "7 s", "3 min", "1 h 5 min"."""
    seconds = round(seconds)
    if seconds < 90:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


class _Paced:
    """A task that reports through `show` at most every `every` seconds, once
    it has run for `after` seconds, and through `done` at the end if it ever
    reported."""

    def __init__(
        self,
        meter: Meter,
        clock: Monotonic,
        every: float,
        after: float,
        show: Callable[[Meter, float], None],
        done: Callable[[Meter, float], None],
    ) -> None:
        self.meter = meter
        self._clock = clock
        self._every = every
        self._next = meter.started + after
        self._show = show
        self._done = done
        self._shown = False

    def advance(self, looked_at: int, read: int) -> None:
        self.meter.looked_at += looked_at
        self.meter.read += read
        now = self._clock()
        if now >= self._next:
            self._next = now + self._every
            self._shown = True
            self._show(self.meter, now)

    def finish(self) -> None:
        if self._shown:
            self._done(self.meter, self._clock())


@dataclass
class LogProgress:
    """One log line every `every` seconds, and one at the end."""

    logger: logging.Logger
    clock: Monotonic = time.monotonic
    every: float = LOG_EVERY

    def task(self, what: str, total: int | None) -> Task:
        return _Paced(
            Meter(what, total, self.clock()),
            self.clock,
            self.every,
            self.every,
            lambda meter, now: self.logger.info("reading %s: %s", meter.what, meter.line(now)),
            self._done,
        )

    def _done(self, meter: Meter, now: float) -> None:
        self.logger.info(
            "read %s: %s messages looked at, %s Amazon emails read in %s",
            meter.what, f"{meter.looked_at:,}", f"{meter.read:,}",
            duration(now - meter.started),
        )  # fmt: skip


@dataclass
class BarProgress:
    """A bar redrawn in place on a terminal, erased at the end."""

    stream: TextIO
    clock: Monotonic = time.monotonic
    every: float = BAR_EVERY
    after: float = 0.5

    def task(self, what: str, total: int | None) -> Task:
        return _Paced(
            Meter(what, total, self.clock()),
            self.clock,
            self.every,
            self.after,
            self._draw,
            self._erase,
        )

    def _draw(self, meter: Meter, now: float) -> None:
        self.stream.write(f"\r\x1b[K{bar(meter)} {meter.what}: {meter.line(now)}")
        self.stream.flush()

    def _erase(self, meter: Meter, now: float) -> None:
        self.stream.write("\r\x1b[K")
        self.stream.flush()


def bar(meter: Meter) -> str:
    """ "[██████░░░░░░]": the share done, or an empty frame when unknown."""
    if not meter.total:
        return "[" + " " * _BAR_CELLS + "]"
    filled = min(_BAR_CELLS, _BAR_CELLS * meter.looked_at // meter.total)
    return "[" + "█" * filled + "░" * (_BAR_CELLS - filled) + "]"


@dataclass
class StatusProgress:
    """systemd's STATUS line: "reading home: 1,200 of 2,000"; `after_all` is
    called when the last running task ends, to put the usual line back."""

    notifier: SystemdNotifier
    after_all: Callable[[], None]
    clock: Monotonic = time.monotonic
    every: float = STATUS_EVERY
    _running: set[int] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def task(self, what: str, total: int | None) -> Task:
        meter = Meter(what, total, self.clock())
        return _Paced(meter, self.clock, self.every, 0.0, self._show, self._done)

    def _show(self, meter: Meter, now: float) -> None:
        with self._lock:
            self._running.add(id(meter))
        self.notifier.status(f"reading {meter.what}: {meter.count()}")

    def _done(self, meter: Meter, now: float) -> None:
        with self._lock:
            self._running.discard(id(meter))
            last = not self._running
        if last:
            self.after_all()


class Both:
    """Reports to several places at once."""

    def __init__(self, *reports: Progress) -> None:
        self._reports = reports

    def task(self, what: str, total: int | None) -> Task:
        return _Tasks([report.task(what, total) for report in self._reports])


class _Tasks:
    def __init__(self, tasks: list[Task]) -> None:
        self._tasks = tasks

    def advance(self, looked_at: int, read: int) -> None:
        for task in self._tasks:
            task.advance(looked_at, read)

    def finish(self) -> None:
        for task in self._tasks:
            task.finish()
