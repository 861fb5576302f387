"""What the count sensors count: the parcels sorted by where they are today.

Pure. The groups may overlap on purpose: a parcel out for delivery is also
arriving today. "Arriving today" and "late" follow the daily digest's rules
(daemon.store.outlook: an estimate that covers today; one whose last day is
more than [general] late_after_days past); a parcel waiting at a pickup point
is neither arriving nor late, and one gone stale is in no group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

from daemon.store.outlook import arriving_today, late
from daemon.store.views import ShipmentView
from parsers.model import Milestone

# (object id, name shown in Home Assistant)
GROUPS: tuple[tuple[str, str], ...] = (
    ("arriving_today", "Arriving today"),
    ("out_for_delivery", "Out for delivery"),
    ("waiting_for_pickup", "Waiting for pickup"),
    ("delivered_today", "Delivered today"),
    ("in_transit", "In transit"),
    ("late", "Late"),
)
_AT_THE_END = (Milestone.OUT_FOR_DELIVERY, Milestone.AVAILABLE_FOR_PICKUP)


@dataclass(frozen=True)
class Board:
    """The parcels of each group, keyed by the object ids of GROUPS."""

    groups: dict[str, tuple[ShipmentView, ...]]

    def count(self, group: str) -> int:
        return len(self.groups[group])


def board(
    shipments: Sequence[ShipmentView], today: date, zone: tzinfo | None, late_after_days: int
) -> Board:
    found: dict[str, list[ShipmentView]] = {name: [] for name, _ in GROUPS}
    for view in shipments:
        for name in _groups_of(view, today, zone, late_after_days):
            found[name].append(view)
    return Board({name: tuple(views) for name, views in found.items()})


def _groups_of(
    view: ShipmentView, today: date, zone: tzinfo | None, late_after_days: int
) -> list[str]:
    if view.status is Milestone.DELIVERED:
        arrived = view.delivered_at and view.delivered_at.astimezone(zone).date() == today
        return ["delivered_today"] if arrived else []
    if not view.current:
        return []
    if view.status is Milestone.AVAILABLE_FOR_PICKUP:
        return ["waiting_for_pickup"]
    names = []
    if arriving_today(view, today, zone):
        names.append("arriving_today")
    if view.status is Milestone.OUT_FOR_DELIVERY:
        names.append("out_for_delivery")
    if view.status not in _AT_THE_END:
        names.append("in_transit")
    if late(view.eta, today, late_after_days):
        names.append("late")
    return names
