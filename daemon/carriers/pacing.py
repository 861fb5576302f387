"""Spacing requests to an API so that a burst of due checks stays within the
requests-per-second its provider allows (AfterShip documents 10 per second,
17TRACK 3), instead of being answered with 429s."""

from __future__ import annotations

import time
from collections.abc import Callable


class Pacer:
    """Waits before a request until `1 / per_second` seconds have passed since the
    previous one. The clock and the sleep are injected: tests never sleep."""

    def __init__(
        self,
        per_second: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.interval = 1.0 / per_second
        self._monotonic = monotonic
        self._sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        now = self._monotonic()
        if self._last is not None:
            ahead = self._last + self.interval - now
            if ahead > 0:
                self._sleep(ahead)
                now += ahead
        self._last = now
