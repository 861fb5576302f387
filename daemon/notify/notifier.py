"""Delivering the outbox through Apprise. The only module that imports apprise.

Each target (a configured URL, or one service of an Apprise configuration
file) gets its own Apprise object, so a result is known per target: a target
that failed is retried later with backoff, the others are not sent again. The
text is rendered per target at sending time (Markdown for chat apps), quiet
hours hold chosen milestones back, and a delivered parcel's photo is attached
when it can be fetched. An Apprise URL holds tokens, so no URL and no part of
one ever reaches a log line or the database.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import apprise
import httpx
from apprise.attachment.memory import AttachMemory
from apprise.decorators import notify as apprise_plugin

from daemon.config.notify import FORMATS, NotifySettings, NotifyTarget
from daemon.errors import ConfigError
from daemon.notify.digest import render_digest
from daemon.notify.outbox import Outbox
from daemon.notify.photo import Photo, PhotoError, fetch_photo
from daemon.notify.quiet import held_until
from daemon.notify.render import Rendered, Renderer, Snapshot
from daemon.notify.routing import Recipient
from daemon.store.views import DueDelivery
from parsers.model import Milestone

log = logging.getLogger(__name__)

CONSOLE_SCHEMA = "pwconsole"
# Loggers that may print a target's URL (Apprise at debug level, urllib3's
# request lines); their records pass through the redactor.
_CHATTY_LOGGERS = ("apprise", "urllib3.connectionpool")
_MAX_BACKOFF = timedelta(hours=6)
# Services whose apps render Markdown; others get plain text unless the
# target's `format` (or the URL's ?format=) says otherwise.
_MARKDOWN_SERVICES = frozenset(
    {"tgram", "discord", "slack", "matrix", "mmost", "rocket", "zulip", "msteams", "guilded"}
)
_NOTIFY_TYPES = {
    Milestone.DELIVERED: apprise.NotifyType.SUCCESS,
    Milestone.EXCEPTION: apprise.NotifyType.FAILURE,
    Milestone.DELIVERY_ATTEMPTED: apprise.NotifyType.WARNING,
    Milestone.DELAYED: apprise.NotifyType.WARNING,
    Milestone.STALE: apprise.NotifyType.WARNING,
}


@dataclass(frozen=True)
class TargetResult:
    """The outcome of one send to one target: status is Apprise's own word
    (success, failure, partial, timeout) or "error" for a plugin exception."""

    target: str
    status: str
    detail: str

    @property
    def ok(self) -> bool:
        return self.status == "success"


@dataclass(frozen=True)
class OutboxRun:
    sent: int
    failed: int
    gave_up: int
    held: int = 0


def retry_delay(attempts: int, base_seconds: int) -> timedelta:
    """Exponential backoff: base, 2x base, 4x base, ..., at most six hours."""
    delay = timedelta(seconds=base_seconds * (2 ** max(attempts - 1, 0)))
    return min(delay, _MAX_BACKOFF)


class Notifier:
    """Sends due outbox rows to their targets and records each outcome."""

    def __init__(
        self,
        settings: NotifySettings,
        *,
        clock: Callable[[], datetime],
        zone: tzinfo | None = None,
        source: str = "config",
    ) -> None:
        targets = [_Target.from_url(t, i, source) for i, t in enumerate(settings.targets)]
        if settings.apprise_config is not None:
            targets += _Target.from_file(settings.apprise_config)
        self.targets = {target.name: target for target in targets}
        self._redactor = _Redactor(tuple(p for t in targets for p in t.secret_parts))
        for name in _CHATTY_LOGGERS:
            logging.getLogger(name).addFilter(self._redactor)
        self.settings = settings
        self._renderer = Renderer(settings.templates, privacy=settings.privacy, zone=zone)
        self.zone = zone
        self.clock = clock
        self._lock = threading.Lock()
        self.halted = threading.Event()

    def halt(self) -> None:
        """Stop after the delivery at hand (shutdown): the rest stays queued."""
        self.halted.set()

    def close(self) -> None:
        for name in _CHATTY_LOGGERS:
            logging.getLogger(name).removeFilter(self._redactor)

    @property
    def target_names(self) -> tuple[str, ...]:
        return tuple(self.targets)

    @property
    def recipients(self) -> tuple[Recipient, ...]:
        return tuple(Recipient(t.name, t.tags) for t in self.targets.values())

    def recover(self, outbox: Outbox) -> int:
        """At start-up: deliveries a killed process left mid-send go out again."""
        interrupted = outbox.recover_interrupted()
        for title, target in interrupted:
            log.warning(
                "sending %r to %s was interrupted by the last shutdown; sending it again "
                "(it may arrive twice)", title, target,
            )  # fmt: skip
        return len(interrupted)

    def deliver_due(self, outbox: Outbox) -> OutboxRun:
        """Send every due delivery once; threads take turns."""
        with self._lock:
            return _Run(self, outbox).go()

    def send_test(self, snapshot: Snapshot, photo: Photo | None = None) -> list[TargetResult]:
        """Send one sample to every target now, outside the outbox."""
        now = self.clock()
        return [
            target.send(
                self._renderer.render(snapshot, target.format, now),
                self.notify_type(snapshot.milestone),
                photo,
                self.settings.timeout,
            )
            for target in self.targets.values()
        ]

    # --- used by _Run ---------------------------------------------------------------

    def notify_type(self, milestone: Milestone | None) -> apprise.NotifyType:
        if milestone is None:
            return apprise.NotifyType.INFO
        return _NOTIFY_TYPES.get(milestone, apprise.NotifyType.INFO)

    def render(self, due: DueDelivery, target: _Target, now: datetime) -> Rendered:
        facts = due.facts
        if facts is None:  # queued by an older version: its stored text
            return Rendered(due.title, due.body)
        if due.milestone is None:
            return render_digest(facts, self._renderer, target.format, now)
        return self._renderer.render(Snapshot.from_json(facts), target.format, now)

    def photo(self, due: DueDelivery) -> Photo | None:
        url = (due.facts or {}).get("delivery_photo_url")
        if not (self.settings.photos and url and due.milestone is Milestone.DELIVERED):
            return None
        try:
            with httpx.Client() as client:
                return fetch_photo(
                    client,
                    str(url),
                    max_bytes=self.settings.photo_max_bytes,
                    timeout=self.settings.photo_timeout,
                )
        except PhotoError as exc:
            log.warning("sending %r without its photo: %s", due.title, exc)
            return None


class _Run:
    """One pass over the due deliveries; a photo is fetched once per pass."""

    def __init__(self, notifier: Notifier, outbox: Outbox) -> None:
        self.n = notifier
        self.outbox = outbox
        self.photos: dict[int, Photo | None] = {}
        self.sent = self.failed = self.gave_up = self.held = 0

    def go(self) -> OutboxRun:
        n = self.n
        for due in self.outbox.due(n.clock(), n.target_names):
            if n.halted.is_set():
                break
            until = held_until(n.settings.quiet_hours, due.milestone, n.clock(), n.zone)
            if until is not None:
                self.outbox.defer(due.pk, until)
                self.held += 1
            elif self.outbox.claim(due.pk):
                self._send(due)
        return OutboxRun(self.sent, self.failed, self.gave_up, self.held)

    def _send(self, due: DueDelivery) -> None:
        n = self.n
        target = n.targets[due.target]
        photo = None
        if target.attachments:
            if due.notification_pk not in self.photos:
                self.photos[due.notification_pk] = n.photo(due)
            photo = self.photos[due.notification_pk]
        text = n.render(due, target, n.clock())
        result = target.send(text, n.notify_type(due.milestone), photo, n.settings.timeout)
        if result.ok:
            self.outbox.sent(due.pk, n.clock())
            self.sent += 1
            return
        attempts = due.attempts + 1
        detail = f"{result.status}: {result.detail}"
        if attempts >= n.settings.max_attempts:
            self.outbox.failed(due.pk, detail, None)
            log.error(
                "notification %r to %s failed %d times, giving up: %s",
                due.title, due.target, attempts, detail,
            )  # fmt: skip
            self.gave_up += 1
            return
        retry_at = n.clock() + retry_delay(attempts, n.settings.retry_seconds)
        self.outbox.failed(due.pk, detail, retry_at)
        log.warning(
            "notification to %s failed (attempt %d), retrying at %s: %s",
            due.target, attempts, retry_at.isoformat(timespec="seconds"), detail,
        )  # fmt: skip
        self.failed += 1


class _Target:
    """One Apprise service, loaded once, with its tags and body format."""

    def __init__(self, name: str, server: Any, tags: frozenset[str], fmt: str | None) -> None:
        self.name = name
        self.tags = tags
        self.secret_parts = _secret_parts(server.url())
        self.format = fmt or _natural_format(server)
        self.attachments = bool(getattr(server, "attachment_support", False))
        self._apprise = apprise.Apprise()
        self._apprise.add(server)

    @classmethod
    def from_url(cls, target: NotifyTarget, index: int, source: str) -> _Target:
        # Apprise logs an unparseable URL verbatim, tokens and all: keep it quiet
        # and say what is wrong ourselves, naming the key instead of the URL.
        apprise_log = logging.getLogger("apprise")
        level = apprise_log.level
        apprise_log.setLevel(logging.CRITICAL + 1)
        try:
            server = apprise.Apprise.instantiate(target.url.reveal())
        finally:
            apprise_log.setLevel(level)
        if not server:
            raise ConfigError(
                source,
                f"notify.target[{index}].url",
                "Apprise does not recognise this URL; check its scheme and parts against "
                "https://github.com/caronc/apprise/wiki",
            )
        return cls(target.name, server, target.tags, target.format or _url_format(target))

    @classmethod
    def from_file(cls, path: Path) -> list[_Target]:
        """The services of an Apprise configuration file (YAML or text), each
        named after its service and a hash of its URL, so the name stays the
        same across restarts while the URL does."""
        config = apprise.AppriseConfig()
        config.add(str(path))
        services = config.services()
        if not services:
            raise ConfigError(
                str(path), "notify.apprise_config", "no notification URLs could be read from it"
            )
        return [
            cls(_file_target_name(path, s), s, frozenset(str(t).lower() for t in s.tags), None)
            for s in services
        ]

    def send(
        self, text: Rendered, notify_type: apprise.NotifyType, photo: Photo | None, timeout: float
    ) -> TargetResult:
        attach = None
        if photo is not None and self.attachments:
            attach = AttachMemory(  # type: ignore[no-untyped-call]
                content=photo.content, name=photo.filename, mimetype=photo.mime_type
            )
        try:
            result = self._apprise.notify(
                body=text.body or text.title,
                title=text.title,
                body_format=text.format,
                notify_type=notify_type,
                attach=attach,
                timeout=timeout,
            )
        except Exception as exc:  # a plugin bug must not take the daemon down
            return TargetResult(self.name, "error", self._clean(f"{type(exc).__name__}: {exc}"))
        status = getattr(getattr(result, "status", None), "name", "FAILURE").lower()
        if result:
            return TargetResult(self.name, "success", "delivered")
        return TargetResult(self.name, status, self._clean(_failure_detail(result, status)))

    def _clean(self, text: str) -> str:
        """Remove every part of the target's URL that could be a secret."""
        for part in self.secret_parts:
            text = text.replace(part, "***")
        return text


def _file_target_name(path: Path, server: Any) -> str:
    """ "apprise:tgram-3f2a1c": the file, the service, a hash of its URL."""
    protocol = server.secure_protocol if getattr(server, "secure", False) else server.protocol
    protocol = protocol or server.secure_protocol
    if isinstance(protocol, tuple):
        protocol = protocol[0]
    url_id = str(server.url_id() or "")[:6]
    return f"{path.stem}:{protocol}-{url_id}"


def _url_format(target: NotifyTarget) -> str | None:
    """The body format the URL asks for itself (?format=markdown), if any."""
    query = parse_qs(urlsplit(target.url.reveal()).query)
    chosen = (query.get("format") or [""])[0].lower()
    return chosen if chosen in FORMATS else None


def _natural_format(server: Any) -> str:
    """Markdown for chat services, the URL's own ?format= when it gives one,
    plain text elsewhere."""
    declared = server.notify_format
    if not isinstance(declared, tuple):  # the URL chose one
        return str(getattr(declared, "value", declared))
    protocols = {server.protocol, server.secure_protocol}
    flat = {p for entry in protocols for p in (entry if isinstance(entry, tuple) else (entry,))}
    return "markdown" if flat & _MARKDOWN_SERVICES else "text"


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


def _failure_detail(result: Any, status: str) -> str:
    messages = [
        entry.message
        for entry in result.logs()
        if getattr(entry, "level", "") in ("WARNING", "ERROR", "CRITICAL")
    ]
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
