"""Exponential backoff with jitter, for reconnecting to anything that went away.

Jitter matters when one server restart drops many connections at once: without
it they would all come back in the same second, again and again.
"""

from __future__ import annotations

import random
from collections.abc import Callable


class Backoff:
    """Delays of initial, 2x, 4x ... up to `maximum` seconds, each shortened by a
    random fraction of up to `jitter` of itself; `reset()` after a success."""

    def __init__(
        self,
        initial: float = 1.0,
        maximum: float = 300.0,
        *,
        jitter: float = 0.5,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if not 0 < initial <= maximum:
            raise ValueError("need 0 < initial <= maximum")
        if not 0 <= jitter < 1:
            raise ValueError("jitter is a fraction in [0, 1)")
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
        self._rng = rng
        self.failures = 0

    def next_delay(self) -> float:
        """The delay before the next attempt, counting this failure."""
        base = min(self.maximum, self.initial * 2.0**self.failures)
        self.failures += 1
        return base * (1.0 - self.jitter * self._rng())

    def reset(self) -> None:
        self.failures = 0
