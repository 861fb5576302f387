"""Shared pytest options and fixtures."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.notify_socket import NotifySocket
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


@pytest.fixture
def notify_socket() -> Iterator[NotifySocket]:
    """A stand-in for systemd's notify socket (see tests/support/notify_socket.py)."""
    # AF_UNIX paths are limited to ~100 bytes: pytest's tmp_path may be longer.
    directory = Path(os.environ.get("XDG_RUNTIME_DIR") or "/tmp")
    path = directory / f"pw-notify-{os.getpid()}-{threading.get_ident()}.sock"
    path.unlink(missing_ok=True)
    listener = NotifySocket(path)
    yield listener
    listener.close()
    path.unlink(missing_ok=True)
