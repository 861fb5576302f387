"""The daily digest: at a configured time, one message listing what arrives
today, what waits at a pickup point, what is overdue (its estimate passed) and
what is late (overdue by more than [general] late_after_days), by the rules of
daemon.store.outlook: a parcel whose estimate is in the past is never listed
as arriving today. Parcels whose story ended (delivered, stale, archived) are
not in it.

Queued like any notification (so the outbox's exactly-once applies), keyed by
the local day so it goes out once a day however often `run_due` is called. It
is composed from the parcels as they stand at that moment and rendered per
target when sent, like the milestone notifications.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from daemon.config.notify import DigestSettings
from daemon.notify.escape import inert
from daemon.notify.render import Rendered, Renderer
from daemon.notify.routing import Routing
from daemon.notify.wording import describe
from daemon.store.outlook import arriving_today, late, overdue
from daemon.store.views import ShipmentView, Snapshot
from parsers.model import Milestone

log = logging.getLogger(__name__)

# A daemon that was down at digest time still sends it if it starts within
# this long after; later in the day the news would be stale.
GRACE = timedelta(hours=3)
_SECTIONS = (
    ("arriving", "Arriving today"),
    ("pickup", "Waiting for pickup"),
    ("overdue", "Overdue"),
    ("late", "Late"),
)


@dataclass(frozen=True)
class Composed:
    day: date
    arriving: tuple[ShipmentView, ...]
    pickup: tuple[ShipmentView, ...]
    overdue: tuple[ShipmentView, ...]
    late: tuple[ShipmentView, ...]

    @property
    def empty(self) -> bool:
        return not (self.arriving or self.pickup or self.overdue or self.late)


def compose(
    shipments: Sequence[ShipmentView], today: date, zone: tzinfo | None, late_after_days: int
) -> Composed:
    arriving, pickup, overdue_, late_ = [], [], [], []
    for view in shipments:
        if not view.current:
            continue
        if view.status is Milestone.AVAILABLE_FOR_PICKUP:
            pickup.append(view)
        elif arriving_today(view, today, zone):
            arriving.append(view)
        elif late(view.eta, today, late_after_days):
            late_.append(view)
        elif overdue(view.eta, today):
            overdue_.append(view)
    return Composed(today, tuple(arriving), tuple(pickup), tuple(overdue_), tuple(late_))


def facts_of(composed: Composed) -> dict[str, Any]:
    def snap(view: ShipmentView) -> dict[str, Any]:
        return Snapshot.of(view, view.status or Milestone.SHIPPED).to_json()

    return {
        "day": composed.day.isoformat(),
        "arriving": [snap(v) for v in composed.arriving],
        "pickup": [snap(v) for v in composed.pickup],
        "overdue": [snap(v) for v in composed.overdue],
        "late": [snap(v) for v in composed.late],
    }


def render_digest(
    facts: Mapping[str, Any], renderer: Renderer, fmt: str, now: datetime
) -> Rendered:
    markdown = fmt in ("markdown", "html")
    counts = [(len(facts.get(key) or []), title) for key, title in _SECTIONS]
    title = "Parcels today: " + ", ".join(f"{n} {t.split()[0].lower()}" for n, t in counts if n)
    lines: list[str] = []
    for key, heading in _SECTIONS:
        entries = [Snapshot.from_json(e) for e in facts.get(key) or []]
        if not entries:
            continue
        lines.append(f"**{heading}**" if markdown else f"{heading}:")
        lines += [
            ("- " if markdown else "• ") + _line(s, renderer, now, markdown=markdown)
            for s in entries
        ]
    return Rendered(title, "\n".join(lines), "markdown" if markdown else "text")


def _line(snap: Snapshot, renderer: Renderer, now: datetime, *, markdown: bool) -> str:
    """One parcel's line; what came from an email made inert (daemon.notify.escape)."""
    what = describe(snap.item_titles, snap.label, tuple(map(renderer.order_id, snap.order_ids)))
    parts = [inert(what, markdown=markdown)]
    values = renderer.shown(snap, now, markdown=markdown)
    if values["carrier"]:
        parts.append(" ".join(filter(None, (values["carrier"], values["tracking_number"]))))
    if snap.milestone is Milestone.AVAILABLE_FOR_PICKUP:
        parts += [f"code {values['pickup_code']}"] if snap.pickup_code else []
        parts += [f"at {values['pickup_location']}"] if snap.pickup_location else []
        parts += [f"pick up by {values['pickup_deadline']}"] if snap.pickup_deadline else []
    elif snap.eta and snap.milestone is not Milestone.OUT_FOR_DELIVERY:
        parts.append(f"expected {values['eta']}")
    elif snap.eta:
        parts.append(f"out for delivery, expected {values['eta']}")
    return " · ".join(parts)


class Digests:
    """Queues today's digest once its time has come."""

    def __init__(
        self,
        settings: DigestSettings | None,
        routing: Routing,
        shipments: Callable[[], list[ShipmentView]],
        add: Callable[[str, tuple[str, str], dict[str, Any], Sequence[str], datetime], bool],
        zone: tzinfo | None,
        late_after_days: int,
    ) -> None:
        self._settings = settings
        self._routing = routing
        self._shipments = shipments
        self._add = add
        self._zone = zone
        self._late_after_days = late_after_days
        self._settled: date | None = None  # the day whose digest is decided
        self._lock = threading.Lock()  # threads delivering at once decide it once

    def run_due(self, now: datetime) -> bool:
        """Queue today's digest if its time has come (within GRACE) and it was
        not queued yet; True when one was queued."""
        with self._lock:
            return self._run_due(now)

    def _run_due(self, now: datetime) -> bool:
        if self._settings is None:
            return False
        local = now.astimezone(self._zone)
        due = datetime.combine(local.date(), self._settings.at, tzinfo=local.tzinfo)
        if not due <= local < due + GRACE or self._settled == local.date():
            return False
        self._settled = local.date()
        composed = compose(self._shipments(), local.date(), self._zone, self._late_after_days)
        if composed.empty:
            log.info("digest for %s: nothing arriving, waiting or overdue", local.date())
            return False
        facts = facts_of(composed)
        plain = render_digest(facts, Renderer(zone=self._zone), "text", now)
        targets = self._routing.targets_with(self._settings.tags)
        queued = self._add(
            f"digest:{local.date().isoformat()}", (plain.title, plain.body), facts, targets, now
        )
        if queued:
            log.info("digest for %s queued: %s", local.date(), plain.title)
        return queued
