"""One reminder on the morning of a pickup's last day, while the parcel still
waits: a locker returns it to Amazon the day after, and the notification that
it was ready may be days old by then.

Queued like any notification, once per parcel and last day (its outbox key),
from `REMIND_AT` in the user's time zone until the end of that day (a daemon
started at noon still reminds). A parcel that became ready that same day is
not reminded: its own notification already says "Pick up by: today". It goes
where the parcel's "ready for pickup" notification went (routing), and only if
that milestone notifies at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, tzinfo

from daemon.notify.render import Renderer
from daemon.notify.routing import Routing
from daemon.store.views import ShipmentView, Snapshot
from parsers.model import Milestone

log = logging.getLogger(__name__)

REMINDER = "pickup_reminder"
REMIND_AT = time(8, 0)
_READY = Milestone.AVAILABLE_FOR_PICKUP

# (key, kind, (title, body), targets, now, facts) -> whether it was queued
AddOnce = Callable[
    [str, str, tuple[str, str], Sequence[str], datetime, dict[str, object] | None], bool
]


class Reminders:
    """Queues the reminders due today."""

    def __init__(
        self,
        routing: Routing,
        shipments: Callable[[date], list[ShipmentView]],  # those whose pickup ends that day
        add: AddOnce,
        zone: tzinfo | None,
    ) -> None:
        self._routing = routing
        self._shipments = shipments
        self._add = add
        self._zone = zone

    def run_due(self, now: datetime) -> int:
        """Queue a reminder for each parcel whose last pickup day is today, if it
        is `REMIND_AT` or later; how many were queued now."""
        local = now.astimezone(self._zone)
        if local.time() < REMIND_AT or not self._routing.notifies(_READY):
            return 0
        queued = 0
        for view in self._shipments(local.date()):
            if due_today(view, local.date(), self._zone):
                queued += self._queue(view, local.date(), now)
        return queued

    def _queue(self, view: ShipmentView, today: date, now: datetime) -> int:
        snap = Snapshot.of(view, _READY)
        plain = Renderer(zone=self._zone).reminder(snap, "text", now)
        targets = self._routing.targets_for(_READY, view.account)
        key = f"{REMINDER}:{view.pk}:{today.isoformat()}"
        if not self._add(key, REMINDER, (plain.title, plain.body), targets, now, snap.to_json()):
            return 0
        log.info("%s", plain.title)
        return 1


def due_today(view: ShipmentView, today: date, zone: tzinfo | None) -> bool:
    """Waiting for pickup, its last day today, and ready since before today."""
    if view.status is not _READY or view.pickup_deadline != today:
        return False
    ready = [line.occurred_at for line in view.timeline if line.milestone is _READY]
    return not ready or max(ready).astimezone(zone).date() < today
