"""The dashboard's sections: which parcel a person looks for where. Pure.

Each travelling parcel sits in exactly one section, the first that fits:
out for delivery, waiting for pickup (with its code), late or needing
attention (its estimate has passed, or the carrier reports a problem, a
failed attempt or no news), arriving today, in transit. Delivered parcels
that housekeeping has not archived yet follow, newest first, a few of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from daemon.store.views import ShipmentView
from parsers.model import Milestone

RECENTLY_DELIVERED = 8
_NEEDS_ATTENTION = frozenset({Milestone.EXCEPTION, Milestone.DELIVERY_ATTEMPTED, Milestone.STALE})


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    shipments: tuple[ShipmentView, ...]


def _out(ship: ShipmentView, today: date) -> bool:
    return ship.status is Milestone.OUT_FOR_DELIVERY


def _pickup(ship: ShipmentView, today: date) -> bool:
    return ship.status is Milestone.AVAILABLE_FOR_PICKUP


def _late(ship: ShipmentView, today: date) -> bool:
    if ship.status in _NEEDS_ATTENTION:
        return True
    return ship.eta is not None and ship.eta.end < today


def _today(ship: ShipmentView, today: date) -> bool:
    return ship.eta is not None and ship.eta.start <= today <= ship.eta.end


def _travelling(ship: ShipmentView, today: date) -> bool:
    return True


_RULES: tuple[tuple[str, str, Callable[[ShipmentView, date], bool]], ...] = (
    ("out", "Out for delivery", _out),
    ("pickup", "Waiting for pickup", _pickup),
    ("late", "Late or needs attention", _late),
    ("today", "Arriving today", _today),
    ("transit", "On the way", _travelling),
)


def sections(shipments: Sequence[ShipmentView], today: date) -> tuple[Section, ...]:
    """The dashboard's sections in the order shown, empty ones included (the
    page says so rather than leaving a person to wonder)."""
    placed: dict[str, list[ShipmentView]] = {key: [] for key, _, _ in _RULES}
    for ship in shipments:
        if not ship.active:
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
