"""The database tables (sqlmodel). Datetimes are stored as UTC and read back
timezone-aware, whatever the database does with zones."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; naive input is refused."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _when(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


def _json(**kwargs: Any) -> Any:
    return Field(sa_type=sa.JSON, **kwargs)


class MailboxCursor(SQLModel, table=True):
    """How far a mail source has been read: per (account, folder)."""

    __table_args__ = (sa.UniqueConstraint("account", "folder"),)
    id: int | None = Field(default=None, primary_key=True)
    account: str
    folder: str
    uidvalidity: int | None = None
    last_uid: int = 0
    updated_at: datetime = _when()


class AccountStatus(SQLModel, table=True):
    """The last outcome of reading each mail account, for `status` and for
    giving up on an account whose login keeps being refused."""

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(unique=True)
    last_success_at: datetime | None = _when(default=None)
    last_error: str | None = None
    last_error_at: datetime | None = _when(default=None)
    # Set while the account waits for the user (a refused login): what
    # happened in a few words, and what to do; cleared by the next success.
    waiting: str | None = None
    waiting_fix: str | None = None


class DaemonRecord(SQLModel, table=True):
    """The one `parcelwatch run` using this database (a single row, id 1): who
    it is, and a heartbeat it renews while it runs, so that `status` can tell
    whether it is running and a second `run` can say who holds the database."""

    id: int | None = Field(default=None, primary_key=True)
    pid: int
    host: str
    started_at: datetime = _when()
    heartbeat_at: datetime = _when()
    stopped_at: datetime | None = _when(default=None)
    reload_command: str = ""


class ProcessedMessage(SQLModel, table=True):
    """Every email the pipeline has seen: idempotency and an audit trail."""

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(unique=True, max_length=64)
    message_id: str | None = Field(default=None, index=True)
    source: str
    location: str
    subject: str = ""
    sender: str = ""
    sent_at: datetime | None = _when(default=None)
    parser: str | None = None
    error: str | None = None
    event_count: int = 0
    # How long decoding and parsing took (the metrics' histogram); None for
    # mail recorded before it was measured, or skipped unread.
    parse_seconds: float | None = None
    processed_at: datetime = _when()


class TrackedState(SQLModel):
    """State-machine columns shared by orders and shipments."""

    progress: str | None = None
    side: str | None = None
    account: str | None = None  # the mail account it was first read from, for routing
    after_sale: str | None = None
    eta_start: date | None = None
    eta_end: date | None = None
    occurrences: dict[str, int] = _json(default_factory=dict)
    items: list[dict[str, Any]] = _json(default_factory=list)
    created_at: datetime = _when()
    updated_at: datetime = _when()


class Order(TrackedState, table=True):
    __tablename__ = "orders"
    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(unique=True)
    marketplace: str | None = None
    placed_at: datetime | None = _when(default=None)
    # Set by `parcelwatch archive` (with its shipments): left out of `list`.
    archived_at: datetime | None = _when(default=None)


class Shipment(TrackedState, table=True):
    id: int | None = Field(default=None, primary_key=True)
    carrier: str | None = Field(default=None)
    tracking_number: str | None = Field(default=None, index=True)
    amazon_shipment_id: str | None = Field(default=None, index=True)
    package_index: int | None = None
    marketplace: str | None = None
    label: str | None = None
    pickup_code: str | None = None
    pickup_location: str | None = None
    pickup_deadline: date | None = None
    delivery_code: str | None = None
    delivery_location: str | None = None
    delivery_photo_url: str | None = None
    delivered_at: datetime | None = _when(default=None)
    last_event_at: datetime | None = _when(default=None)
    # Set by housekeeping some days after the parcel's story ended, or by
    # `parcelwatch archive`: left out of `list --all`, the digest and `status`;
    # `show` still finds it.
    archived_at: datetime | None = _when(default=None)


class UnreadEmail(SQLModel, table=True):
    """An email from an Amazon (or carrier) sender about an order that no rule could
    read: counted by `status`, listed by `unrecognised`, announced once a day, and
    kept (up to a size) so that `report` can write an anonymised copy of it."""

    id: int | None = Field(default=None, primary_key=True)
    message_pk: int = Field(foreign_key="processedmessage.id", unique=True, ondelete="CASCADE")
    parser: str | None = None
    marketplace: str | None = None
    order_ids: list[str] = _json(default_factory=list)
    raw: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    announced_at: datetime | None = _when(default=None, index=True)
    recorded_at: datetime = _when()


class CarrierCheck(SQLModel, table=True):
    """The carrier-status schedule of one shipment: when to ask next, what the
    last answer was, and why it is not asked (email only, rejected number)."""

    id: int | None = Field(default=None, primary_key=True)
    shipment_pk: int = Field(foreign_key="shipment.id", unique=True, ondelete="CASCADE")
    next_check_at: datetime | None = _when(default=None, index=True)
    last_checked_at: datetime | None = _when(default=None)
    backend: str | None = None
    status_text: str | None = None
    note: str | None = None
    done: bool = False
    # No longer used (stale parcels are one pass over all of them: daemon.store.
    # stories), kept because databases made before have it NOT NULL: a new row
    # without it would be refused there. Columns are only ever added.
    stale_notified: bool = False


class ShipmentOrder(SQLModel, table=True):
    shipment_pk: int = Field(foreign_key="shipment.id", primary_key=True, ondelete="CASCADE")
    order_pk: int = Field(foreign_key="orders.id", primary_key=True, ondelete="CASCADE")


class TimelineEvent(SQLModel, table=True):
    """One line of a shipment's (or an unshipped order's) history."""

    id: int | None = Field(default=None, primary_key=True)
    shipment_pk: int | None = Field(
        default=None, foreign_key="shipment.id", index=True, ondelete="CASCADE"
    )
    order_pk: int | None = Field(
        default=None, foreign_key="orders.id", index=True, ondelete="CASCADE"
    )
    milestone: str
    source: str
    description: str | None = None
    eta_start: date | None = None
    eta_end: date | None = None
    message_pk: int | None = Field(default=None, foreign_key="processedmessage.id")
    occurred_at: datetime = _when()
    recorded_at: datetime = _when()


class Notification(SQLModel, table=True):
    """A milestone to tell the user about; `dedupe_key` makes it unique per
    (shipment or order, milestone, occurrence)."""

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(unique=True)
    shipment_pk: int | None = Field(default=None, foreign_key="shipment.id", ondelete="CASCADE")
    order_pk: int | None = Field(default=None, foreign_key="orders.id", ondelete="CASCADE")
    milestone: str
    occurrence: int
    account: str | None = None
    title: str
    body: str
    # What the notification is about (notify_text.Facts as JSON): rendered per
    # target at sending time, in its format, with the templates then in force.
    facts: dict[str, Any] | None = _json(default=None)
    created_at: datetime = _when()


class Delivery(SQLModel, table=True):
    """One notification for one target: the outbox row the notifier works on.

    status: pending (due at next_attempt_at), sending (claimed; found at start-up
    it means the process died mid-send), sent, failed (gave up, last_error says
    why), no_match (routing found no target; target is "-")."""

    __table_args__ = (
        sa.UniqueConstraint("notification_pk", "target"),
        sa.Index("ix_delivery_due", "status", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    notification_pk: int = Field(foreign_key="notification.id", ondelete="CASCADE")
    target: str
    status: str = "pending"
    attempts: int = 0
    next_attempt_at: datetime = _when()
    last_error: str | None = None
    sent_at: datetime | None = _when(default=None)


class HomeAssistantEvent(SQLModel, table=True):
    """A milestone entered by a shipment, as told to Home Assistant (daemon.mqtt):
    unique per (shipment, milestone, occurrence), so a restart never fires it
    again. `fired` is false for one that was history when first seen (older than
    [mqtt] event_max_age, or superseded by a later occurrence): recorded, not fired."""

    __tablename__ = "homeassistant_event"
    __table_args__ = (sa.UniqueConstraint("shipment_pk", "milestone", "occurrence"),)
    id: int | None = Field(default=None, primary_key=True)
    shipment_pk: int = Field(foreign_key="shipment.id", index=True, ondelete="CASCADE")
    milestone: str
    occurrence: int
    fired: bool
    recorded_at: datetime = _when()
