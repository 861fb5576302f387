"""Delivering the outbox through the targets (daemon.notify.targets).

A result is known per target: a target that failed is retried later with
backoff, the others are not sent again. The text is rendered per target at
sending time (Markdown for chat apps), quiet hours hold chosen milestones back,
and a delivered parcel's photo is attached when it can be fetched. Photos are
fetched before the sending lock is taken, so a slow photo server delays only its
own notification. An Apprise URL holds tokens, so no URL and no part of one ever
reaches a log line or the database.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import apprise

from daemon.config.notify import NotifySettings
from daemon.notify.digest import render_digest
from daemon.notify.outbox import Outbox
from daemon.notify.photo import Photo, PhotoError, fetch_photo
from daemon.notify.photo_cache import PhotoCache
from daemon.notify.photo_net import Network
from daemon.notify.quiet import held_until
from daemon.notify.reminder import REMINDER
from daemon.notify.render import Rendered, Renderer
from daemon.notify.routing import Recipient
from daemon.notify.targets import (
    Redactor,
    Target,
    TargetResult,
    file_secret_parts,
    secret_parts,
)
from daemon.store.views import DueDelivery, Snapshot
from parsers.model import Milestone

log = logging.getLogger(__name__)

# Loggers that may print a target's URL (Apprise at debug level, urllib3's
# request lines); their records pass through the redactor.
_CHATTY_LOGGERS = ("apprise", "urllib3.connectionpool")
_MAX_BACKOFF = timedelta(hours=6)
_PHOTO_ROUNDS = 3
_NOTIFY_TYPES = {
    Milestone.DELIVERED: apprise.NotifyType.SUCCESS,
    Milestone.EXCEPTION: apprise.NotifyType.FAILURE,
    Milestone.DELIVERY_ATTEMPTED: apprise.NotifyType.WARNING,
    Milestone.DELAYED: apprise.NotifyType.WARNING,
    Milestone.STALE: apprise.NotifyType.WARNING,
}


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
        photo_network: Network | None = None,
    ) -> None:
        """`photo_network` is how photos are fetched: public addresses only unless
        a test brings its own (tests/support/photo_server.py)."""
        # The redactor goes on first, so that nothing Apprise logs while it
        # parses the URLs can show a token; it comes off again in close().
        self._redactor = Redactor(p for t in settings.targets for p in secret_parts(t.url.reveal()))
        if settings.apprise_config is not None:
            self._redactor.add(file_secret_parts(settings.apprise_config))
        for name in _CHATTY_LOGGERS:
            logging.getLogger(name).addFilter(self._redactor)
        try:
            targets = [
                Target.from_url(t, i, source, self._redactor)
                for i, t in enumerate(settings.targets)
            ]
            if settings.apprise_config is not None:
                targets += Target.from_file(settings.apprise_config)
        except BaseException:
            self.close()
            raise
        self._redactor.add(p for t in targets for p in t.secret_parts)
        self.targets = {target.name: target for target in targets}
        self.settings = settings
        self._renderer = Renderer(settings.templates, privacy=settings.privacy, zone=zone)
        self.zone = zone
        self.clock = clock
        self._lock = threading.Lock()
        self._photo_network = photo_network or Network.public()
        self.photo_cache = PhotoCache(self.photo)
        self.halted = threading.Event()

    def halt(self) -> None:
        """Stop after the delivery at hand (shutdown): the rest stays queued."""
        self.halted.set()

    def close(self) -> None:
        """Take the redactor off the libraries' loggers (again: a no-op)."""
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
        for unsent in interrupted:
            log.warning(
                "sending %r to %s was interrupted by the last shutdown; sending it again "
                "(it may arrive twice)", unsent.title, unsent.target,
            )  # fmt: skip
        return len(interrupted)

    def deliver_due(self, outbox: Outbox) -> OutboxRun:
        """Send every due delivery once; threads take turns at sending, not at
        fetching photos (daemon.notify.photo_cache). A delivery whose photo is
        not in yet waits for the next round (at most _PHOTO_ROUNDS here)."""
        total = OutboxRun(0, 0, 0, 0)
        for _ in range(_PHOTO_ROUNDS):
            self.photo_cache.prepare(self._needing_photos(outbox))
            with self._lock:
                run = _Run(self, outbox)
                done = run.go()
            total = OutboxRun(
                total.sent + done.sent,
                total.failed + done.failed,
                total.gave_up + done.gave_up,
                total.held + done.held,
            )
            if not run.waiting:
                break
        return total

    def _needing_photos(self, outbox: Outbox) -> list[DueDelivery]:
        """The due deliveries to targets that take attachments."""
        return [
            due
            for due in outbox.due(self.clock(), self.target_names)
            if self.targets[due.target].attachments
        ]

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

    def render(self, due: DueDelivery, target: Target, now: datetime) -> Rendered:
        facts = due.facts
        if facts is None:  # a notice or a hello, in its final words
            return Rendered(due.title, due.body)
        if due.kind == REMINDER:
            return self._renderer.reminder(Snapshot.from_json(facts), target.format, now)
        if due.milestone is None:
            return render_digest(facts, self._renderer, target.format, now)
        return self._renderer.render(Snapshot.from_json(facts), target.format, now)

    def photo(self, due: DueDelivery) -> Photo | None:
        url = (due.facts or {}).get("delivery_photo_url")
        if not (self.settings.photos and url and due.milestone is Milestone.DELIVERED):
            return None
        try:
            return fetch_photo(
                str(url),
                max_bytes=self.settings.photo_max_bytes,
                timeout=self.settings.photo_timeout,
                network=self._photo_network,
            )
        except PhotoError as exc:
            log.warning("sending %r without its photo: %s", due.title, exc)
            return None


class _Run:
    """One pass over the due deliveries, with the photos fetched before it."""

    def __init__(self, notifier: Notifier, outbox: Outbox) -> None:
        self.n = notifier
        self.outbox = outbox
        self.sent = self.failed = self.gave_up = self.held = 0
        self.waiting = 0  # deliveries left for the next round: their photo is not in yet

    def go(self) -> OutboxRun:
        n = self.n
        for due in self.outbox.due(n.clock(), n.target_names):
            if n.halted.is_set():
                break
            until = held_until(n.settings.quiet_hours, due.milestone, n.clock(), n.zone)
            if until is not None:
                self.outbox.defer(due.pk, until)
                self.held += 1
            elif self._needs_photo(due):
                self.waiting += 1
            elif self.outbox.claim(due.pk):
                self._send(due)
        return OutboxRun(self.sent, self.failed, self.gave_up, self.held)

    def _needs_photo(self, due: DueDelivery) -> bool:
        """A delivery whose photo is not in: it fell due since, or another thread
        is fetching it (and will send it)."""
        target = self.n.targets[due.target]
        return target.attachments and not self.n.photo_cache.ready(due.notification_pk)

    def _send(self, due: DueDelivery) -> None:
        n = self.n
        target = n.targets[due.target]
        photo = n.photo_cache.get(due.notification_pk) if target.attachments else None
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
