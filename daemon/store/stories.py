"""When a parcel's story ends without a last chapter: no news for too long
(stale), or the user's own judgement (archived).

A shipment with no news (no dated event, by email or carrier) for
`[carriers] stale_days`, and an order confirmed but never shipped for as long,
becomes stale: recorded in its timeline, notified once (by the state machine:
entering "stale" again needs news in between), and gone from `list`, the digest
and the counts, while `list --all` and `show` keep it. Its evidence is the
moment the silence became too long, so a parcel that went quiet long before
parcelwatch first read its mail is stale without a push, like any history.

`archive` and `unarchive` take an order id, a tracking number or an Amazon
shipment id: an archived parcel leaves `list --all` too and its carrier is no
longer asked; `show` still finds it, and `unarchive` brings it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from daemon.store import schema
from daemon.store.check_rows import save_check
from daemon.store.database import Store
from daemon.store.recorder import Announcer, Recorder, load_state
from daemon.store.rows import OrderRow, Rows, ShipmentRow
from parsers.model import Kind, Milestone

# What a stale parcel's timeline says.
QUIET_LINE = "no news for {days} days"
ARCHIVED_NOTE = "archived (parcelwatch unarchive asks again)"


@dataclass(frozen=True)
class Quiet:
    """What one pass found: parcels and orders that went stale, and the
    notifications queued for them (none for a silence that is history)."""

    shipments: int
    orders: int
    notifications: int


def end_quiet_stories(
    store: Store, announcer: Announcer, now: datetime, stale_after: timedelta
) -> Quiet:
    """Mark stale every shipment and unshipped order, not archived and not yet
    stale or finished, whose last news is `stale_after` old."""
    line = QUIET_LINE.format(days=stale_after.days)
    with store.writing() as connection:
        recorder = Recorder(connection, announcer, now)
        shipments = 0
        for shipment in _travelling(recorder.rows):
            last = shipment.last_event_at or shipment.created_at
            if now - last >= stale_after:
                recorder.went_quiet(shipment, last + stale_after, line)
                shipments += 1
        orders = 0
        for order, last in _waiting_orders(recorder.rows):
            if now - last >= stale_after:
                recorder.went_quiet(order, last + stale_after, line)
                orders += 1
        queued = recorder.queued
    if shipments or orders:
        store.changed()
    return Quiet(shipments, orders, queued)


def _travelling(rows: Rows) -> list[ShipmentRow]:
    ship = schema.shipment
    shown = sa.func.coalesce(ship.c.side, ship.c.progress, "")
    ended = [m.value for m in Milestone if m.kind is Kind.TERMINAL] + [Milestone.STALE.value]
    found = rows.shipments(
        sa.select(ship)
        .where(schema.TRAVELLING)  # the partial index: the history is not read
        .where(ship.c.archived_at.is_(None), ship.c.after_sale.is_(None))
        .where(shown.not_in(ended))
        .order_by(ship.c.id)
    )
    return [row for row in found if not load_state(row).terminal]


def _waiting_orders(rows: Rows) -> list[tuple[OrderRow, datetime]]:
    """Orders confirmed (or known only from an email) and never shipped, with
    the time of their last news: their latest timeline line, else when placed."""
    orders, line = schema.orders, schema.timelineevent
    found = rows.orders(
        sa.select(orders)
        .where(schema.UNSHIPPED, orders.c.archived_at.is_(None))  # a partial index
        .where(orders.c.side.is_(None), orders.c.after_sale.is_(None))
        .where(sa.or_(orders.c.progress.is_(None), orders.c.progress == Milestone.ORDERED.value))
        .order_by(orders.c.id)
    )
    waiting = []
    for order in found:
        latest = rows.scalar(
            sa.select(sa.func.max(line.c.occurred_at)).where(line.c.order_pk == order.id)
        )
        waiting.append((order, _aware(latest) or order.placed_at or order.created_at))
    return waiting


def _aware(value: datetime | None) -> datetime | None:
    """An aggregate bypasses the column's type: SQLite hands back a naive UTC
    time (or its text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


# --- by hand ------------------------------------------------------------------------


@dataclass(frozen=True)
class Archived:
    """What `archive` or `unarchive` changed: how many shipments and orders."""

    shipments: int
    orders: int


def set_archived(store: Store, reference: str, when: datetime | None) -> Archived | None:
    """Archive (at `when`) or bring back (None) the order `reference` with its
    shipments, or the shipments with that tracking number or Amazon shipment
    id; None when nothing is known by that name."""
    orders, ship, link = schema.orders, schema.shipment, schema.shipmentorder
    with store.writing() as connection:
        rows = Rows(connection)
        found = rows.orders(sa.select(orders).where(orders.c.order_id == reference.strip()))
        if found:
            shipments = rows.shipments(
                sa.select(ship)
                .join(link, link.c.shipment_pk == ship.c.id)
                .where(link.c.order_pk == found[0].id)
            )
        else:
            shipments = _by_number(rows, reference)
        if not found and not shipments:
            return None
        for row in (*found, *shipments):
            row.archived_at = when
        rows.save()
        for shipment in shipments:
            assert shipment.id is not None
            _carrier_asked(connection, shipment.id, archived=when is not None)
    store.changed()
    return Archived(len(shipments), len(found))


def _by_number(rows: Rows, reference: str) -> list[ShipmentRow]:
    normalised = "".join(reference.split()).upper()
    ship = schema.shipment
    return rows.shipments(
        sa.select(ship).where(
            sa.or_(
                sa.func.upper(ship.c.tracking_number) == normalised,
                ship.c.amazon_shipment_id == reference.strip(),
            )
        )
    )


def _carrier_asked(connection: Connection, shipment_pk: int, *, archived: bool) -> None:
    """An archived parcel's carrier is not asked any more; brought back, it is
    asked at the next check (a finished one never again)."""
    check = schema.carriercheck
    note = connection.execute(
        sa.select(check.c.note).where(check.c.shipment_pk == shipment_pk)
    ).first()
    if archived:
        save_check(connection, shipment_pk, {"next_check_at": None, "done": True,
                                             "note": ARCHIVED_NOTE})  # fmt: skip
    elif note is not None and note[0] == ARCHIVED_NOTE:
        save_check(connection, shipment_pk, {"done": False, "note": None})
