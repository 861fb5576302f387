"""Progress of long work, with an injected clock: a log line every few seconds,
a bar on a terminal, systemd's STATUS line; nothing for short work. (That the
readers report it is tests/daemon/mail/test_sync.py's.)"""

from __future__ import annotations

import io
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from daemon.service.progress import BarProgress, LogProgress, Meter, StatusProgress
from daemon.service.systemd import SystemdNotifier


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_meter_says_rate_and_time_left() -> None:
    meter = Meter("home", 2000, started=0.0, looked_at=1200, read=850)
    assert meter.count() == "1,200 of 2,000"
    assert meter.line(10.0) == (
        "1,200 of 2,000 messages looked at, 850 Amazon emails read (120/s, about 7 s left)"
    )
    assert Meter("big", None, 0.0, looked_at=5).line(1.0) == (
        "5 messages looked at, 0 Amazon emails read (5/s)"
    )


def test_log_lines_come_every_few_seconds_and_once_at_the_end(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    caplog.set_level(logging.INFO, logger="progress-test")
    task = LogProgress(logging.getLogger("progress-test"), clock, every=5.0).task("home", 2000)
    for _ in range(20):  # one batch of 100 a second
        clock.now += 1.0
        task.advance(100, 70)
    task.finish()
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "reading home: 500 of 2,000 messages looked at, 350 Amazon emails read "
        "(100/s, about 15 s left)",
        "reading home: 1,000 of 2,000 messages looked at, 700 Amazon emails read "
        "(100/s, about 10 s left)",
        "reading home: 1,500 of 2,000 messages looked at, 1,050 Amazon emails read "
        "(100/s, about 5 s left)",
        "reading home: 2,000 of 2,000 messages looked at, 1,400 Amazon emails read "
        "(100/s, about 0 s left)",
        "read home: 2,000 messages looked at, 1,400 Amazon emails read in 20 s",
    ]


def test_short_work_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    caplog.set_level(logging.INFO, logger="progress-test")
    task = LogProgress(logging.getLogger("progress-test"), clock).task("home", 16)
    clock.now += 0.3
    task.advance(16, 15)
    task.finish()
    assert caplog.records == []


def test_the_bar_redraws_in_place_and_is_erased_at_the_end() -> None:
    clock, out = Clock(), io.StringIO()
    task = BarProgress(out, clock, every=0.2, after=0.5).task("home", 100)
    clock.now += 0.1
    task.advance(10, 10)  # too early to draw
    assert out.getvalue() == ""
    clock.now += 0.9
    task.advance(40, 30)
    task.finish()
    drawn, erased = out.getvalue().rsplit("\r", 1)
    assert drawn == (
        "\r\x1b[K[████████████░░░░░░░░░░░░] home: 50 of 100 messages looked at, "
        "40 Amazon emails read (50/s, about 1 s left)"
    )
    assert erased == "\x1b[K"


@pytest.fixture
def datagrams(tmp_path: Path) -> Iterator[socket.socket]:
    path = Path("/tmp") / f"pw-progress-{id(tmp_path)}.sock"
    path.unlink(missing_ok=True)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(5)
        yield sock
    path.unlink(missing_ok=True)


def test_systemd_status_says_how_far_reading_is(datagrams: socket.socket) -> None:
    clock = Clock()
    restored: list[str] = []
    notifier = SystemdNotifier.from_env({"NOTIFY_SOCKET": datagrams.getsockname()}, 1)
    report = StatusProgress(notifier, lambda: restored.append("usual"), clock, every=2.0)
    task = report.task("home", 2000)
    clock.now += 1
    task.advance(600, 500)
    clock.now += 1
    task.advance(600, 350)  # within 2 s of the last STATUS: not sent
    clock.now += 2
    task.advance(800, 600)
    task.finish()
    notifier.close()
    assert [datagrams.recv(4096), datagrams.recv(4096)] == [
        b"STATUS=reading home: 600 of 2,000",
        b"STATUS=reading home: 2,000 of 2,000",
    ]
    assert restored == ["usual"]
