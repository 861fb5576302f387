"""The schema as parcelwatch made it before migrations (its tables and the
columns added by hand since), frozen here: a database without a revision is
brought to it, whatever older version made it, by creating what it lacks."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from daemon.store.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def _s(name: str, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.String, nullable=nullable)


def _t(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, UTCDateTime, nullable=nullable)


def _fk(name: str, target: str, nullable: bool = True, **kw: object) -> sa.Column[int]:
    return sa.Column(
        name,
        sa.Integer,
        sa.ForeignKey(target, ondelete="CASCADE"),
        nullable=nullable,
        **kw,  # type: ignore[arg-type]
    )


def _tracked() -> list[sa.Column[Any]]:
    return [
        _s("progress"), _s("side"), _s("account"), _s("after_sale"),
        sa.Column("eta_start", sa.Date), sa.Column("eta_end", sa.Date),
        sa.Column("occurrences", sa.JSON, nullable=False),
        sa.Column("items", sa.JSON, nullable=False),
        _t("created_at", False), _t("updated_at", False),
    ]  # fmt: skip


def baseline() -> sa.MetaData:
    """The tables of the baseline, in the order they can be created."""
    md = sa.MetaData()
    sa.Table("mailboxcursor", md, _id(), _s("account", False), _s("folder", False),
             sa.Column("uidvalidity", sa.Integer), sa.Column("last_uid", sa.Integer,
             nullable=False), _t("updated_at", False),
             sa.UniqueConstraint("account", "folder"))  # fmt: skip
    sa.Table("accountstatus", md, _id(), sa.Column("account", sa.String, nullable=False,
             unique=True), _t("last_success_at"), _s("last_error"), _t("last_error_at"),
             _s("waiting"), _s("waiting_fix"))  # fmt: skip
    sa.Table("daemonrecord", md, _id(), sa.Column("pid", sa.Integer, nullable=False),
             _s("host", False), _t("started_at", False), _t("heartbeat_at", False),
             _t("stopped_at"), _s("reload_command", False))  # fmt: skip
    sa.Table("processedmessage", md, _id(), sa.Column("sha256", sa.String(64), nullable=False,
             unique=True), sa.Column("message_id", sa.String, index=True),
             _s("source", False), _s("location", False), _s("subject", False),
             _s("sender", False), _t("sent_at"), _s("parser"), _s("error"),
             sa.Column("event_count", sa.Integer, nullable=False),
             sa.Column("parse_seconds", sa.Float), _t("processed_at", False))  # fmt: skip
    sa.Table("orders", md, *_tracked(), _id(), sa.Column("order_id", sa.String,
             nullable=False, unique=True), _s("marketplace"), _t("placed_at"),
             _t("archived_at"))  # fmt: skip
    sa.Table("shipment", md, *_tracked(), _id(), _s("carrier"),
             sa.Column("tracking_number", sa.String, index=True),
             sa.Column("amazon_shipment_id", sa.String, index=True),
             sa.Column("package_index", sa.Integer), _s("marketplace"), _s("label"),
             _s("pickup_code"), _s("pickup_location"), sa.Column("pickup_deadline", sa.Date),
             _s("delivery_code"), _s("delivery_location"), _s("delivery_photo_url"),
             _t("delivered_at"), _t("last_event_at"), _t("archived_at"))  # fmt: skip
    sa.Table("unreademail", md, _id(), _fk("message_pk", "processedmessage.id", False,
             unique=True), _s("parser"), _s("marketplace"),
             sa.Column("order_ids", sa.JSON, nullable=False), sa.Column("raw", sa.LargeBinary),
             sa.Column("announced_at", UTCDateTime, index=True),
             _t("recorded_at", False))  # fmt: skip
    sa.Table("carriercheck", md, _id(), _fk("shipment_pk", "shipment.id", False, unique=True),
             sa.Column("next_check_at", UTCDateTime, index=True), _t("last_checked_at"),
             _s("backend"), _s("status_text"), _s("note"),
             sa.Column("done", sa.Boolean, nullable=False),
             sa.Column("stale_notified", sa.Boolean, nullable=False))  # fmt: skip
    sa.Table("shipmentorder", md, _fk("shipment_pk", "shipment.id", False, primary_key=True),
             _fk("order_pk", "orders.id", False, primary_key=True))  # fmt: skip
    sa.Table("timelineevent", md, _id(), _fk("shipment_pk", "shipment.id", index=True),
             _fk("order_pk", "orders.id", index=True), _s("milestone", False),
             _s("source", False), _s("description"), sa.Column("eta_start", sa.Date),
             sa.Column("eta_end", sa.Date),
             sa.Column("message_pk", sa.Integer, sa.ForeignKey("processedmessage.id")),
             _t("occurred_at", False), _t("recorded_at", False))  # fmt: skip
    sa.Table("notification", md, _id(), sa.Column("dedupe_key", sa.String, nullable=False,
             unique=True), _fk("shipment_pk", "shipment.id"), _fk("order_pk", "orders.id"),
             _s("milestone", False), sa.Column("occurrence", sa.Integer, nullable=False),
             _s("account"), _s("title", False), _s("body", False), sa.Column("facts", sa.JSON),
             _t("created_at", False))  # fmt: skip
    sa.Table("homeassistant_event", md, _id(), _fk("shipment_pk", "shipment.id", False,
             index=True), _s("milestone", False),
             sa.Column("occurrence", sa.Integer, nullable=False),
             sa.Column("fired", sa.Boolean, nullable=False), _t("recorded_at", False),
             sa.UniqueConstraint("shipment_pk", "milestone", "occurrence"))  # fmt: skip
    sa.Table("delivery", md, _id(), _fk("notification_pk", "notification.id", False),
             _s("target", False), _s("status", False),
             sa.Column("attempts", sa.Integer, nullable=False),
             _t("next_attempt_at", False), _s("last_error"), _t("sent_at"),
             sa.UniqueConstraint("notification_pk", "target"),
             sa.Index("ix_delivery_due", "status", "next_attempt_at"))  # fmt: skip
    return md


def upgrade() -> None:
    """Create the tables a database lacks (all of them when it is new), then
    the columns added to existing tables since they were first made (all
    nullable: columns were only ever added)."""
    connection = op.get_bind()
    md = baseline()
    md.create_all(connection, checkfirst=True)
    inspector = sa.inspect(connection)
    for table in md.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present:
                op.add_column(table.name, sa.Column(column.name, column.type))
