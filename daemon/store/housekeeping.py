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

from daemon.store import schema
from daemon.store.database import Store

log = logging.getLogger(__name__)


def archive_finished(store: Store, now: datetime, after_days: int) -> int:
    """Archive shipments finished (delivered, returned, cancelled) with no news
    for `after_days`; returns how many. One UPDATE over the finished shipments
    not yet archived (a partial index), and their carrier schedules dropped."""
    cutoff = now - timedelta(days=after_days)
    ship, check = schema.shipment, schema.carriercheck
    with store.writing() as connection:
        archived = connection.execute(
            ship.update().where(schema.ENDED, ship.c.updated_at < cutoff).values(archived_at=now)
        ).rowcount
        if archived:  # the schedules are few: each is probed against its shipment
            gone = sa.exists().where(
                ship.c.id == check.c.shipment_pk, ship.c.archived_at.is_not(None)
            )
            connection.execute(check.delete().where(gone))
    if archived:
        log.info("archived %d finished shipment(s) older than %d days", archived, after_days)
        store.changed()
    return int(archived)


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
