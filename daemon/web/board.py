"""The dashboard's sections: which parcel a person looks for where. Pure.

Each travelling parcel sits in exactly one section, the first that fits:
out for delivery, waiting for pickup (with its code), late or needing
attention (its estimate passed more than [general] late_after_days ago, or
the carrier reports a problem or a failed attempt), arriving today, in transit
(daemon.store.outlook's rules). Delivered parcels that housekeeping has not
archived yet follow, newest first, a few of them; a parcel gone stale has
left the dashboard, as it has left `list`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

from daemon.store.outlook import arriving_today, late
from daemon.store.views import ShipmentView
from parsers.model import Milestone

RECENTLY_DELIVERED = 8
_NEEDS_ATTENTION = frozenset({Milestone.EXCEPTION, Milestone.DELIVERY_ATTEMPTED})


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    shipments: tuple[ShipmentView, ...]


@dataclass(frozen=True)
class Today:
    """What the rules need besides the parcel."""

    day: date
    zone: tzinfo | None
    late_after_days: int


def _out(ship: ShipmentView, today: Today) -> bool:
    return ship.status is Milestone.OUT_FOR_DELIVERY


def _pickup(ship: ShipmentView, today: Today) -> bool:
    return ship.status is Milestone.AVAILABLE_FOR_PICKUP


def _late(ship: ShipmentView, today: Today) -> bool:
    if ship.status in _NEEDS_ATTENTION:
        return True
    return late(ship.eta, today.day, today.late_after_days)


def _today(ship: ShipmentView, today: Today) -> bool:
    return arriving_today(ship, today.day, today.zone)


def _travelling(ship: ShipmentView, today: Today) -> bool:
    return True


_RULES: tuple[tuple[str, str, Callable[[ShipmentView, Today], bool]], ...] = (
    ("out", "Out for delivery", _out),
    ("pickup", "Waiting for pickup", _pickup),
    ("late", "Late or needs attention", _late),
    ("today", "Arriving today", _today),
    ("transit", "On the way", _travelling),
)


def sections(
    shipments: Sequence[ShipmentView], day: date, zone: tzinfo | None, late_after_days: int
) -> tuple[Section, ...]:
    """The dashboard's sections in the order shown, empty ones included (the
    page says so rather than leaving a person to wonder)."""
    today = Today(day, zone, late_after_days)
    placed: dict[str, list[ShipmentView]] = {key: [] for key, _, _ in _RULES}
    for ship in shipments:
        if not ship.current:
            continue
        key = next(key for key, _, fits in _RULES if fits(ship, today))
        placed[key].append(ship)
    found = [Section(key, title, _by_eta(placed[key])) for key, title, _ in _RULES]
    found.append(Section("delivered", "Recently delivered", _recently_delivered(shipments)))
    return tuple(found)


def _by_eta(shipments: list[ShipmentView]) -> tuple[ShipmentView, ...]:
    """Soonest expected first; parcels without an estimate last."""
    return tuple(
        sorted(shipments, key=lambda s: (s.eta is None, s.eta.start if s.eta else date.max))
    )


def _recently_delivered(shipments: Sequence[ShipmentView]) -> tuple[ShipmentView, ...]:
    delivered = [s for s in shipments if s.status is Milestone.DELIVERED]
    delivered.sort(key=lambda s: s.delivered_at or s.updated_at, reverse=True)
    return tuple(delivered[:RECENTLY_DELIVERED])
