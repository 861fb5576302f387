"""Frozen views built from rows: a shipment or order with its orders,
shipments, timeline and carrier-check schedule, read in the caller's session."""

from __future__ import annotations

from sqlmodel import Session, col, select

from daemon.store.recorder import UNREAD, load_state
from daemon.store.tables import CarrierCheck, Order, Shipment, ShipmentOrder, TimelineEvent
from daemon.store.views import CheckView, OrderView, ShipmentView, TimelineLine
from parsers.model import Eta, Milestone


def _pk(value: int | None) -> int:
    assert value is not None
    return value


def _timeline(
    session: Session, *, shipment_pk: int | None, order_pk: int | None
) -> tuple[TimelineLine, ...]:
    query = select(TimelineEvent)
    if shipment_pk is not None:
        query = query.where(TimelineEvent.shipment_pk == shipment_pk)
    else:
        query = query.where(TimelineEvent.order_pk == order_pk)
    rows = session.exec(query.order_by(col(TimelineEvent.occurred_at), col(TimelineEvent.id)))
    return tuple(
        TimelineLine(
            occurred_at=row.occurred_at,
            milestone=Milestone(row.milestone) if row.milestone != UNREAD else None,
            source=row.source,
            description=row.description,
            eta=Eta.between(row.eta_start, row.eta_end),
        )
        for row in rows
    )


def shipment_view(session: Session, row: Shipment) -> ShipmentView:
    orders = session.exec(
        select(Order.order_id)
        .join(ShipmentOrder, col(ShipmentOrder.order_pk) == col(Order.id))
        .where(ShipmentOrder.shipment_pk == row.id)
        .order_by(col(Order.id))
    ).all()
    state = load_state(row)
    check = session.exec(select(CarrierCheck).where(CarrierCheck.shipment_pk == row.id)).first()
    return ShipmentView(
        pk=_pk(row.id),
        order_ids=tuple(orders),
        marketplace=row.marketplace,
        status=state.status,
        carrier=row.carrier,
        tracking_number=row.tracking_number,
        amazon_shipment_id=row.amazon_shipment_id,
        package_index=row.package_index,
        eta=state.eta,
        item_titles=tuple(str(item["title"]) for item in row.items),
        label=row.label,
        pickup_code=row.pickup_code,
        delivery_photo_url=row.delivery_photo_url,
        delivered_at=row.delivered_at,
        updated_at=row.updated_at,
        timeline=_timeline(session, shipment_pk=row.id, order_pk=None),
        carrier_check=_check_view(check),
        occurrences=tuple(state.occurrences.items()),
        created_at=row.created_at,
        pickup_location=row.pickup_location,
        pickup_deadline=row.pickup_deadline,
        delivery_code=row.delivery_code,
        delivery_location=row.delivery_location,
        account=row.account,
        archived_at=row.archived_at,
    )


def _check_view(check: CarrierCheck | None) -> CheckView | None:
    if check is None:
        return None
    return CheckView(check.backend, check.last_checked_at, check.next_check_at, check.note)


def order_view(session: Session, row: Order) -> OrderView:
    shipments = session.exec(
        select(Shipment)
        .join(ShipmentOrder, col(ShipmentOrder.shipment_pk) == col(Shipment.id))
        .where(ShipmentOrder.order_pk == row.id)
        .order_by(col(Shipment.id))
    ).all()
    state = load_state(row)
    return OrderView(
        order_id=row.order_id,
        marketplace=row.marketplace,
        status=state.status,
        placed_at=row.placed_at,
        eta=state.eta,
        item_titles=tuple(str(item["title"]) for item in row.items),
        timeline=_timeline(session, shipment_pk=None, order_pk=row.id),
        shipments=tuple(shipment_view(session, shipment) for shipment in shipments),
        account=row.account,
        archived_at=row.archived_at,
    )
