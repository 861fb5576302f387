"""The hand-raise: when Amazon emails could not be read, the user hears about it.

An email from Amazon about an order that no rule reads usually means Amazon
changed a template, and a tracker that drops such mail in silence misses parcels
without anyone knowing. So once a day at most, when there are unread emails not
announced yet, every target gets one notice: how many, since when, and the
command that writes an anonymised copy for a bug report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, tzinfo

from daemon.notify.routing import Routing
from daemon.store.unread import UnreadEmails
from daemon.store.views import UnreadView

log = logging.getLogger(__name__)

AddNotice = Callable[[str, tuple[str, str], Sequence[str], datetime], bool]
_WEEK = 7


class HandRaise:
    """Queues the daily notice about unread Amazon emails, if there are new ones."""

    def __init__(
        self,
        enabled: bool,
        unread: UnreadEmails,
        routing: Routing,
        add: AddNotice,
        zone: tzinfo | None,
    ) -> None:
        self._enabled = enabled
        self._unread = unread
        self._routing = routing
        self._add = add
        self._zone = zone

    def run_due(self, now: datetime) -> bool:
        """Queue today's notice if emails wait to be announced and none was queued
        today; True when one was. What waits past today is in tomorrow's."""
        if not self._enabled:
            return False
        pending = self._unread.unannounced()
        if not pending:
            return False
        today = now.astimezone(self._zone).date()
        title, body = compose(pending, today, self._zone)
        key = f"unrecognised:{today.isoformat()}"
        if not self._add(key, (title, body), self._routing.targets_with(()), now):
            return False
        self._unread.mark_announced([email.pk for email in pending], now)
        log.warning("%s", body)
        return True


def compose(pending: Sequence[UnreadView], today: date, zone: tzinfo | None) -> tuple[str, str]:
    """The notice's title and text, from the emails not announced yet."""
    count = len(pending)
    emails = f"{count} Amazon email{'' if count == 1 else 's'}"
    first = min((e.sent_at or e.recorded_at) for e in pending).astimezone(zone).date()
    latest = max(pending, key=lambda e: e.pk)
    title = f"parcelwatch could not read {emails}"
    body = (
        f"parcelwatch could not read {emails} since {since(first, today)}: Amazon may have "
        f"changed a template. Run `parcelwatch report {latest.pk}` and attach the file it "
        "writes to a bug report; `parcelwatch unrecognised` lists them all."
    )
    return title, body


def since(day: date, today: date) -> str:
    """ "today", "yesterday", a weekday of the last week ("Tuesday"), else the date."""
    if day >= today:
        return "today"
    if day == today - timedelta(days=1):
        return "yesterday"
    if today - day < timedelta(days=_WEEK):
        return f"{day:%A}"
    return f"{day.day} {day:%B}"
