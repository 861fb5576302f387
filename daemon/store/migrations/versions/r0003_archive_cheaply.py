"""Archiving touches fewer indexes. On PostgreSQL archiving a shipment writes
a new version of its row, with an entry in every index that holds it: the
index on every shipment's updated_at goes (no query needed it), and the
indexes by tracking number and by Amazon shipment id keep only the shipments
that have one (a look-up is always for a value). See daemon.store.schema."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_shipment_updated_at", table_name="shipment")
    for name in ("tracking_number", "amazon_shipment_id"):
        index = f"ix_shipment_{name}"
        present = sa.column(name).is_not(None)
        op.drop_index(index, table_name="shipment")
        op.create_index(index, "shipment", [name], sqlite_where=present, postgresql_where=present)
