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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from daemon.store import schema
from daemon.store.database import Store
from daemon.store.recorder import Announcer, Recorder, load_state
from daemon.store.tables import CarrierCheck, Order, Shipment, ShipmentOrder, TimelineEvent
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
    with store.transaction() as session:
        recorder = Recorder(session, announcer, now)
        shipments = 0
        for shipment in _travelling(session):
            last = shipment.last_event_at or shipment.created_at
            if now - last >= stale_after:
                recorder.went_quiet(shipment, last + stale_after, line)
                shipments += 1
        orders = 0
        for order, last in _waiting_orders(session):
            if now - last >= stale_after:
                recorder.went_quiet(order, last + stale_after, line)
                orders += 1
        queued = recorder.queued
    if shipments or orders:
        store.changed()
    return Quiet(shipments, orders, queued)


def _travelling(session: Session) -> Sequence[Shipment]:
    shown = sa.func.coalesce(Shipment.side, Shipment.progress, "")
    ended = [m.value for m in Milestone if m.kind is Kind.TERMINAL] + [Milestone.STALE.value]
    rows = session.exec(
        select(Shipment)
        .where(schema.TRAVELLING)  # the partial index: the history is not read
        .where(col(Shipment.archived_at).is_(None), col(Shipment.after_sale).is_(None))
        .where(shown.not_in(ended))
        .order_by(col(Shipment.id))
    ).all()
    return [row for row in rows if not load_state(row).terminal]


def _waiting_orders(session: Session) -> list[tuple[Order, datetime]]:
    """Orders confirmed (or known only from an email) and never shipped, with
    the time of their last news: their latest timeline line, else when placed."""
    rows = session.exec(
        select(Order)
        .where(schema.UNSHIPPED, col(Order.archived_at).is_(None))  # a partial index
        .where(col(Order.side).is_(None), col(Order.after_sale).is_(None))
        .where(
            sa.or_(col(Order.progress).is_(None), col(Order.progress) == Milestone.ORDERED.value)
        )
        .order_by(col(Order.id))
    ).all()
    found = []
    for order in rows:
        latest = session.exec(
            select(sa.func.max(TimelineEvent.occurred_at)).where(TimelineEvent.order_pk == order.id)
        ).one()
        found.append((order, _aware(latest) or order.placed_at or order.created_at))
    return found


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
    with store.transaction() as session:
        order = session.exec(select(Order).where(Order.order_id == reference.strip())).first()
        orders = [order] if order is not None else []
        if order is not None:
            shipments = list(
                session.exec(
                    select(Shipment)
                    .join(ShipmentOrder, col(ShipmentOrder.shipment_pk) == col(Shipment.id))
                    .where(ShipmentOrder.order_pk == order.id)
                ).all()
            )
        else:
            shipments = _by_number(session, reference)
        if not orders and not shipments:
            return None
        for row in (*orders, *shipments):
            row.archived_at = when
            session.add(row)
        for shipment in shipments:
            _carrier_asked(session, shipment, archived=when is not None)
    store.changed()
    return Archived(len(shipments), len(orders))


def _by_number(session: Session, reference: str) -> list[Shipment]:
    normalised = "".join(reference.split()).upper()
    return list(
        session.exec(
            select(Shipment).where(
                sa.or_(
                    sa.func.upper(Shipment.tracking_number) == normalised,
                    col(Shipment.amazon_shipment_id) == reference.strip(),
                )
            )
        ).all()
    )


def _carrier_asked(session: Session, shipment: Shipment, *, archived: bool) -> None:
    """An archived parcel's carrier is not asked any more; brought back, it is
    asked at the next check (a finished one never again)."""
    query = select(CarrierCheck).where(CarrierCheck.shipment_pk == shipment.id)
    check = session.exec(query).first()
    if check is None:
        if not archived:
            return
        assert shipment.id is not None
        check = CarrierCheck(shipment_pk=shipment.id)
    if archived:
        check.next_check_at, check.done, check.note = None, True, ARCHIVED_NOTE
    elif check.note == ARCHIVED_NOTE:
        check.done, check.note = False, None
    session.add(check)
