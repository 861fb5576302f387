"""What `list`, `show` and `status` ask of the database, as one Protocol.

Two stores answer it: daemon.store.lite reads an up-to-date database with
the standard library's sqlite3 or with psycopg (a command's start-up does not
pay for SQLAlchemy), and daemon.service.status.StoreViews answers through the
daemon's Store on any database. Both return the same frozen views
(tests/daemon/store/test_lite.py holds them to it). The two rules both apply
are here too: how a tracking number is looked up, and what the shipment
counts mean."""

from __future__ import annotations

from typing import Protocol

from daemon.store.views import (
    AccountView,
    DaemonView,
    OrderView,
    ShipmentView,
    Unsent,
    UpcomingCheck,
)


class Views(Protocol):
    @property
    def url(self) -> str:
        """The database's URL (a secret: never shown)."""
        ...

    def close(self) -> None: ...

    def shipments(
        self, *, include_finished: bool = False, include_archived: bool = False,
        details: bool = True,
    ) -> list[ShipmentView]:  # fmt: skip
        """As daemon.store.database.Store.shipments."""
        ...

    def unshipped_orders(
        self, *, include_finished: bool = False, include_archived: bool = False
    ) -> list[OrderView]:
        """As daemon.store.database.Store.unshipped_orders."""
        ...

    def find_order(self, order_id: str) -> OrderView | None: ...

    def find_shipments(self, reference: str) -> list[ShipmentView]:
        """Shipments whose tracking number or Amazon shipment id is `reference`."""
        ...

    def account_statuses(self) -> list[AccountView]: ...

    def shipment_counts(self) -> dict[str, int]:
        """{"active": n, "finished": n, "archived": n}."""
        ...

    def outbox_counts(self) -> dict[str, int]:
        """Deliveries by status ("pending", "sent", "failed", ...)."""
        ...

    def outbox_problems(self, limit: int) -> list[Unsent]:
        """The latest given-up and unrouted deliveries, newest first."""
        ...

    def next_checks(self, limit: int) -> list[UpcomingCheck]:
        """The next carrier checks due, soonest first."""
        ...

    def daemons(self) -> list[DaemonView]:
        """Every daemon that used the database, most recently heard from first."""
        ...

    def unrecognised(self) -> int:
        """How many Amazon emails no rule could read are kept."""
        ...


def normal_number(number: str) -> str:
    """A tracking number as it is stored and looked up: no spaces, upper case."""
    return "".join(number.split()).upper()


def shipment_counts(active: int, travelling: int, ended: int, total: int) -> dict[str, int]:
    """Active, finished and archived shipments from four counts: `travelling`
    (not finished, not archived), of which `active` have no after-sale event,
    `ended` (finished, not archived) and `total`. After-sale ones have finished
    their journey; archived ones are what remains of the total."""
    finished = ended + travelling - active
    return {"archived": total - travelling - ended, "finished": finished, "active": active}
