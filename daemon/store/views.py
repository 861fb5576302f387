"""Read-only views of what the store holds, for the CLI and the notifier.
Frozen values, so nothing outside the store can touch a live database row."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from parsers.model import Eta, Kind, Milestone


@dataclass(frozen=True)
class TimelineLine:
    """One line of a timeline. `milestone` is None for a line that records no
    milestone: an email from Amazon about the order that parcelwatch could not read
    (its `description` says so)."""

    occurred_at: datetime
    milestone: Milestone | None
    source: str
    description: str | None
    eta: Eta | None

    @property
    def label(self) -> str:
        return self.milestone.label if self.milestone else (self.description or "")


@dataclass(frozen=True)
class CheckView:
    """The carrier-status schedule of a shipment: who was asked, when next, or
    why no carrier is asked (`note`)."""

    backend: str | None
    last_checked_at: datetime | None
    next_check_at: datetime | None
    note: str | None


@dataclass(frozen=True)
class ShipmentView:
    pk: int
    order_ids: tuple[str, ...]
    marketplace: str | None
    status: Milestone | None
    carrier: str | None
    tracking_number: str | None
    amazon_shipment_id: str | None
    package_index: int | None
    eta: Eta | None
    item_titles: tuple[str, ...]
    label: str | None
    pickup_code: str | None
    delivery_photo_url: str | None
    delivered_at: datetime | None
    updated_at: datetime
    timeline: tuple[TimelineLine, ...]
    carrier_check: CheckView | None = None
    # How often each milestone was entered (the state machine's occurrence
    # counts): (milestone, occurrence) is what a Home Assistant event is keyed by.
    occurrences: tuple[tuple[Milestone, int], ...] = ()
    created_at: datetime | None = None
    pickup_location: str | None = None
    pickup_deadline: date | None = None
    delivery_code: str | None = None
    delivery_location: str | None = None
    account: str | None = None  # the mail account it was first read from
    archived_at: datetime | None = None  # by housekeeping, or `parcelwatch archive`
    # When the latest event happened (the newest timeline line's time).
    last_event_at: datetime | None = None

    @property
    def last_news(self) -> datetime:
        """When there was last news of the parcel: its latest event, else when
        its row last changed."""
        times = [line.occurred_at for line in self.timeline]
        if self.last_event_at is not None:
            times.append(self.last_event_at)
        return max(times) if times else self.updated_at

    @property
    def active(self) -> bool:
        return self.status is None or self.status.kind in (Kind.PROGRESS, Kind.SIDE)

    @property
    def current(self) -> bool:
        """Still a story: on its way and not gone quiet. A stale parcel (no news
        for [carriers] stale_days) has left `list`, the digest and the counts,
        as a finished one has; `list --all` and `show` still find it."""
        return self.active and self.status is not Milestone.STALE

    @property
    def short_name(self) -> str:
        """The parcel in a few words, for an entity or a calendar entry: its
        label, else its first item (and how many more), else its number."""
        if self.label:
            return _shortened(self.label)
        if self.item_titles:
            more = len(self.item_titles) - 1
            return _shortened(self.item_titles[0]) + (f" (+{more})" if more else "")
        return self.tracking_number or f"Parcel {self.pk}"


def _shortened(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class OrderView:
    order_id: str
    marketplace: str | None
    status: Milestone | None
    placed_at: datetime | None
    eta: Eta | None
    item_titles: tuple[str, ...]
    timeline: tuple[TimelineLine, ...]
    shipments: tuple[ShipmentView, ...]
    account: str | None = None
    archived_at: datetime | None = None


@dataclass(frozen=True)
class DueDelivery:
    """An outbox row that is due: one notification for one target."""

    pk: int
    notification_pk: int
    target: str
    attempts: int
    title: str
    body: str
    milestone: Milestone | None  # None for a digest, a reminder, a notice
    facts: dict[str, Any] | None
    kind: str = ""  # the milestone's name, or "digest", "pickup_reminder", "hello", ...


@dataclass(frozen=True)
class Cursor:
    """How far one IMAP folder has been read: its UIDVALIDITY and the highest
    UID looked at (matching or not)."""

    uidvalidity: int | None
    last_uid: int


@dataclass(frozen=True)
class AccountView:
    """The last outcome of reading one mail account."""

    account: str
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    waiting: str | None = None  # "login refused": the account waits for the user
    waiting_fix: str | None = None  # "fix the password"


@dataclass(frozen=True)
class Unsent:
    """A delivery not (yet) sent: waiting (pending, or sending right now), given
    up (failed), or routed nowhere (no_match)."""

    target: str
    status: str
    title: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None


@dataclass(frozen=True)
class UpcomingCheck:
    """A carrier check that is due (`status` lists the next few)."""

    at: datetime
    carrier: str | None
    tracking_number: str | None
    item_titles: tuple[str, ...]
    label: str | None


@dataclass(frozen=True)
class DaemonView:
    """A `parcelwatch run` that uses (or last used) the database, and the
    mail accounts it reads (sorted)."""

    pid: int
    host: str
    started_at: datetime
    heartbeat_at: datetime
    stopped_at: datetime | None
    reload_command: str
    accounts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """What a notification is about, as the store knows it at that moment."""

    milestone: Milestone
    item_titles: tuple[str, ...]
    order_ids: tuple[str, ...]
    marketplace: str | None
    carrier: str | None
    tracking_number: str | None
    eta: Eta | None
    pickup_code: str | None = None
    delivery_photo_url: str | None = None
    label: str | None = None
    account: str | None = None
    pickup_location: str | None = None
    pickup_deadline: date | None = None
    delivery_code: str | None = None
    delivery_location: str | None = None

    @classmethod
    def of(cls, view: ShipmentView, milestone: Milestone) -> Snapshot:
        """What a notification about `view` (a digest line, a reminder) says."""
        return cls(
            milestone=milestone,
            item_titles=view.item_titles,
            order_ids=view.order_ids,
            marketplace=view.marketplace,
            carrier=view.carrier,
            tracking_number=view.tracking_number,
            eta=view.eta,
            pickup_code=view.pickup_code,
            label=view.label,
            account=view.account,
            pickup_location=view.pickup_location,
            pickup_deadline=view.pickup_deadline,
            delivery_code=view.delivery_code,
            delivery_location=view.delivery_location,
        )

    def to_json(self) -> dict[str, Any]:
        deadline = self.pickup_deadline
        return {
            "milestone": self.milestone.value,
            "items": list(self.item_titles),
            "order_ids": list(self.order_ids),
            "marketplace": self.marketplace,
            "carrier": self.carrier,
            "tracking_number": self.tracking_number,
            "eta": [self.eta.start.isoformat(), self.eta.end.isoformat()] if self.eta else None,
            "pickup_code": self.pickup_code,
            "delivery_photo_url": self.delivery_photo_url,
            "label": self.label,
            "account": self.account,
            "pickup_location": self.pickup_location,
            "pickup_deadline": deadline.isoformat() if deadline else None,
            "delivery_code": self.delivery_code,
            "delivery_location": self.delivery_location,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Snapshot:
        eta = data.get("eta")
        deadline = data.get("pickup_deadline")
        return cls(
            milestone=Milestone(data["milestone"]),
            item_titles=tuple(data.get("items") or ()),
            order_ids=tuple(data.get("order_ids") or ()),
            marketplace=data.get("marketplace"),
            carrier=data.get("carrier"),
            tracking_number=data.get("tracking_number"),
            eta=Eta(date.fromisoformat(eta[0]), date.fromisoformat(eta[1])) if eta else None,
            pickup_code=data.get("pickup_code"),
            delivery_photo_url=data.get("delivery_photo_url"),
            label=data.get("label"),
            account=data.get("account"),
            pickup_location=data.get("pickup_location"),
            pickup_deadline=date.fromisoformat(deadline) if deadline else None,
            delivery_code=data.get("delivery_code"),
            delivery_location=data.get("delivery_location"),
        )


@dataclass(frozen=True)
class UnreadView:
    """An email parcelwatch could not read, as `parcelwatch unrecognised` lists it."""

    pk: int
    sent_at: datetime | None
    recorded_at: datetime
    sender: str
    subject: str
    order_ids: tuple[str, ...]
    marketplace: str | None
    source: str
    location: str
    kept: bool  # whether its raw bytes are kept, for `parcelwatch report`
    announced: bool


@dataclass(frozen=True)
class MessageRecord:
    """One email as the audit trail keeps it: where it came from, what
    identifies it (content hash, Message-ID) and what a person reads of it."""

    source: str
    location: str
    sha256: str
    message_id: str | None = None
    account: str | None = None
    subject: str = ""
    sender: str = ""
    sent_at: datetime | None = None
    # The email itself, kept only when no rule could read it (for `parcelwatch report`).
    raw: bytes | None = None
    parse_seconds: float | None = None
