"""Everyday queries that scale with what is active, not with the history:
flags for finished shipments and shipped orders with partial indexes on them,
shipmentorder by order, tracking numbers stored normalised, and one daemon row
per set of mail accounts, whose claims on deliveries are its own."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_FINISHED = ("delivered", "returned", "cancelled")


def _flag(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean, nullable=False, server_default=sa.false())


def upgrade() -> None:
    op.add_column("shipment", _flag("finished"))
    op.add_column("orders", _flag("shipped"))
    op.add_column("daemonrecord", sa.Column("scope", sa.String, nullable=False,
                                            server_default=""))  # fmt: skip
    op.add_column("delivery", sa.Column("claimed_by", sa.String, nullable=True))
    shipment = sa.table(
        "shipment",
        sa.column("id", sa.Integer),
        sa.column("progress", sa.String),
        sa.column("tracking_number", sa.String),
        sa.column("finished", sa.Boolean),
        sa.column("archived_at", sa.DateTime),
    )
    orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("shipped", sa.Boolean))
    link = sa.table("shipmentorder", sa.column("order_pk", sa.Integer))
    op.execute(
        shipment.update().where(shipment.c.progress.in_(_FINISHED)).values(finished=sa.true())
    )
    number = shipment.c.tracking_number
    op.execute(
        shipment.update()
        .where(number.is_not(None))
        .values(tracking_number=sa.func.upper(sa.func.replace(number, " ", "")))
    )
    linked = sa.exists().where(link.c.order_pk == orders.c.id)
    op.execute(orders.update().where(linked).values(shipped=sa.true()))
    travelling = sa.and_(shipment.c.finished == sa.false(), shipment.c.archived_at.is_(None))
    ended = sa.and_(shipment.c.finished == sa.true(), shipment.c.archived_at.is_(None))
    unshipped = orders.c.shipped == sa.false()
    for name, table, where in (
        ("ix_shipment_travelling", "shipment", travelling),
        ("ix_shipment_ended", "shipment", ended),
        ("ix_orders_unshipped", "orders", unshipped),
    ):
        op.create_index(name, table, ["updated_at"], sqlite_where=where, postgresql_where=where)
    op.create_index("ix_shipment_updated_at", "shipment", ["updated_at"])
    op.create_index("ix_orders_updated_at", "orders", ["updated_at"])
    op.create_index("ix_shipmentorder_order_pk", "shipmentorder", ["order_pk"])
    op.create_index("ix_daemonrecord_scope", "daemonrecord", ["scope"], unique=True)
