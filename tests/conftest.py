"""Shared pytest options and fixtures.

The storage-facing tests (marked `storage`) ask for `database_url`: a SQLite
file in the test's directory, or, with PARCELWATCH_TEST_DATABASE=postgresql,
a fresh database of a real PostgreSQL that the session starts on loopback
(tests/support/postgres.py). .ci/run runs them both ways.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support import postgres
from tests.support.notify_socket import NotifySocket
from tests.support.receiver import Receiver, ReceiverServer

DATABASE_ENV = "PARCELWATCH_TEST_DATABASE"


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


def on_postgres() -> bool:
    """Whether this run puts the storage-facing tests on PostgreSQL."""
    kind = os.environ.get(DATABASE_ENV, "sqlite")
    if kind not in ("sqlite", "postgresql"):
        raise pytest.UsageError(f"{DATABASE_ENV} must be sqlite or postgresql, not {kind!r}")
    return kind == "postgresql"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.Postgres]:
    """One PostgreSQL for the whole run (each test makes its own database)."""
    if not postgres.available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed; .ci/run must apt-get install postgresql")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    with postgres.running() as server:
        yield server


NewDatabase = Callable[[str], str]


@pytest.fixture
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> NewDatabase:
    """Makes databases for a storage-facing test, by name: a SQLite file in
    <tmp_path>/<name>/, or a database of its own on the test PostgreSQL."""

    def make(name: str) -> str:
        if on_postgres():
            server: postgres.Postgres = request.getfixturevalue("postgres_server")
            return server.create_database(f"test_{uuid.uuid4().hex[:16]}")
        return f"sqlite:///{tmp_path / name / 'parcelwatch.db'}"

    return make


@pytest.fixture
def database_url(new_database: NewDatabase) -> str:
    """Where a storage-facing test keeps its data (see new_database)."""
    return new_database("state")


def general_section(state_dir: Path, database_url: str) -> str:
    """A config's [general] lines for a state directory and a database."""
    return f'[general]\nstate_dir = "{state_dir}"\ndatabase_url = "{database_url}"\n'
