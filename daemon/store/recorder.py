"""Recording one parsed email: orders, shipments, timeline, outbox, all or nothing.

The store opens the transaction and hands its connection here; everything this
module writes for one message commits together or not at all. Orders and
shipments are daemon.store.rows objects (Core, no ORM: see there why). Which shipment an
event belongs to is decided here, by the best identity the event offers:
tracking number, then Amazon's shipment id, then order id and package index.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from daemon import state as machine
from daemon.store import schema
from daemon.store.assembly import UNREAD
from daemon.store.keys import Keys
from daemon.store.queueing import add_deliveries, delivery_rows
from daemon.store.reads import normal_number
from daemon.store.rows import (
    OrderRow,
    Rows,
    ShipmentRow,
    TrackedRow,
    new_order,
    new_shipment,
)
from daemon.store.schema import FINISHED
from daemon.store.views import Snapshot
from parsers.model import Eta, Item, Kind, Milestone, ShipmentEvent, Unread

__all__ = ["UNREAD", "Announcer", "Recorder", "add_deliveries", "load_state"]

UNREAD_LINE = "Amazon sent an email parcelwatch could not read"
# The timeline's source for what parcelwatch itself concluded (a parcel gone quiet).
QUIET = "parcelwatch"


class Announcer(Protocol):
    """What recording asks when an event is news: whether its milestone is
    announced, to which targets, and the headline kept with the outbox row.
    The notify package answers (daemon.notify.routing.Announcements); the
    store only asks, so it knows nothing of routes, formats or Apprise."""

    @property
    def has_targets(self) -> bool: ...

    def notifies(self, milestone: Milestone) -> bool: ...

    def is_news(self, evidence: datetime | None, now: datetime) -> bool:
        """Whether a milestone that happened at `evidence` (None: unknown) is
        still news at `now`; history is recorded, never queued."""
        ...

    def targets_for(self, milestone: Milestone, account: str | None) -> tuple[str, ...]: ...

    def no_match_reason(self, milestone: Milestone, account: str | None) -> str: ...

    def headline(self, snapshot: Snapshot, now: datetime) -> tuple[str, str]: ...


def load_state(row: TrackedRow) -> machine.ShipmentState:
    eta = Eta.between(row.eta_start, row.eta_end)
    return machine.ShipmentState(
        progress=Milestone(row.progress) if row.progress else None,
        side=Milestone(row.side) if row.side else None,
        after_sale=Milestone(row.after_sale) if row.after_sale else None,
        eta=eta,
        occurrences={Milestone(k): v for k, v in row.occurrences.items()},
    )


def _save_state(row: TrackedRow, new: machine.ShipmentState, now: datetime) -> None:
    row.progress = new.progress.value if new.progress else None
    row.side = new.side.value if new.side else None
    row.after_sale = new.after_sale.value if new.after_sale else None
    row.eta_start = new.eta.start if new.eta else None
    row.eta_end = new.eta.end if new.eta else None
    row.occurrences = {m.value: n for m, n in new.occurrences.items()}
    row.updated_at = now
    if isinstance(row, ShipmentRow):
        row.finished = row.progress in FINISHED


class Recorder:
    """Applies events to the database within one transaction."""

    def __init__(
        self, connection: Connection, announcer: Announcer, now: datetime,
        account: str | None = None, keys: Keys | None = None, *, single: bool = False,
    ) -> None:  # fmt: skip
        self.connection = connection
        self.rows = Rows(connection, keys, single=single)  # single: see Rows
        self.announcer = announcer
        self.now = now
        self.account = account  # the mail account the message came from
        self.queued = 0  # notifications added, for the caller's tally
        # Milestones that would have been notified but were history (their
        # evidence older than [notify] max_age): recorded, not queued.
        self.history = 0
        # Rows this recorder made: nothing in the database refers to them yet,
        # so the lookups that would find their links or notifications are skipped.
        self._made: set[TrackedRow] = set()
        self._linked: set[OrderRow] = set()  # orders this recorder linked a shipment to

    def record(self, event: ShipmentEvent, source: str, message_pk: int | None) -> None:
        orders = [self._order(oid, event) for oid in event.order_ids]
        if event.milestone.order_level:
            self._order_event(orders, event, source, message_pk)
        else:
            shipment = self._shipment(event, orders)
            self._update_shipment(shipment, event)
            self._advance(shipment, event, source, message_pk, orders)
        self.rows.save()

    def record_unread(self, unread: Unread, parser: str | None, when: datetime | None,
                      message_pk: int, raw: bytes | None) -> None:  # fmt: skip
        """An email no rule could read: kept for `status`, `unrecognised` and
        `report`, and noted on the timeline of each order it names."""
        row = {
            "message_pk": message_pk,
            "parser": parser,
            "marketplace": unread.marketplace,
            "order_ids": list(unread.order_ids),
            "raw": raw,
            "announced_at": None,
            "recorded_at": self.now,
        }
        self.rows.insert(schema.unreademail, row)
        for order_id in unread.order_ids:
            order = self._order_row(order_id, unread.marketplace)
            line = _line(UNREAD, "email", UNREAD_LINE, message_pk, when or self.now, self.now)
            self.rows.insert(schema.timelineevent, {**line, "order_pk": self.rows.key(order)})
        self.rows.save()

    def went_quiet(self, row: TrackedRow, when: datetime, description: str) -> None:
        """`row` (a shipment, or an order never shipped) had no news for too
        long: it becomes stale at `when`, the moment the silence became too
        long, which is its evidence, like any milestone's."""
        event = ShipmentEvent(Milestone.STALE, occurred_at=when, description=description)
        if isinstance(row, ShipmentRow):
            orders = self._orders_of(row)
            self._transition(row, event, QUIET, None, orders=orders, shipment=row)
        else:
            self._transition(row, event, QUIET, None, orders=[row], shipment=None)
        self.rows.save()

    # --- orders -----------------------------------------------------------------

    def _order(self, order_id: str, event: ShipmentEvent) -> OrderRow:
        order = self._order_row(order_id, event.marketplace)
        if order in self._made and not event.milestone.order_level:
            order.shipped = True  # a shipment of it follows: one INSERT, no UPDATE after
        if event.milestone is Milestone.ORDERED:
            order.placed_at = order.placed_at or event.occurred_at
            if event.items:
                order.items = _items_json(event.items)
        return order

    def _order_row(self, order_id: str, marketplace: str | None) -> OrderRow:
        """The order with this id, made if it is new."""
        orders = schema.orders
        found = self.rows.orders(sa.select(orders).where(orders.c.order_id == order_id))
        if found:
            return found[0]
        order = new_order(order_id, marketplace, self.account, self.now)
        self.rows.add(order)
        self._made.add(order)
        return order

    def _order_event(
        self, orders: list[OrderRow], event: ShipmentEvent, source: str, message_pk: int | None
    ) -> None:
        for order in orders:
            self._transition(order, event, source, message_pk, orders=[order], shipment=None)
            if event.milestone.kind is Kind.PROGRESS:
                continue
            for shipment in self._shipments_of(order):  # a cancellation ends them too
                new = machine.apply(load_state(shipment), event)
                _save_state(shipment, new.state, self.now)

    # --- shipments --------------------------------------------------------------

    def _shipment(self, event: ShipmentEvent, orders: list[OrderRow]) -> ShipmentRow:
        found = self._by_identity(event, orders)
        if found is None:
            found = self._adoptable(event, orders)
        if found is None:
            account = self.account or next((o.account for o in orders if o.account), None)
            found = new_shipment(event.marketplace, account, self.now)
            self.rows.add(found)
            self._made.add(found)
        for order in orders:
            new = found in self._made or order in self._made
            if new or not self._is_linked(found, order):
                self.rows.link(found, order)
                order.shipped = True
                self._linked.add(order)
        return found

    def _is_linked(self, shipment: ShipmentRow, order: OrderRow) -> bool:
        link = schema.shipmentorder
        query = sa.select(sa.literal(1)).where(
            link.c.shipment_pk == shipment.id, link.c.order_pk == order.id
        )
        return self.rows.scalar(query) is not None

    def _by_identity(self, event: ShipmentEvent, orders: list[OrderRow]) -> ShipmentRow | None:
        ship = schema.shipment
        number = normal_number(event.tracking_number) if event.tracking_number else None
        wanted = [ship.c.tracking_number == number] if number else []
        if event.shipment_id:
            wanted.append(ship.c.amazon_shipment_id == event.shipment_id)
        if wanted:  # one query for both identities; the tracking number wins
            query = sa.select(ship).where(sa.or_(*wanted)).order_by(ship.c.id)
            hits = self.rows.shipments(query)
            by_number = [h for h in hits if number and h.tracking_number == number]
            if by_number or hits:
                return (by_number or hits)[0]
        if event.package_index is not None:
            for order in orders:
                for shipment in self._shipments_of(order):
                    if shipment.package_index == event.package_index:
                        return shipment
        return None

    def _adoptable(self, event: ShipmentEvent, orders: list[OrderRow]) -> ShipmentRow | None:
        """An existing shipment of the same order that this event must mean: the
        only one when the event carries no identity of its own, else the only one
        that has none yet. With several candidates, item titles decide."""
        has_identity = bool(
            event.tracking_number or event.shipment_id or event.package_index is not None
        )
        candidates: list[ShipmentRow] = []
        for order in orders:
            for shipment in self._shipments_of(order):
                if not has_identity or not _has_identity(shipment):
                    candidates.append(shipment)
        if len(candidates) == 1:
            return candidates[0]
        titles = {item.title for item in event.items}
        matching = [s for s in candidates if titles & {item["title"] for item in s.items}]
        return matching[0] if len(matching) == 1 else None

    def _shipments_of(self, order: OrderRow) -> list[ShipmentRow]:
        if order in self._made and order not in self._linked:
            return []  # made by this recorder, no shipment linked yet
        ship, link = schema.shipment, schema.shipmentorder
        return self.rows.shipments(
            sa.select(ship)
            .join(link, link.c.shipment_pk == ship.c.id)
            .where(link.c.order_pk == order.id)
            .order_by(ship.c.id)
        )

    def _update_shipment(self, shipment: ShipmentRow, event: ShipmentEvent) -> None:
        """Fill in what the shipment did not know; never overwrite with nothing."""
        if event.tracking_number and not shipment.tracking_number:
            shipment.tracking_number = normal_number(event.tracking_number)
        if event.carrier and (not shipment.carrier or event.tracking_number):
            shipment.carrier = event.carrier
        if event.shipment_id and not shipment.amazon_shipment_id:
            shipment.amazon_shipment_id = event.shipment_id
        if event.package_index is not None and shipment.package_index is None:
            shipment.package_index = event.package_index
        if event.items:
            shipment.items = _items_json(event.items)
        shipment.pickup_code = event.pickup_code or shipment.pickup_code
        shipment.pickup_location = event.pickup_location or shipment.pickup_location
        shipment.pickup_deadline = event.pickup_deadline or shipment.pickup_deadline
        shipment.delivery_code = event.delivery_code or shipment.delivery_code
        shipment.delivery_location = event.delivery_location or shipment.delivery_location
        shipment.delivery_photo_url = event.delivery_photo_url or shipment.delivery_photo_url
        shipment.marketplace = shipment.marketplace or event.marketplace
        when = event.occurred_at or self.now
        if shipment.last_event_at is None or when > shipment.last_event_at:
            shipment.last_event_at = when
        if event.milestone is Milestone.DELIVERED and shipment.delivered_at is None:
            shipment.delivered_at = when

    def _advance(
        self,
        shipment: ShipmentRow,
        event: ShipmentEvent,
        source: str,
        message_pk: int | None,
        orders: list[OrderRow],
    ) -> None:
        if not orders:
            orders = self._orders_of(shipment)
        self._transition(shipment, event, source, message_pk, orders=orders, shipment=shipment)

    def _orders_of(self, shipment: ShipmentRow) -> list[OrderRow]:
        orders, link = schema.orders, schema.shipmentorder
        return self.rows.orders(
            sa.select(orders)
            .join(link, link.c.order_pk == orders.c.id)
            .where(link.c.shipment_pk == shipment.id)
            .order_by(orders.c.id)
        )

    # --- shared -----------------------------------------------------------------

    def _transition(
        self,
        row: TrackedRow,
        event: ShipmentEvent,
        source: str,
        message_pk: int | None,
        *,
        orders: list[OrderRow],
        shipment: ShipmentRow | None,
    ) -> None:
        new = machine.apply(load_state(row), event)
        _save_state(row, new.state, self.now)
        line = _line(event.milestone.value, source, event.description, message_pk,
                     event.occurred_at or self.now, self.now)  # fmt: skip
        key = self.rows.key(row)
        line["shipment_pk"] = key if shipment else None
        line["order_pk"] = None if shipment else key
        if event.eta:
            line["eta_start"], line["eta_end"] = event.eta.start, event.eta.end
        self.rows.insert(schema.timelineevent, line)
        for note in new.notifications:
            self._enqueue(row, note, orders, shipment, event.occurred_at)

    def _enqueue(
        self,
        row: TrackedRow,
        note: machine.Notification,
        orders: list[OrderRow],
        shipment: ShipmentRow | None,
        evidence: datetime | None,
    ) -> None:
        if not self.announcer.notifies(note.milestone):
            return
        if not self.announcer.is_news(evidence, self.now):
            self.history += 1  # in the timeline; nothing is queued for later
            return
        kind = "shipment" if shipment else "order"
        key = f"{kind}:{row.id}:{note.milestone.value}:{note.occurrence}"
        table = schema.notification
        known = sa.select(table.c.id).where(table.c.dedupe_key == key)
        if row not in self._made and self.rows.scalar(known) is not None:
            return
        snapshot = _snapshot(row, note.milestone, orders, shipment)
        title, body = self.announcer.headline(snapshot, self.now)
        values = {
            "dedupe_key": key,
            "shipment_pk": shipment.id if shipment else None,
            "order_pk": None if shipment else row.id,
            "milestone": note.milestone.value,
            "occurrence": note.occurrence,
            "account": row.account,
            "title": title,
            "body": body,
            "facts": snapshot.to_json(),
            "created_at": self.now,
        }
        pk = self.rows.new_key(table)
        if pk is None:  # the database gives its key: the rows it refers to go first
            self.rows.save()
            pk = self.connection.execute(table.insert().returning(table.c.id), values).scalar_one()
        else:
            self.rows.insert(table, {"id": pk, **values})
        self.queued += 1
        if not self.announcer.has_targets:
            return  # no target configured: kept in the database, sent nowhere
        targets = self.announcer.targets_for(note.milestone, row.account)
        reason = self.announcer.no_match_reason(note.milestone, row.account)
        for delivery in delivery_rows(pk, targets, self.now, no_match=reason):
            self.rows.insert(schema.delivery, delivery)


def _line(milestone: str, source: str, description: str | None, message_pk: int | None,
          occurred_at: datetime, now: datetime) -> dict[str, object]:  # fmt: skip
    """A timeline row, about nothing yet (the caller names its shipment or order)."""
    return {
        "shipment_pk": None,
        "order_pk": None,
        "milestone": milestone,
        "source": source,
        "description": description,
        "eta_start": None,
        "eta_end": None,
        "message_pk": message_pk,
        "occurred_at": occurred_at,
        "recorded_at": now,
    }


def _has_identity(shipment: ShipmentRow) -> bool:
    return bool(
        shipment.tracking_number
        or shipment.amazon_shipment_id
        or shipment.package_index is not None
    )


def _items_json(items: Sequence[Item]) -> list[dict[str, object]]:
    return [item.to_json() for item in items]


def _snapshot(
    row: TrackedRow, milestone: Milestone, orders: list[OrderRow], shipment: ShipmentRow | None
) -> Snapshot:
    items = row.items or next((order.items for order in orders if order.items), [])
    eta = Eta.between(row.eta_start, row.eta_end)
    return Snapshot(
        milestone=milestone,
        item_titles=tuple(str(item["title"]) for item in items),
        order_ids=tuple(order.order_id for order in orders),
        marketplace=row.marketplace,
        carrier=shipment.carrier if shipment else None,
        tracking_number=shipment.tracking_number if shipment else None,
        eta=eta,
        pickup_code=shipment.pickup_code if shipment else None,
        delivery_photo_url=shipment.delivery_photo_url if shipment else None,
        label=shipment.label if shipment else None,
        account=row.account,
        pickup_location=shipment.pickup_location if shipment else None,
        pickup_deadline=shipment.pickup_deadline if shipment else None,
        delivery_code=shipment.delivery_code if shipment else None,
        delivery_location=shipment.delivery_location if shipment else None,
    )
