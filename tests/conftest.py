"""Shared pytest options and fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.receiver import Receiver, ReceiverServer


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        help="rewrite tests/emails/**/*.expected.json from the parsers' current output "
        "(review the diff by hand before committing)",
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A notification receiver on a loopback port (see tests/support/receiver.py)."""
    with ReceiverServer() as running:
        yield running
