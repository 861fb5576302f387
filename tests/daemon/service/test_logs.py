"""Log output as a terminal and as journald see it, written to real files."""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest

from daemon.cli.main import main
from daemon.service import logs

TEXT_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (?P<level>[A-Z]+) (?P<rest>.*)")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """configure() changes process-wide logging; put it back after each test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in logs.QUIET_LOGGERS}
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture
def out(tmp_path: Path) -> Iterator[TextIO]:
    with (tmp_path / "stderr").open("w+", encoding="utf-8") as stream:
        yield stream


def journal_env(stream: TextIO) -> dict[str, str]:
    info = os.fstat(stream.fileno())
    return {"JOURNAL_STREAM": f"{info.st_dev}:{info.st_ino}"}


def written(stream: TextIO) -> list[str]:
    stream.flush()
    stream.seek(0)
    return stream.read().splitlines()


def emit_each_level() -> None:
    log = logging.getLogger("daemon.example")
    log.debug("d")
    log.info("i %s", "arg")
    log.warning("w")
    log.error("e")
    log.critical("c")


def test_journal_lines_carry_the_syslog_priority_and_no_timestamp(out: TextIO) -> None:
    logs.configure("debug", journal_env(out), out)
    emit_each_level()
    assert written(out) == [
        "<7>daemon.example: d",
        "<6>daemon.example: i arg",
        "<4>daemon.example: w",
        "<3>daemon.example: e",
        "<2>daemon.example: c",
    ]


def test_text_lines_have_time_level_and_logger(out: TextIO) -> None:
    logs.configure("info", {}, out)
    emit_each_level()
    lines = [TEXT_LINE.fullmatch(line) for line in written(out)]
    assert all(lines), lines
    assert [(m["level"], m["rest"]) for m in lines if m] == [
        ("INFO", "daemon.example: i arg"),
        ("WARNING", "daemon.example: w"),
        ("ERROR", "daemon.example: e"),
        ("CRITICAL", "daemon.example: c"),
    ]


def test_text_timestamp_is_the_records_local_time() -> None:
    record = logging.makeLogRecord(
        {"name": "daemon.x", "levelno": logging.INFO, "levelname": "INFO", "msg": "m"}
    )
    record.created = 1_800_000_000.0
    expected_time = logging.Formatter().formatTime(record, logs.TEXT_DATE_FORMAT)
    assert logs.text_formatter().format(record) == f"{expected_time} INFO daemon.x: m"


def test_journal_stream_of_another_file_means_text(out: TextIO, tmp_path: Path) -> None:
    with (tmp_path / "other").open("w") as other:
        env = journal_env(other)
    logs.configure("info", env, out)
    logging.getLogger("daemon.example").warning("w")
    (line,) = written(out)
    assert TEXT_LINE.fullmatch(line), line


@pytest.mark.parametrize("value", ["", "12", "a:b", "1:2:3"])
def test_malformed_journal_stream_means_text(out: TextIO, value: str) -> None:
    logs.configure("info", {"JOURNAL_STREAM": value}, out)
    logging.getLogger("daemon.example").warning("w")
    (line,) = written(out)
    assert TEXT_LINE.fullmatch(line), line


def test_stream_without_file_descriptor_is_not_the_journal() -> None:
    stream = io.StringIO()
    assert not logs.is_journal(stream, {"JOURNAL_STREAM": "1:1"})


def test_journal_traceback_keeps_the_error_priority_on_every_line(out: TextIO) -> None:
    logs.configure("info", journal_env(out), out)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("daemon.example").exception("one bad email")
    lines = written(out)
    assert lines[0] == "<3>daemon.example: one bad email"
    assert lines[1] == "<3>Traceback (most recent call last):"
    assert lines[-1] == "<3>ValueError: boom"
    assert all(line.startswith("<3>") for line in lines)


def test_text_traceback_follows_the_message(out: TextIO) -> None:
    logs.configure("info", {}, out)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("daemon.example").exception("one bad email")
    lines = written(out)
    assert lines[0].endswith("ERROR daemon.example: one bad email")
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == "ValueError: boom"


def test_configure_twice_keeps_one_handler_writing_to_the_latest_stream(
    out: TextIO, tmp_path: Path
) -> None:
    root = logging.getLogger()
    before = len(root.handlers)
    with (tmp_path / "second").open("w+") as second:
        logs.configure("info", {}, out)
        logs.configure("warning", journal_env(second), second)
        assert len(root.handlers) == before + 1
        logging.getLogger("daemon.example").info("hidden")
        logging.getLogger("daemon.example").warning("shown")
        assert written(second) == ["<4>daemon.example: shown"]
    assert written(out) == []


def test_configure_leaves_other_handlers_in_place(
    out: TextIO, caplog: pytest.LogCaptureFixture
) -> None:
    logs.configure("info", {}, out)
    logging.getLogger("daemon.example").warning("w")
    assert caplog.handler in logging.getLogger().handlers
    assert [r.getMessage() for r in caplog.records] == ["w"]


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("debug", logging.DEBUG),
        ("info", logging.WARNING),
        ("warning", logging.WARNING),
        ("error", logging.ERROR),
    ],
)
def test_third_party_chatter_is_kept_to_warnings_unless_debugging(
    out: TextIO, level: str, expected: int
) -> None:
    logs.configure(level, {}, out)
    for name in ("apprise", "httpx", "apscheduler"):
        assert logging.getLogger(name).getEffectiveLevel() == expected, name


def test_apprise_info_is_dropped_at_info_level(out: TextIO) -> None:
    logs.configure("info", {}, out)
    logging.getLogger("apprise").info("Sending notification to ntfy")
    logging.getLogger("daemon.notify.notifier").info("sent")
    assert [line.split(" ", 3)[3] for line in written(out)] == ["daemon.notify.notifier: sent"]


def test_level_names_ignore_case_and_unknown_ones_are_refused() -> None:
    assert logs.parse_level("DEBUG") == logging.DEBUG
    with pytest.raises(ValueError, match="unknown log level 'verbose'"):
        logs.parse_level("verbose")


def test_a_command_run_in_process_leaves_logging_as_it_found_it(tmp_path: Path) -> None:
    """The test suite calls main() in-process: no handler may stay behind on
    the stream it was given (pytest closes it; later threads would write there)."""
    root = logging.getLogger()
    before = (list(root.handlers), root.level, logging.getLogger("apprise").level)
    email = tmp_path / "x.eml"
    email.write_bytes(b"From: a@example.org\r\nSubject: hello\r\n\r\nbody\r\n")
    assert main(["--log-level", "debug", "parse", str(email)], env={}) == 0
    after = (list(root.handlers), root.level, logging.getLogger("apprise").level)
    assert after == before
