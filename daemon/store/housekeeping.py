"""Daily housekeeping: archive parcels whose story ended some days ago, and
keep the SQLite file from growing without bound.

Archiving hides a shipment from `list --all`, the digest and the status count;
its rows stay (so `show` and re-read mail still find it, and nothing is ever
notified twice) and its carrier schedule is dropped.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, delete, select

from daemon.store.database import Store
from daemon.store.tables import CarrierCheck, Shipment

log = logging.getLogger(__name__)

FINISHED = ("delivered", "returned", "cancelled")


def archive_finished(store: Store, now: datetime, after_days: int) -> int:
    """Archive shipments finished (delivered, returned, cancelled) with no news
    for `after_days`; returns how many."""
    cutoff = now - timedelta(days=after_days)
    with store.transaction() as session:
        rows = session.exec(
            select(Shipment)
            .where(col(Shipment.archived_at).is_(None))
            .where(col(Shipment.progress).in_(FINISHED))
            .where(col(Shipment.updated_at) < cutoff)
        ).all()
        for row in rows:
            row.archived_at = now
            session.add(row)
        pks = [row.id for row in rows]
        if pks:
            session.execute(delete(CarrierCheck).where(col(CarrierCheck.shipment_pk).in_(pks)))
    if rows:
        log.info("archived %d finished shipment(s) older than %d days", len(rows), after_days)
        store.changed()
    return len(rows)


def tidy_database(store: Store) -> None:
    """SQLite only: fold the write-ahead log back into the file and let the
    query planner refresh its statistics."""
    if not store.url.startswith("sqlite"):
        return
    with store.engine.connect() as connection:
        connection.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        connection.execute(sa.text("PRAGMA optimize"))


def run(store: Store, now: datetime, after_days: int) -> int:
    archived = archive_finished(store, now, after_days)
    tidy_database(store)
    return archived
