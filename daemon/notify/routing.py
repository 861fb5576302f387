"""Who receives a notification: pure routing from (milestone, account) to the
names of the targets, decided once when the notification is queued.

Without `[[notify.route]]` every target receives every notifying milestone.
With routes, a notification goes to the targets carrying any tag of any route
that matches it (a route matches when its milestones and accounts, where given,
include the notification's); the tag "all" means every target. A notification
that no route sends anywhere is recorded as "no match" rather than dropped
silently, so `status` can show it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from daemon.config.notify import DEFAULT_MAX_AGE_HOURS, Route
from daemon.notify.render import render
from daemon.store.views import Snapshot
from parsers.model import Milestone

ALL = "all"


@dataclass(frozen=True)
class Recipient:
    """A target as routing sees it: its name and its tags."""

    name: str
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Routing:
    """Which milestones notify, and which targets each notification goes to."""

    milestones: frozenset[Milestone]
    recipients: tuple[Recipient, ...] = ()
    routes: tuple[Route, ...] = ()

    @property
    def has_targets(self) -> bool:
        return bool(self.recipients)

    def notifies(self, milestone: Milestone) -> bool:
        return milestone in self.milestones

    def targets_for(self, milestone: Milestone, account: str | None) -> tuple[str, ...]:
        """The targets to queue for; empty when routes send it nowhere."""
        if not self.routes:
            return tuple(r.name for r in self.recipients)
        tags: set[str] = set()
        for route in self.routes:
            if _matches(route, milestone, account):
                tags |= route.tags
        # No route covers it: nobody (targets_with would read "no tags" as everyone).
        return self.targets_with(tags) if tags else ()

    def targets_with(self, tags: Iterable[str]) -> tuple[str, ...]:
        """Targets carrying any of `tags`; "all" (or no tags at all) is everyone."""
        wanted = set(tags)
        if not wanted or ALL in wanted:
            return tuple(r.name for r in self.recipients)
        return tuple(r.name for r in self.recipients if r.tags & wanted)

    def targets_for_account(self, account: str) -> tuple[str, ...]:
        """Who hears about an account as a whole (its hello): the targets of
        every route that covers the account, whatever its milestones; everyone
        without routes."""
        if not self.routes:
            return tuple(r.name for r in self.recipients)
        tags = {t for r in self.routes if not r.accounts or account in r.accounts for t in r.tags}
        return self.targets_with(tags) if tags else ()

    def no_match_reason(self, milestone: Milestone, account: str | None) -> str:
        tags = sorted({t for r in self.routes if _matches(r, milestone, account) for t in r.tags})
        where = f" from account {account}" if account else ""
        if not tags:
            return f"no [[notify.route]] covers {milestone.value}{where}"
        return f"no target has the tag(s) {', '.join(tags)} routed for {milestone.value}{where}"

    def unused_tags(self) -> list[str]:
        """Route tags that no target carries: a likely typo, for check-config."""
        known = {t for r in self.recipients for t in r.tags} | {ALL}
        return sorted({t for route in self.routes for t in route.tags} - known)


def _matches(route: Route, milestone: Milestone, account: str | None) -> bool:
    if route.milestones and milestone not in route.milestones:
        return False
    return not route.accounts or account in route.accounts


@dataclass(frozen=True)
class Announcements(Routing):
    """Routing plus the age rule and the headline kept with each queued
    notification: what the store asks while it records an event
    (daemon.store.recorder.Announcer).

    News, not history: a milestone is queued only when its evidence (the
    email's Date, else the server's INTERNALDATE; a carrier's scan time) is at
    most `max_age` old when it is recorded. A first read of an old mailbox, a
    folder re-scanned, a new database, `import`, a daemon that was down for a
    week: what happened before is recorded and shown, never pushed, and never
    queued for later. An event with no evidence at all is not news either."""

    max_age: timedelta = timedelta(hours=DEFAULT_MAX_AGE_HOURS)

    def is_news(self, evidence: datetime | None, now: datetime) -> bool:
        return evidence is not None and now - evidence <= self.max_age

    def headline(self, snapshot: Snapshot, now: datetime) -> tuple[str, str]:
        text = render(snapshot, now)
        return text.title, text.body
