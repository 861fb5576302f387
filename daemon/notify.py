"""Delivering the outbox through Apprise. The only module that imports apprise.

Each configured target gets its own Apprise object, so a result is known per
target: a target that failed is retried later with backoff, the others are not
sent again. An Apprise URL holds tokens, so no URL and no part of one ever reaches
a log line or the database.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import apprise
from apprise.decorators import notify as apprise_plugin

from daemon.config import NotifyTarget
from daemon.errors import ConfigError
from daemon.store import Store

log = logging.getLogger(__name__)

CONSOLE_SCHEMA = "pwconsole"
# Loggers that may print a target's URL (Apprise at debug level, urllib3's
# request lines); their records pass through the redactor.
_CHATTY_LOGGERS = ("apprise", "urllib3.connectionpool")
_MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class TargetResult:
    """The outcome of one send to one target."""

    target: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class OutboxRun:
    sent: int
    failed: int
    gave_up: int


def retry_delay(attempts: int, base_seconds: int) -> timedelta:
    """Exponential backoff: base, 2x base, 4x base, ..., at most six hours."""
    delay = timedelta(seconds=base_seconds * (2 ** max(attempts - 1, 0)))
    return min(delay, _MAX_BACKOFF)


class Notifier:
    """Sends due outbox rows to their targets and records each outcome."""

    def __init__(
        self,
        targets: Sequence[NotifyTarget],
        *,
        max_attempts: int,
        retry_seconds: int,
        clock: Callable[[], datetime],
    ) -> None:
        self._targets = {target.name: _Target(target) for target in targets}
        self._redactor = _Redactor(
            tuple(part for t in self._targets.values() for part in t.secret_parts)
        )
        for name in _CHATTY_LOGGERS:
            logging.getLogger(name).addFilter(self._redactor)
        self._max_attempts = max_attempts
        self._retry_seconds = retry_seconds
        self._clock = clock

    def close(self) -> None:
        for name in _CHATTY_LOGGERS:
            logging.getLogger(name).removeFilter(self._redactor)

    @property
    def target_names(self) -> tuple[str, ...]:
        return tuple(self._targets)

    def deliver_due(self, store: Store) -> OutboxRun:
        sent = failed = gave_up = 0
        for due in store.due_deliveries(self._clock(), self.target_names):
            result = self._targets[due.target].send(due.title, due.body)
            if result.ok:
                store.mark_sent(due.pk, self._clock())
                sent += 1
                continue
            attempts = due.attempts + 1
            if attempts >= self._max_attempts:
                store.mark_failed(due.pk, result.detail, None)
                log.error(
                    "notification %r to %s failed %d times, giving up: %s",
                    due.title, due.target, attempts, result.detail,
                )  # fmt: skip
                gave_up += 1
            else:
                retry_at = self._clock() + retry_delay(attempts, self._retry_seconds)
                store.mark_failed(due.pk, result.detail, retry_at)
                log.warning(
                    "notification to %s failed (attempt %d), retrying at %s: %s",
                    due.target, attempts, retry_at.isoformat(timespec="seconds"), result.detail,
                )  # fmt: skip
                failed += 1
        return OutboxRun(sent, failed, gave_up)

    def send_test(self, title: str, body: str) -> list[TargetResult]:
        """Send one message to every target now, outside the outbox."""
        return [target.send(title, body) for target in self._targets.values()]


class _Target:
    """One Apprise URL, loaded once."""

    def __init__(self, target: NotifyTarget) -> None:
        self.name = target.name
        self.secret_parts = _secret_parts(target.url.reveal())
        self._apprise = apprise.Apprise()
        if not self._apprise.add(target.url.reveal()):
            raise ConfigError(
                "config",
                f"notify.target[{target.name}].url",
                "Apprise does not recognise this URL; check its scheme against "
                "https://github.com/caronc/apprise/wiki",
            )

    def send(self, title: str, body: str) -> TargetResult:
        try:
            result = self._apprise.notify(body=body, title=title)
        except Exception as exc:  # a plugin bug must not take the daemon down
            return TargetResult(self.name, False, self._clean(f"{type(exc).__name__}: {exc}"))
        if result:
            return TargetResult(self.name, True, "delivered")
        return TargetResult(self.name, False, self._clean(_failure_detail(result)))

    def _clean(self, text: str) -> str:
        """Remove every part of the target's URL that could be a secret."""
        for part in self.secret_parts:
            text = text.replace(part, "***")
        return text


class _Redactor(logging.Filter):
    """Masks secret parts of target URLs in log records of chatty libraries."""

    def __init__(self, parts: tuple[str, ...]) -> None:
        super().__init__()
        self._parts = tuple(sorted(set(parts), key=len, reverse=True))

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._parts:
            return True
        message = record.getMessage()
        cleaned = message
        for part in self._parts:
            cleaned = cleaned.replace(part, "***")
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _failure_detail(result: Any) -> str:
    status = getattr(getattr(result, "status", None), "name", "FAILURE").lower()
    messages = [
        entry.message
        for entry in result.logs()
        if getattr(entry, "level", "") in ("WARNING", "ERROR", "CRITICAL")
    ]
    if status == "nomatch":
        return "no service matched this target"
    return messages[-1] if messages else f"delivery {status}"


def _secret_parts(url: str) -> tuple[str, ...]:
    """The URL and each of its parts long enough to be a token or password."""
    parts = {url}
    for piece in re.split(r"[:/@?&=#]+", url):
        if len(piece) >= 6:
            parts.add(piece)
    return tuple(sorted(parts, key=len, reverse=True))


def register_console() -> str:
    """Register an Apprise plugin that prints notifications to standard output,
    and return its URL. The demo uses it so that its notifications go through the
    same notifier and Apprise as a phone's would, ending on the terminal.

    Apprise keeps plugins in its own registry for the life of the process and
    ignores a second registration of a schema, so the plugin looks up
    sys.stdout when it runs rather than holding on to a stream."""

    @apprise_plugin(on=CONSOLE_SCHEMA, name="parcelwatch console")  # type: ignore[untyped-decorator, no-untyped-call]
    def _console(body: str, title: str, notify_type: str, *args: Any, **kwargs: Any) -> bool:
        out = sys.stdout
        out.write(f"🔔 {title}\n")
        for line in body.splitlines():
            out.write(f"   {line}\n")
        out.flush()
        return True

    return f"{CONSOLE_SCHEMA}://"
