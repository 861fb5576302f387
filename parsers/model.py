"""What a parser emits: milestones and shipment events, as frozen values.

One vocabulary serves emails and carrier scans alike (DESIGN.md, "Milestones"), so
the state machine never needs to know where an event came from. `to_json` here is
the one place that defines the `parse --json` interface.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar


class Kind(enum.Enum):
    """How a milestone moves a shipment (DESIGN.md's "kind" column)."""

    PROGRESS = "progress"
    TERMINAL = "terminal"
    SIDE = "side"
    AFTER_SALE = "after_sale"


class Milestone(enum.Enum):
    """A point in a parcel's life. The value is the stable, lower-case JSON name."""

    ORDERED = "ordered"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    DELIVERED = "delivered"
    DELAYED = "delayed"
    DELIVERY_ATTEMPTED = "delivery_attempted"
    EXCEPTION = "exception"
    STALE = "stale"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    RETURN_STARTED = "return_started"
    RETURN_RECEIVED = "return_received"
    REFUNDED = "refunded"

    @property
    def kind(self) -> Kind:
        return _KINDS[self]

    @property
    def rank(self) -> int | None:
        """Order along the forward path; None for side and after-sale states."""
        return _RANKS.get(self)

    @property
    def label(self) -> str:
        """A short human label ("Out for delivery")."""
        return _LABELS[self]

    @property
    def order_level(self) -> bool:
        """Whether the milestone belongs to a whole order rather than one of its
        parcels: ordering, cancelling, refunding."""
        return self in _ORDER_LEVEL


_RANKS: dict[Milestone, int] = {
    Milestone.ORDERED: 0,
    Milestone.SHIPPED: 1,
    Milestone.IN_TRANSIT: 2,
    Milestone.OUT_FOR_DELIVERY: 3,
    Milestone.AVAILABLE_FOR_PICKUP: 3,
    Milestone.DELIVERED: 4,
}

_ORDER_LEVEL = frozenset({Milestone.ORDERED, Milestone.CANCELLED, Milestone.REFUNDED})

_KINDS: dict[Milestone, Kind] = {
    Milestone.ORDERED: Kind.PROGRESS,
    Milestone.SHIPPED: Kind.PROGRESS,
    Milestone.IN_TRANSIT: Kind.PROGRESS,
    Milestone.OUT_FOR_DELIVERY: Kind.PROGRESS,
    Milestone.AVAILABLE_FOR_PICKUP: Kind.PROGRESS,
    Milestone.DELIVERED: Kind.TERMINAL,
    Milestone.DELAYED: Kind.SIDE,
    Milestone.DELIVERY_ATTEMPTED: Kind.SIDE,
    Milestone.EXCEPTION: Kind.SIDE,
    Milestone.STALE: Kind.SIDE,
    Milestone.RETURNED: Kind.TERMINAL,
    Milestone.CANCELLED: Kind.TERMINAL,
    Milestone.RETURN_STARTED: Kind.AFTER_SALE,
    Milestone.RETURN_RECEIVED: Kind.AFTER_SALE,
    Milestone.REFUNDED: Kind.AFTER_SALE,
}

_LABELS: dict[Milestone, str] = {
    Milestone.ORDERED: "Ordered",
    Milestone.SHIPPED: "Shipped",
    Milestone.IN_TRANSIT: "In transit",
    Milestone.OUT_FOR_DELIVERY: "Out for delivery",
    Milestone.AVAILABLE_FOR_PICKUP: "Ready for pickup",
    Milestone.DELIVERED: "Delivered",
    Milestone.DELAYED: "Delayed",
    Milestone.DELIVERY_ATTEMPTED: "Delivery attempted",
    Milestone.EXCEPTION: "Problem with delivery",
    Milestone.STALE: "No news",
    Milestone.RETURNED: "Returned to sender",
    Milestone.CANCELLED: "Cancelled",
    Milestone.RETURN_STARTED: "Return started",
    Milestone.RETURN_RECEIVED: "Return received",
    Milestone.REFUNDED: "Refunded",
}


@dataclass(frozen=True)
class Eta:
    """An estimated delivery date or date range, in the marketplace's local days."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"ETA ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def day(cls, when: date) -> Eta:
        return cls(when, when)

    @classmethod
    def between(cls, start: date | None, end: date | None) -> Eta | None:
        """The estimate stored as two nullable columns, or None when either is missing."""
        return cls(start, end) if start and end else None

    def to_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True)
class Item:
    """One line of an order as the email states it."""

    title: str
    quantity: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "quantity": self.quantity}


@dataclass(frozen=True)
class ShipmentEvent:
    """One thing an email (or a carrier) says about one shipment or order.

    Every field the source does not state is None or empty, never guessed.
    `package_index` is Amazon's index of a package within an order (from the
    "Track package" link); it is part of a shipment's identity but not of the
    `parse --json` interface. `pickup_code` opens a locker or proves the parcel is
    yours at a counter; `delivery_code` is the one-time password the recipient tells
    the driver: two different things, never mixed. `pickup_location` and
    `delivery_location` are as the email writes them ("Amazon Hub Locker - Juniper",
    "near the front door or porch"); `pickup_deadline` is the last day to collect.
    """

    milestone: Milestone
    occurred_at: datetime | None = None
    order_ids: tuple[str, ...] = ()
    marketplace: str | None = None
    shipment_id: str | None = None
    package_index: int | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    eta: Eta | None = None
    items: tuple[Item, ...] = ()
    pickup_code: str | None = None
    pickup_location: str | None = None
    pickup_deadline: date | None = None
    delivery_code: str | None = None
    delivery_location: str | None = None
    delivery_photo_url: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        if self.occurred_at is not None and self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware")

    def to_json(self) -> dict[str, Any]:
        """The event as DESIGN.md's `parse --json` defines it, key for key."""
        return {
            "milestone": self.milestone.value,
            "order_ids": list(self.order_ids),
            "marketplace": self.marketplace,
            "shipment_id": self.shipment_id,
            "carrier": self.carrier,
            "tracking_number": self.tracking_number,
            "eta": self.eta.to_json() if self.eta else None,
            "items": [item.to_json() for item in self.items],
            "pickup_code": self.pickup_code,
            "pickup_location": self.pickup_location,
            "pickup_deadline": self.pickup_deadline.isoformat() if self.pickup_deadline else None,
            "delivery_code": self.delivery_code,
            "delivery_location": self.delivery_location,
            "delivery_photo_url": self.delivery_photo_url,
            "occurred_at": (
                self.occurred_at.astimezone(UTC).isoformat() if self.occurred_at else None
            ),
        }


class Rejected(Exception):  # noqa: N818 - a verdict, not a failure
    """Raised by a parser for an email it recognises but refuses to believe (a
    look-alike that failed DKIM/DMARC); the reason is recorded as the error."""


class Unreadable(Exception):  # noqa: N818 - a verdict, not a failure
    """Raised by a parser for an email whose structure is beyond what is read (more
    orders or shipments than MAX_EVENTS); recorded as "unreadable: <reason>", never
    read in part and never retried."""


@dataclass(frozen=True)
class Unread:
    """What an email that no rule could read still says for certain: the orders
    it is about and the marketplace it came from."""

    order_ids: tuple[str, ...]
    marketplace: str | None


class Unrecognised(Exception):  # noqa: N818 - a verdict, not a failure
    """Raised by a parser for an email from a sender it owns, about an order,
    whose wording no rule knows (or whose signals disagree). Never guessed: the
    email is reported as unrecognised, so that a template change is noticed."""

    def __init__(self, subject: str, unread: Unread) -> None:
        super().__init__(subject)
        self.subject = subject
        self.unread = unread


UNRECOGNISED = "unrecognised: "

V = TypeVar("V")


@dataclass(frozen=True)
class Claim(Generic[V]):
    """A parser's answer to "is this email yours?": how sure it is (a positive
    score), and what it found out deciding, which the registry hands back to
    the same parser's `parse`, so that nothing is judged twice and no parser
    keeps state between two calls."""

    score: int
    verdict: V


@dataclass(frozen=True)
class ParseResult:
    """What the registry says about one email: which parser claimed it (or None),
    the events it found, and the error if parsing failed. `unread` is set for an
    unrecognised email (its error starts with "unrecognised: ")."""

    parser: str | None
    events: tuple[ShipmentEvent, ...] = ()
    error: str | None = None
    notes: tuple[str, ...] = field(default=())
    unread: Unread | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "parser": self.parser,
            "error": self.error,
            "events": [event.to_json() for event in self.events],
        }
