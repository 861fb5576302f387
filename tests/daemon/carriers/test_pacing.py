"""Requests to one API are spaced to its rate, measured on an injected clock."""

from __future__ import annotations

import pytest

from daemon.carriers.pacing import Pacer
from daemon.carriers.routing import build_backend
from daemon.config.carriers import BackendSettings
from daemon.config.secrets import Secret
from tests.daemon.carriers.harness import FakeClock


class Time:
    """A monotonic clock that moves only when slept on (or told to)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_requests_are_spaced_to_the_rate() -> None:
    time = Time()
    pacer = Pacer(4.0, monotonic=time.monotonic, sleep=time.sleep)
    pacer.wait()  # the first request goes at once
    pacer.wait()
    time.now += 0.1
    pacer.wait()
    time.now += 1.0
    pacer.wait()  # long after the last one: no wait
    assert time.slept == [0.25, 0.15]


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Pacer(0)


def test_build_backend_applies_the_configured_rate() -> None:
    rates: list[float] = []

    def pacer(per_second: float) -> Pacer:
        rates.append(per_second)
        return Pacer(per_second)

    settings = BackendSettings("17track", Secret("env", "k"), None, None, None, 20.0, 3.0)
    backend = build_backend(settings, FakeClock(), pacer=pacer)
    assert (backend.name, rates) == ("17track", [3.0])
    backend.close()
