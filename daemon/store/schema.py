"""The schema, in SQLAlchemy Core: the one place tables, columns and indexes
are declared.

Core and not the ORM, so that the commands that only read (`list`, `show`,
`status`) load neither sqlmodel, pydantic nor the ORM: they query these tables
directly. The writers' row classes (daemon.store.tables) map onto the same
tables. A change here needs a migration (daemon/store/migrations/versions/).

Two partial indexes keep everyday queries proportional to what is active, not
to the history: `ix_shipment_travelling` holds the shipments still on their
way (not finished, not archived), which `list`, the digest and the carrier
checks read; `ix_shipment_ended` those finished and not yet archived, which
housekeeping and the recently-delivered list read. Their conditions are the
expressions TRAVELLING and ENDED below, used verbatim by the queries (SQLite
uses a partial index only when the query repeats its condition).

Every index on `shipment` is paid for by archiving: PostgreSQL writes each
archived shipment as a new row version, with an entry in every index that
holds it (the two above do not: an archived row leaves them). So the indexes
by tracking number and by Amazon shipment id hold only the shipments that
have one (they are only ever probed for a value; many Amazon parcels have no
tracking number, a parcel added by hand no Amazon id), and there is no index
on every shipment's `updated_at`: the queries ordered by it over all
shipments (`list --all`, the web search) read every row anyway and sort as
fast without one, and the web page's change stamp counts every row.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData()

# How a parcel's story ends: after one of these nothing is checked or shown as
# active any more (housekeeping archives it some days later).
FINISHED = ("delivered", "returned", "cancelled")


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


def _pk() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def _text(name: str, *, nullable: bool = True, **kwargs: object) -> sa.Column[str]:
    return sa.Column(name, sa.String, nullable=nullable, **kwargs)  # type: ignore[arg-type]


def _when(name: str, *, nullable: bool = True, **kwargs: object) -> sa.Column[datetime]:
    return sa.Column(name, UTCDateTime, nullable=nullable, **kwargs)  # type: ignore[arg-type]


def _flag(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean, nullable=False, server_default=sa.false())


def _ref(name: str, target: str, *, nullable: bool = True, **kwargs: object) -> sa.Column[int]:
    return sa.Column(
        name,
        sa.Integer,
        sa.ForeignKey(target, ondelete="CASCADE"),
        nullable=nullable,
        **kwargs,  # type: ignore[arg-type]
    )


def _tracked() -> list[sa.Column[Any]]:
    """The state-machine columns orders and shipments share."""
    columns: list[sa.Column[Any]] = [
        _text("progress"),
        _text("side"),
        _text("account"),  # the mail account it was first read from, for routing
        _text("after_sale"),
        sa.Column("eta_start", sa.Date),
        sa.Column("eta_end", sa.Date),
        sa.Column("occurrences", sa.JSON, nullable=False),
        sa.Column("items", sa.JSON, nullable=False),
        _when("created_at", nullable=False),
        _when("updated_at", nullable=False),
    ]
    return columns


mailboxcursor = sa.Table(
    "mailboxcursor",
    metadata,
    _pk(),
    _text("account", nullable=False),
    _text("folder", nullable=False),
    sa.Column("uidvalidity", sa.Integer),
    sa.Column("last_uid", sa.Integer, nullable=False),
    _when("updated_at", nullable=False),
    sa.UniqueConstraint("account", "folder"),
)

accountstatus = sa.Table(
    "accountstatus",
    metadata,
    _pk(),
    _text("account", nullable=False, unique=True),
    _when("last_success_at"),
    _text("last_error"),
    _when("last_error_at"),
    _text("waiting"),
    _text("waiting_fix"),
)

# One row per running set of mail accounts (`scope`, their sorted names): two
# daemons may share a database when they read different accounts.
daemonrecord = sa.Table(
    "daemonrecord",
    metadata,
    _pk(),
    sa.Column("pid", sa.Integer, nullable=False),
    _text("host", nullable=False),
    _when("started_at", nullable=False),
    _when("heartbeat_at", nullable=False),
    _when("stopped_at"),
    _text("reload_command", nullable=False),
    _text("scope", nullable=False, server_default=""),
    sa.Index("ix_daemonrecord_scope", "scope", unique=True),
)

processedmessage = sa.Table(
    "processedmessage",
    metadata,
    _pk(),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    _text("message_id", index=True),
    _text("source", nullable=False),
    _text("location", nullable=False),
    _text("subject", nullable=False),
    _text("sender", nullable=False),
    _when("sent_at"),
    _text("parser"),
    _text("error"),
    sa.Column("event_count", sa.Integer, nullable=False),
    sa.Column("parse_seconds", sa.Float),
    _when("processed_at", nullable=False),
)

orders = sa.Table(
    "orders",
    metadata,
    *_tracked(),
    _pk(),
    _text("order_id", nullable=False, unique=True),
    _text("marketplace"),
    _when("placed_at"),
    # Set by `parcelwatch archive` (with its shipments): left out of `list`.
    _when("archived_at"),
    # Set once a shipment belongs to the order: `list` shows only the others.
    _flag("shipped"),
)

shipment = sa.Table(
    "shipment",
    metadata,
    *_tracked(),
    _pk(),
    _text("carrier"),
    # Stored normalised (upper case, no spaces: reads.normal_number), so a lookup
    # is an index probe (the indexes hold only the shipments that have one).
    _text("tracking_number"),
    _text("amazon_shipment_id"),
    sa.Column("package_index", sa.Integer),
    _text("marketplace"),
    _text("label"),
    _text("pickup_code"),
    _text("pickup_location"),
    sa.Column("pickup_deadline", sa.Date),
    _text("delivery_code"),
    _text("delivery_location"),
    _text("delivery_photo_url"),
    _when("delivered_at"),
    _when("last_event_at"),
    # Set by housekeeping some days after the parcel's story ended: left out of
    # `list --all`, the digest and `status`; `show` still finds it.
    _when("archived_at"),
    # progress is one of FINISHED: delivered, returned or cancelled.
    _flag("finished"),
)

# The partial indexes' conditions (see the module's docstring).
TRAVELLING = sa.and_(shipment.c.finished == sa.false(), shipment.c.archived_at.is_(None))
ENDED = sa.and_(shipment.c.finished == sa.true(), shipment.c.archived_at.is_(None))
UNSHIPPED = orders.c.shipped == sa.false()

# Their conditions are given to the index in the dialect in use (where_for):
# naming a dialect's option loads its module, and PostgreSQL's costs a command
# that only reads a SQLite file 40 ms.
_PARTIAL = (
    (sa.Index("ix_shipment_travelling", shipment.c.updated_at), TRAVELLING),
    (sa.Index("ix_shipment_ended", shipment.c.updated_at), ENDED),
    (sa.Index("ix_orders_unshipped", orders.c.updated_at), UNSHIPPED),
    *(
        (sa.Index(f"ix_shipment_{column.name}", column), column.is_not(None))
        for column in (shipment.c.tracking_number, shipment.c.amazon_shipment_id)
    ),
)
sa.Index("ix_orders_updated_at", orders.c.updated_at)


def where_for(dialect: str) -> None:
    """Give the partial indexes their conditions in `dialect`'s terms
    ("sqlite" or "postgresql"; others get plain indexes). Called when an
    engine is opened, before tables are made or compared."""
    if dialect not in ("sqlite", "postgresql"):
        return
    for index, condition in _PARTIAL:
        index.dialect_kwargs[f"{dialect}_where"] = condition


unreademail = sa.Table(
    "unreademail",
    metadata,
    _pk(),
    _ref("message_pk", "processedmessage.id", nullable=False, unique=True),
    _text("parser"),
    _text("marketplace"),
    sa.Column("order_ids", sa.JSON, nullable=False),
    sa.Column("raw", sa.LargeBinary),
    _when("announced_at", index=True),
    _when("recorded_at", nullable=False),
)

carriercheck = sa.Table(
    "carriercheck",
    metadata,
    _pk(),
    _ref("shipment_pk", "shipment.id", nullable=False, unique=True),
    _when("next_check_at", index=True),
    _when("last_checked_at"),
    _text("backend"),
    _text("status_text"),
    _text("note"),
    sa.Column("done", sa.Boolean, nullable=False),
    sa.Column("stale_notified", sa.Boolean, nullable=False),
)

shipmentorder = sa.Table(
    "shipmentorder",
    metadata,
    _ref("shipment_pk", "shipment.id", nullable=False, primary_key=True),
    _ref("order_pk", "orders.id", nullable=False, primary_key=True),
    sa.Index("ix_shipmentorder_order_pk", "order_pk"),
)

timelineevent = sa.Table(
    "timelineevent",
    metadata,
    _pk(),
    _ref("shipment_pk", "shipment.id", index=True),
    _ref("order_pk", "orders.id", index=True),
    _text("milestone", nullable=False),
    _text("source", nullable=False),
    _text("description"),
    sa.Column("eta_start", sa.Date),
    sa.Column("eta_end", sa.Date),
    sa.Column("message_pk", sa.Integer, sa.ForeignKey("processedmessage.id")),
    _when("occurred_at", nullable=False),
    _when("recorded_at", nullable=False),
)

notification = sa.Table(
    "notification",
    metadata,
    _pk(),
    _text("dedupe_key", nullable=False, unique=True),
    _ref("shipment_pk", "shipment.id"),
    _ref("order_pk", "orders.id"),
    _text("milestone", nullable=False),
    sa.Column("occurrence", sa.Integer, nullable=False),
    _text("account"),
    _text("title", nullable=False),
    _text("body", nullable=False),
    sa.Column("facts", sa.JSON),
    _when("created_at", nullable=False),
)

delivery = sa.Table(
    "delivery",
    metadata,
    _pk(),
    _ref("notification_pk", "notification.id", nullable=False),
    _text("target", nullable=False),
    _text("status", nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    _when("next_attempt_at", nullable=False),
    _text("last_error"),
    _when("sent_at"),
    # Whose claim a "sending" row is (a daemon's set of mail accounts): a daemon
    # starting after a kill takes back its own, never another daemon's sends.
    _text("claimed_by"),
    sa.UniqueConstraint("notification_pk", "target"),
    sa.Index("ix_delivery_due", "status", "next_attempt_at"),
)

homeassistant_event = sa.Table(
    "homeassistant_event",
    metadata,
    _pk(),
    _ref("shipment_pk", "shipment.id", nullable=False, index=True),
    _text("milestone", nullable=False),
    sa.Column("occurrence", sa.Integer, nullable=False),
    sa.Column("fired", sa.Boolean, nullable=False),
    _when("recorded_at", nullable=False),
    sa.UniqueConstraint("shipment_pk", "milestone", "occurrence"),
)
