"""Logging set-up for the `parcelwatch` command: one handler on the root logger.

Two formats, chosen by where the output goes:

- under systemd, when stderr *is* the journal stream, each line starts with a
  syslog priority, `<3>daemon.notify: ...`. journald reads the prefix
  (SyslogLevelPrefix=, on by default) and drops it, so `journalctl -p warning`
  works, errors show in red, and no second timestamp sits beside journald's;
- anywhere else, `2026-11-21 12:04:05 INFO daemon.notify: ...` for a terminal
  or a file.

Merely having $JOURNAL_STREAM set is not enough: a shell started from a unit
inherits it while its stderr goes to a terminal, so the variable's
"device:inode" must match the stream actually written to.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TextIO

LEVELS: Mapping[str, int] = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}

# Libraries that report routine work at INFO: Apprise each send, httpx each
# request (with its URL, where some carrier APIs put a key), APScheduler each
# job. parcelwatch reports the outcomes itself; their detail is for debugging.
QUIET_LOGGERS = ("apprise", "httpx", "apscheduler")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
TEXT_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"

# sd-daemon(3) / syslog(3) priorities.
_PRIORITY_CRIT = 2
_PRIORITY_ERR = 3
_PRIORITY_WARNING = 4
_PRIORITY_INFO = 6
_PRIORITY_DEBUG = 7


def configure(level: str, env: Mapping[str, str], stream: TextIO) -> None:
    """Send every log record of `level` or above to `stream`, in the format that
    suits it; calling it again replaces the earlier set-up instead of adding to
    it. `level` is one of LEVELS' names (case ignored); ValueError otherwise."""
    threshold = parse_level(level)
    handler = _Handler(stream)
    handler.setFormatter(JournalFormatter() if is_journal(stream, env) else text_formatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(threshold)
    quiet = logging.NOTSET if threshold <= logging.DEBUG else max(threshold, logging.WARNING)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(quiet)


@contextmanager
def installed(level: str, env: Mapping[str, str], stream: TextIO) -> Iterator[None]:
    """`configure` for the length of one command, then logging as it was. A
    command run inside another program (the test suite calls `main` in-process)
    must not leave a handler behind on a stream that program closes later."""
    root = logging.getLogger()
    saved = [(logger, logger.level) for logger in (root, *map(logging.getLogger, QUIET_LOGGERS))]
    configure(level, env, stream)
    try:
        yield
    finally:
        for handler in [h for h in root.handlers if isinstance(h, _Handler)]:
            root.removeHandler(handler)
        for logger, was in saved:
            logger.setLevel(was)


def parse_level(name: str) -> int:
    """The logging level called `name` ("debug", "INFO", ...)."""
    try:
        return LEVELS[name.lower()]
    except KeyError:
        choices = ", ".join(LEVELS)
        raise ValueError(f"unknown log level {name!r} (choose one of {choices})") from None


def is_journal(stream: TextIO, env: Mapping[str, str]) -> bool:
    """True when `stream` is the journald stream named by $JOURNAL_STREAM."""
    device, sep, inode = env.get("JOURNAL_STREAM", "").partition(":")
    if not (sep and device.isdigit() and inode.isdigit()):
        return False
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError):
        # io.UnsupportedOperation (no file descriptor) is both; a closed file is ValueError.
        return False
    return (info.st_dev, info.st_ino) == (int(device), int(inode))


def syslog_priority(levelno: int) -> int:
    """The syslog priority for a logging level (custom levels round down)."""
    if levelno >= logging.CRITICAL:
        return _PRIORITY_CRIT
    if levelno >= logging.ERROR:
        return _PRIORITY_ERR
    if levelno >= logging.WARNING:
        return _PRIORITY_WARNING
    if levelno >= logging.INFO:
        return _PRIORITY_INFO
    return _PRIORITY_DEBUG


def text_formatter() -> logging.Formatter:
    """`2026-11-21 12:04:05 INFO name: message`, local time."""
    return logging.Formatter(TEXT_FORMAT, TEXT_DATE_FORMAT)


class JournalFormatter(logging.Formatter):
    """`<N>name: message`, with the prefix repeated on every line.

    journald stores each line of a stream as its own entry, so the lines of a
    traceback carry the record's priority too: `journalctl -p err` shows the
    whole traceback, not just its first line.
    """

    def __init__(self) -> None:
        super().__init__("%(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        prefix = f"<{syslog_priority(record.levelno)}>"
        return "\n".join(prefix + line for line in super().format(record).split("\n"))


class _Handler(logging.StreamHandler[TextIO]):
    """The handler `configure` installs; its own class, so it can find it again."""
