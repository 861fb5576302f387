"""Where a parcel stands today, by one set of rules for every place that says
it (the `list` table, the digest, the hello, Home Assistant's counts, the
dashboard). Pure: the day, the zone and the grace are passed in.

- Arriving today: its estimate covers today; or, with no estimate, it went out
  for delivery today. An estimate in the past is never "arriving today",
  whatever the last milestone was (an "out for delivery" from last week is not).
- Overdue: its estimate's last day has passed.
- Late: overdue by more than `[general] late_after_days` (default 3): Amazon's
  estimates slip by a day often enough that "late" the morning after would cry
  wolf.
"""

from __future__ import annotations

from datetime import date, tzinfo

from daemon.store.views import ShipmentView
from parsers.model import Eta, Milestone


def arriving_today(view: ShipmentView, today: date, zone: tzinfo | None) -> bool:
    if view.eta is not None:
        return view.eta.start <= today <= view.eta.end
    if view.status is not Milestone.OUT_FOR_DELIVERY:
        return False
    went_out = [
        line.occurred_at for line in view.timeline if line.milestone is Milestone.OUT_FOR_DELIVERY
    ]
    return bool(went_out) and max(went_out).astimezone(zone).date() == today


def overdue(eta: Eta | None, today: date) -> bool:
    return eta is not None and eta.end < today


def late(eta: Eta | None, today: date, after_days: int) -> bool:
    return eta is not None and (today - eta.end).days > after_days
