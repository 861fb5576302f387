"""The parse budget: real worker processes, stopped when an email costs too much.

No test here waits on the clock to pass judgement on speed: the budgets are set
far below what the emails need (a 5 MB email in 50 ms, or in 40 MB of memory), so
the outcome is the same on any machine.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from daemon.mail.raw import RawMessage
from daemon.parsing.budget import Budget, BudgetedReader
from daemon.pipeline import Pipeline
from parsers.options import RegistryOptions
from tests.daemon.service.faults.conftest import poll_until
from tests.daemon.test_pipeline import Clock, make_app
from tests.support import hostile

FIVE_MB = 5_000_000
WORKER = "daemon.parsing.worker"


def big_email() -> bytes:
    return hostile.run_email(hostile.TRIGGERS[0], hostile.UNITS[5], FIVE_MB)


def workers() -> list[int]:
    """Our parse workers: children of this process running the worker module."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        state = stat.rsplit(")", 1)[1].split()[0]
        if parent == os.getpid() and WORKER.encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.fixture
def readers() -> Iterator[list[BudgetedReader]]:
    made: list[BudgetedReader] = []
    yield made
    for reader in made:
        reader.close()


def reader_with(readers: list[BudgetedReader], budget: Budget, **options: float) -> BudgetedReader:
    reader = BudgetedReader(RegistryOptions(), budget, **options)  # type: ignore[arg-type]
    readers.append(reader)
    return reader


def test_an_ordinary_email_is_read_in_a_worker(readers: list[BudgetedReader]) -> None:
    parsed = reader_with(readers, Budget()).read(hostile.email("Arriving tomorrow"))
    assert parsed.result.error is None
    assert [e.order_ids for e in parsed.result.events] == [(hostile.ORDER,)]
    assert (parsed.message_id, parsed.sender) == (
        "<hostile@example.com>",
        "shipment-tracking@amazon.com",
    )
    assert parsed.sent_at == datetime(2026, 3, 28, 0, 52, 18, tzinfo=UTC)


def test_an_email_over_its_time_is_stopped_and_says_so(readers: list[BudgetedReader]) -> None:
    reader = reader_with(readers, Budget(seconds=0.05))
    parsed = reader.read(big_email())
    assert parsed.result.error == "parse budget exceeded: not read within 0.05 s"
    assert parsed.result.events == ()
    assert parsed.message_id == "<hostile@example.com>"  # read from the raw header
    assert workers() == []  # the worker that overran is gone, not left chewing


def test_an_email_over_its_memory_is_stopped_and_says_so(readers: list[BudgetedReader]) -> None:
    reader = reader_with(readers, Budget(memory_bytes=40 * 1024 * 1024))
    parsed = reader.read(big_email())
    assert parsed.result.error == "parse budget exceeded: more than 40 MB of memory"


def test_a_worker_killed_from_outside_is_replaced(readers: list[BudgetedReader]) -> None:
    reader = reader_with(readers, Budget())
    assert reader.read(hostile.email("one")).result.events
    (pid,) = workers()
    os.kill(pid, 9)
    assert poll_until(lambda: pid not in workers(), 10)
    assert reader.read(hostile.email("two")).result.events


def test_an_idle_worker_leaves_and_comes_back_when_mail_does(
    readers: list[BudgetedReader],
) -> None:
    """The idle daemon carries no worker: it exits after idle_seconds."""
    reader = reader_with(readers, Budget(), idle_seconds=0.5)
    assert reader.read(hostile.email("one")).result.events
    assert len(workers()) == 1
    assert poll_until(lambda: workers() == [], 10)
    assert reader.read(hostile.email("two")).result.events


def test_close_ends_every_worker(readers: list[BudgetedReader]) -> None:
    reader = reader_with(readers, Budget(), max_workers=2)
    barrier = threading.Barrier(2)

    def read() -> None:
        barrier.wait()
        reader.read(hostile.email("x"))

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert 1 <= len(workers()) <= 2
    reader.close()
    assert workers() == []


def test_an_email_over_its_budget_is_recorded_and_never_read_again(
    tmp_path: Path, readers: list[BudgetedReader]
) -> None:
    app = make_app(tmp_path, {}, Clock())
    store = app.store
    pipeline = Pipeline(reader_with(readers, Budget(seconds=0.05)), store, app.routing, app.clock)
    raw = RawMessage(big_email(), "maildir:test", "cur/hostile")
    first = pipeline.process(raw)
    assert first.result is not None
    assert first.result.error == "parse budget exceeded: not read within 0.05 s"
    assert store.message_errors() == [
        ("maildir:test", "cur/hostile", "parse budget exceeded: not read within 0.05 s")
    ]
    again = pipeline.process(raw)
    assert (again.duplicate, again.result) == (True, None)  # not read a second time
    app.close()
