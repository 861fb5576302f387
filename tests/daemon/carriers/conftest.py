"""Fixtures shared by the carrier-backend tests."""

from __future__ import annotations

import pytest

from tests.daemon.carriers.harness import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
