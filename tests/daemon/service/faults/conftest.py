"""Fixtures for the process-level fault tests: the real Dovecot of the IMAP tests,
config files for `parcelwatch run`, daemons that are always ended, the shipping
emails of the golden corpus, and what the receiver and the outbox hold.

The Dovecot fixtures (`tls`, `server`, `mailbox`) are the IMAP tests' own,
imported so that both suites start the server the same way.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import pytest
import sqlalchemy as sa

from tests.daemon.mail.conftest import (  # noqa: F401  (mailbox, server, tls: fixtures)
    mailbox,
    server,
    tls,
    toml_value,
)
from tests.daemon.service.faults.daemon_process import DaemonProcess
from tests.support import dovecot
from tests.support.receiver import Receiver, ReceiverServer
from tests.support.replay import freshened

CORPUS = Path(__file__).resolve().parents[3] / "emails"
ACCOUNT = "home"
PASSWORD_ENV = "FAULTS_IMAP_PASSWORD"
HOOK_ENV = "FAULTS_HOOK_URL"
# Marketplaces of the shipping mailbox: eight locales, sixty emails.
MARKETPLACES = (
    "amazon_com", "amazon_de", "amazon_fr", "amazon_uk",
    "amazon_jp", "amazon_it", "amazon_es", "amazon_ca",
)  # fmt: skip
_MILESTONES = ("ordered", "shipped", "out_for_delivery", "delivered")

# One notification as a person sees it: (title, body).
Note = tuple[str, str]


# --- mail ----------------------------------------------------------------------------


def fresh(paths: Sequence[Path]) -> list[bytes]:
    """These corpus emails, in this order, dated a minute apart up to now: the
    daemon runs the real clock, and what it reads must be news to be pushed
    (tests/support/replay.py)."""
    return freshened([path.read_bytes() for path in paths], datetime.now(UTC))


def shipping_emails(marketplaces: tuple[str, ...] = MARKETPLACES) -> list[bytes]:
    """The corpus emails of `marketplaces` whose every event is an ordered,
    shipped, out-for-delivery or delivered milestone, in a fixed order: per
    marketplace, by the rank of that milestone, then by file name. The order
    matters: a shipment only moves forward, so it decides which ones notify.
    Dated a minute apart up to now, so that all of it is news (see `fresh`)."""
    chosen: list[tuple[str, int, str, bytes]] = []
    for family in marketplaces:
        for path in sorted((CORPUS / family).glob("*.eml")):
            expected = json.loads(path.with_name(path.stem + ".expected.json").read_text())
            milestones = {event["milestone"] for event in expected["events"]}
            if milestones and milestones <= set(_MILESTONES):
                rank = min(_MILESTONES.index(m) for m in milestones)
                chosen.append((family, rank, path.name, path.read_bytes()))
    chosen.sort(key=lambda item: item[:3])
    return freshened([data for *_, data in chosen], datetime.now(UTC))


# --- configuration -----------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    """Where one daemon's config and state live, and what it needs to start:
    `url` is its database (`database` the file, when that is SQLite)."""

    config: Path
    database: Path
    env: Mapping[str, str]
    url: str


def write_setup(
    directory: Path,
    imap: dovecot.Dovecot,
    user: str,
    password: str,
    target_url: str,
    *,
    general: Mapping[str, object] | None = None,
    notify: Mapping[str, object] | None = None,
    database_url: str | None = None,
    account: str = ACCOUNT,
) -> Setup:
    """A config file with one [[imap]] account (`user` on the test server, INBOX,
    IDLE) and one json:// target; `general` and `notify` add keys to theirs.
    The target's URL comes from the environment, as a user's secret would. The
    database is `database_url`, else a SQLite file in the state directory."""
    directory.mkdir(parents=True, exist_ok=True)
    state = directory / "state"
    url = database_url or f"sqlite:///{state / 'parcelwatch.db'}"
    sections: dict[str, Mapping[str, object]] = {
        "general": {
            "state_dir": str(state),
            "database_url": url,
            "log_level": "info",
            **(general or {}),
        },
        "imap": {
            "name": account,
            "host": "127.0.0.1",
            "port": imap.port,
            "security": "plain",
            "username": user,
            "password": {"env": PASSWORD_ENV},
        },
        # photos = false: the corpus links photos on Amazon's servers, not fetched here
        "notify": {"photos": False, **(notify or {})},
        "notify.target": {"name": "hook", "url": {"env": HOOK_ENV}},
    }
    lines: list[str] = []
    for name, values in sections.items():
        header = f"[[{name}]]" if name in ("imap", "notify.target") else f"[{name}]"
        lines.append(header)
        lines += [f"{key} = {toml_value(value)}" for key, value in values.items()]
        lines.append("")
    config = directory / "config.toml"
    config.write_text("\n".join(lines))
    env = {"HOME": str(directory), PASSWORD_ENV: password, HOOK_ENV: target_url}
    path = sa.engine.make_url(url).database if url.startswith("sqlite") else None
    return Setup(config, Path(path or state / "parcelwatch.db"), env, url)


# --- daemons -------------------------------------------------------------------------


class StartDaemon(Protocol):
    """Starts `parcelwatch run` for a setup; `changed` as in DaemonProcess."""

    def __call__(
        self, setup: Setup, changed: threading.Condition | None = None
    ) -> DaemonProcess: ...


@pytest.fixture
def daemons() -> Iterator[StartDaemon]:
    """Starts `parcelwatch run` processes; any still running at the end of the
    test (it failed half-way) is killed."""
    started: list[DaemonProcess] = []

    def start(setup: Setup, changed: threading.Condition | None = None) -> DaemonProcess:
        process = DaemonProcess(setup.config, setup.env, changed)
        started.append(process)
        return process

    yield start
    for process in started:
        process.close()


# --- what arrived, what is left --------------------------------------------------------


@contextmanager
def receiver_on(port: int) -> Iterator[Receiver]:
    """A receiver on a given loopback port, for one that comes back after an outage."""
    with ReceiverServer(port) as receiver:
        yield receiver


def notes(receiver: Receiver) -> list[Note]:
    """Every notification the receiver accepted, as (title, body), in order
    (the hello after the account's first sync among them)."""
    with receiver.lock:
        requests = list(receiver.requests)
    received: list[Note] = []
    for request in requests:
        data = request.json()
        received.append((str(data.get("title")), str(data.get("message"))))
    return received


def wait_for_notes(receiver: Receiver, wanted: Counter[Note], timeout: float) -> bool:
    """Block until every notification in `wanted` arrived at least as often as
    it is counted there (True), or `timeout` passes (False)."""

    def complete() -> bool:
        return not wanted - Counter(notes(receiver))

    with receiver.changed:
        return receiver.changed.wait_for(complete, timeout)


_COUNT = "SELECT status, count(*) FROM delivery GROUP BY status"


def outbox_counts(setup: Setup) -> Counter[str]:
    """The outbox's deliveries by status, read straight from the database
    beside a running daemon (a SQLite file read-only: WAL lets readers in)."""
    if not setup.url.startswith("sqlite"):
        engine = sa.create_engine(setup.url)
        try:
            with engine.connect() as connection:
                if not sa.inspect(connection).has_table("delivery"):
                    return Counter()
                rows = connection.exec_driver_sql(_COUNT).all()
        finally:
            engine.dispose()
        return Counter({str(status): int(count) for status, count in rows})
    sqlite = sqlite3.connect(f"file:{setup.database}?mode=ro", uri=True, timeout=5)
    try:
        return Counter({str(status): int(count) for status, count in sqlite.execute(_COUNT)})
    finally:
        sqlite.close()


def all_sent(setup: Setup) -> bool:
    """The outbox holds deliveries, and every one of them is sent."""
    if setup.url.startswith("sqlite") and not setup.database.exists():
        return False
    counts = outbox_counts(setup)
    return bool(counts) and set(counts) == {"sent"}


def poll_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Check `predicate` every `interval` seconds until it holds (True) or
    `timeout` passes (False): for state with no event to wait on (a database)."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        tick.wait(interval)
