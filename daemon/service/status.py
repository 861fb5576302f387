"""What the daemon is doing, through its Store: systemd's one-line STATUS
(asked every half minute, so only counts), and StoreViews, which answers
daemon.store.reads.Views for `status`, `list` and `show` on any database
(daemon.service.snapshot gathers the whole picture from it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

import sqlalchemy as sa

from daemon.notify.outbox import Outbox
from daemon.service.snapshot import aware, waiting_line
from daemon.store import schema
from daemon.store.database import Store
from daemon.store.heartbeat import Heartbeat
from daemon.store.reads import shipment_counts
from daemon.store.unread import UnreadEmails
from daemon.store.views import (
    AccountView,
    DaemonView,
    OrderView,
    ShipmentView,
    Unsent,
    UpcomingCheck,
)


class StoreViews:
    """daemon.store.reads.Views through a Store (and its outbox, heartbeat
    and unread emails)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def url(self) -> str:
        return self._store.url

    def close(self) -> None:
        self._store.close()

    def shipments(
        self, *, include_finished: bool = False, include_archived: bool = False,
        details: bool = True,
    ) -> list[ShipmentView]:  # fmt: skip
        return self._store.shipments(
            include_finished=include_finished, include_archived=include_archived, details=details
        )

    def unshipped_orders(
        self, *, include_finished: bool = False, include_archived: bool = False
    ) -> list[OrderView]:
        return self._store.unshipped_orders(
            include_finished=include_finished, include_archived=include_archived
        )

    def find_order(self, order_id: str) -> OrderView | None:
        return self._store.find_order(order_id)

    def find_shipments(self, reference: str) -> list[ShipmentView]:
        return self._store.find_shipments(reference)

    def account_statuses(self) -> list[AccountView]:
        return self._store.account_statuses()

    def shipment_counts(self) -> dict[str, int]:
        return _shipment_counts(self._store)

    def outbox_counts(self) -> dict[str, int]:
        return Outbox(self._store).counts()

    def outbox_problems(self, limit: int) -> list[Unsent]:
        return Outbox(self._store).problems(limit)

    def next_checks(self, limit: int) -> list[UpcomingCheck]:
        return _next_checks(self._store, limit)

    def daemons(self) -> list[DaemonView]:
        return Heartbeat(self._store).read_all()

    def unrecognised(self) -> int:
        return UnreadEmails(self._store).count()


def one_line(
    store: Store,
    zone: tzinfo | None,
    *,
    accounts: Sequence[str] = (),
    reload_command: str = "",
) -> str:
    """systemd's STATUS line: first what waits for the user ("home: login
    refused at 12:04; fix the password, then `systemctl reload parcelwatch`"),
    then "3 active shipments, last mail check 12:04, 2 notifications waiting"."""
    counts = _shipment_counts(store)
    delivery = schema.delivery
    with store.reading() as connection:
        last = connection.execute(
            sa.select(sa.func.max(schema.accountstatus.c.last_success_at))
        ).scalar()
        backlog = connection.execute(
            sa.select(sa.func.count())
            .select_from(delivery)
            .where(delivery.c.status.in_(["pending", "sending"]))
        ).scalar_one()
    waiting = [
        waiting_line(view, zone, reload_command)
        for view in store.account_statuses()
        if view.waiting and (not accounts or view.account in accounts)
    ]
    parts = [_plural(counts["active"], "active shipment")]
    unread = UnreadEmails(store).count()
    if unread:
        parts.append(_plural(unread, "unrecognised Amazon email"))
    if last is not None:
        when = aware(last).astimezone(zone)
        parts.append(f"last mail check {when:%H:%M}")
    if backlog:
        parts.append(_plural(int(backlog), "notification") + " waiting")
    return "; ".join([*waiting, ", ".join(parts)])


def _shipment_counts(store: Store) -> dict[str, int]:
    """The first two counts are made on the partial indexes of the shipments
    not archived; archived ones are what remains of the total (one count, no
    row read)."""
    ship, count = schema.shipment, sa.func.count()
    waiting = ship.c.after_sale.is_(None)
    with store.reading() as connection:
        active, travelling = connection.execute(
            sa.select(count.filter(waiting), count).where(schema.TRAVELLING)
        ).one()
        ended = connection.execute(sa.select(count).where(schema.ENDED)).scalar_one()
        total = connection.execute(sa.select(count).select_from(ship)).scalar_one()
    return shipment_counts(active, travelling, ended, total)


def _next_checks(store: Store, limit: int) -> list[UpcomingCheck]:
    check, ship = schema.carriercheck, schema.shipment
    query = (
        sa.select(check.c.next_check_at, ship.c.carrier, ship.c.tracking_number,
                  ship.c["items"], ship.c.label)
        .join(ship, ship.c.id == check.c.shipment_pk)
        .where(check.c.done == sa.false(), check.c.next_check_at.is_not(None))
        .order_by(check.c.next_check_at)
        .limit(limit)
    )  # fmt: skip
    with store.reading() as connection:
        rows = connection.execute(query).all()
    return [
        UpcomingCheck(at, carrier, number, tuple(str(i["title"]) for i in items or ()), label)
        for at, carrier, number, items, label in rows
    ]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
