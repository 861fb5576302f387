"""LiteViews: daemon.store.reads.Views over one SQLite file through sqlite3,
or one PostgreSQL database through psycopg, with the same SELECTs
(daemon.store.lite.dialect says the words that differ).

Each SELECT repeats the condition of the partial index it is meant to use
(daemon.store.schema: SQLite uses a partial index only then); a batch of keys
goes as one parameter, so no query grows with the batch. Every driver error
leaves as the store's error tiers (daemon.store.failures), as the Store's do.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

from daemon.store import assembly, files
from daemon.store.alive import daemon_view
from daemon.store.failures import database_error
from daemon.store.lite.dialect import SQLITE, Dialect, typed_of
from daemon.store.lite.values import Convert, row_values
from daemon.store.location import plain_sqlite_path
from daemon.store.migrations import HEAD
from daemon.store.reads import normal_number, shipment_counts
from daemon.store.views import (
    AccountView,
    DaemonView,
    OrderView,
    ShipmentView,
    Unsent,
    UpcomingCheck,
)
from parsers.model import Milestone

_NEWEST_FIRST = " ORDER BY shipment.updated_at DESC, shipment.id"


class Connection(Protocol):
    """What both drivers' connections offer that LiteViews uses."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...

    def close(self) -> None: ...


def active_shipments_query(dialect: Dialect = SQLITE) -> tuple[str, tuple[object, ...]]:
    """The shipments on their way, not gone stale, newest first: through the
    partial index, so the history is not read."""
    where = (f"{dialect.travelling()} AND shipment.after_sale IS NULL"
             f" AND coalesce(shipment.side, shipment.progress, '') != {dialect.mark}")  # fmt: skip
    return f"SELECT * FROM shipment WHERE {where}{_NEWEST_FIRST}", (Milestone.STALE.value,)


def open_views(url: str, busy_timeout: float) -> LiteViews | None:
    """The views of the database of `url` without SQLAlchemy, or None where
    the Store must read it instead: not a plain `sqlite:///` or
    `postgresql+psycopg://` URL, psycopg not installed, or a schema that is
    not the newest (the Store brings it up to date). A missing SQLite file is
    a PermanentError, a damaged one a DatabaseUnusableError, a server that
    cannot be reached a TransientError, as with the Store."""
    path = plain_sqlite_path(url)
    if path is not None:
        files.prepare(path, url, create=False)
        try:
            connection = sqlite3.connect(path, timeout=busy_timeout)
        except sqlite3.Error as exc:
            raise database_error(exc, url) from None
        return _if_current(LiteViews(url, connection))
    from daemon.store.lite.postgres import connect

    opened = connect(url)
    return None if opened is None else _if_current(opened)


def _if_current(views: LiteViews) -> LiteViews | None:
    if views.revision() == HEAD:
        return views
    views.close()
    return None


class LiteViews:
    """daemon.store.reads.Views of one database (see open_views)."""

    def __init__(
        self,
        url: str,
        connection: Connection,
        dialect: Dialect = SQLITE,
        errors: tuple[type[BaseException], ...] = (sqlite3.Error,),
    ) -> None:
        """`errors`: the driver's, mapped to the store's tiers (told apart from
        ours; psycopg's are known only where it is installed)."""
        self._url = url
        self._connection = connection
        self.dialect = dialect
        self._errors = errors

    @property
    def url(self) -> str:
        return self._url

    @property
    def connection(self) -> Connection:
        return self._connection

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        return self._errors

    def close(self) -> None:
        self._connection.close()

    def revision(self) -> str | None:
        """The schema's Alembic revision; None before migrations (or a new file)."""
        (found,) = self.rows(self.dialect.revision_table)
        if not found["n"]:
            return None
        rows = self.rows("SELECT version_num FROM alembic_version")
        return str(rows[0]["version_num"]) if rows else None

    # --- list and show ------------------------------------------------------------

    def shipments(
        self, *, include_finished: bool = False, include_archived: bool = False,
        details: bool = True,
    ) -> list[ShipmentView]:  # fmt: skip
        if not include_finished:
            sql, params = active_shipments_query(self.dialect)
        else:
            where = "" if include_archived else " WHERE shipment.archived_at IS NULL"
            sql, params = f"SELECT * FROM shipment{where}{_NEWEST_FIRST}", ()
        rows = self.rows(sql, params, self.typed("shipment"))
        views = assembly.shipment_views(self._fetch(), rows, details=details)
        return [view for view in views if include_finished or view.current]

    def unshipped_orders(
        self, *, include_finished: bool = False, include_archived: bool = False
    ) -> list[OrderView]:
        archived = "" if include_archived else " AND orders.archived_at IS NULL"
        sql = (f"SELECT * FROM orders WHERE {self.dialect.unshipped()}{archived}"
               " ORDER BY orders.updated_at DESC")  # fmt: skip
        views = assembly.order_views(self._fetch(), self.rows(sql, (), self.typed("orders")))
        return [
            view for view in views if include_finished or view.status in (None, Milestone.ORDERED)
        ]

    def find_order(self, order_id: str) -> OrderView | None:
        sql = f"SELECT * FROM orders WHERE orders.order_id = {self.dialect.mark}"
        rows = self.rows(sql, (order_id,), self.typed("orders"))
        views = assembly.order_views(self._fetch(), rows)
        return views[0] if views else None

    def find_shipments(self, reference: str) -> list[ShipmentView]:
        mark = self.dialect.mark
        sql = (f"SELECT * FROM shipment WHERE shipment.tracking_number = {mark}"
               f" OR shipment.amazon_shipment_id = {mark}")  # fmt: skip
        params = (normal_number(reference), reference.strip())
        rows = self.rows(sql, params, self.typed("shipment"))
        return assembly.shipment_views(self._fetch(), rows)

    # --- status -------------------------------------------------------------------

    def account_statuses(self) -> list[AccountView]:
        rows = self.rows("SELECT * FROM accountstatus ORDER BY accountstatus.account", (),
                          self.typed("accountstatus"))  # fmt: skip
        return [AccountView(r["account"], r["last_success_at"], r["last_error"],
                            r["last_error_at"], r["waiting"], r["waiting_fix"])
                for r in rows]  # fmt: skip

    def shipment_counts(self) -> dict[str, int]:
        (travelling,) = self.rows(
            "SELECT count(*) FILTER (WHERE shipment.after_sale IS NULL) AS active,"
            f" count(*) AS travelling FROM shipment WHERE {self.dialect.travelling()}"
        )
        (ended,) = self.rows(f"SELECT count(*) AS n FROM shipment WHERE {self.dialect.ended()}")
        (total,) = self.rows("SELECT count(*) AS n FROM shipment")
        return shipment_counts(
            travelling["active"], travelling["travelling"], ended["n"], total["n"]
        )

    def outbox_counts(self) -> dict[str, int]:
        rows = self.rows("SELECT status, count(*) AS n FROM delivery GROUP BY status")
        return {row["status"]: int(row["n"]) for row in rows}

    def outbox_problems(self, limit: int) -> list[Unsent]:
        sql = ("SELECT delivery.target, delivery.status, notification.title, delivery.attempts,"
               " delivery.next_attempt_at, delivery.last_error FROM delivery"
               " JOIN notification ON notification.id = delivery.notification_pk"
               " WHERE delivery.status IN ('failed', 'no_match')"
               f" ORDER BY delivery.id DESC LIMIT {self.dialect.mark}")  # fmt: skip
        rows = self.rows(sql, (limit,), self.typed("delivery"))
        return [Unsent(r["target"], r["status"], r["title"], r["attempts"],
                       r["next_attempt_at"], r["last_error"]) for r in rows]  # fmt: skip

    def next_checks(self, limit: int) -> list[UpcomingCheck]:
        sql = ("SELECT carriercheck.next_check_at, shipment.carrier, shipment.tracking_number,"
               " shipment.items, shipment.label FROM carriercheck"
               " JOIN shipment ON shipment.id = carriercheck.shipment_pk"
               f" WHERE carriercheck.done = {self.dialect.false}"
               " AND carriercheck.next_check_at IS NOT NULL"
               f" ORDER BY carriercheck.next_check_at LIMIT {self.dialect.mark}")  # fmt: skip
        typed = self.typed("carriercheck", "shipment")
        return [
            UpcomingCheck(r["next_check_at"], r["carrier"], r["tracking_number"],
                          tuple(str(item["title"]) for item in r["items"] or ()), r["label"])
            for r in self.rows(sql, (limit,), typed)
        ]  # fmt: skip

    def daemons(self) -> list[DaemonView]:
        sql = "SELECT * FROM daemonrecord ORDER BY daemonrecord.heartbeat_at DESC"
        return [daemon_view(row) for row in self.rows(sql, (), self.typed("daemonrecord"))]

    def unrecognised(self) -> int:
        (row,) = self.rows("SELECT count(*) AS n FROM unreademail")
        return int(row["n"])

    # --- rows ---------------------------------------------------------------------

    def _fetch(self) -> LiteFetch:
        return LiteFetch(self)

    def typed(self, *tables: str) -> dict[str, Convert]:
        """The conversions of these tables' columns, as this dialect needs them."""
        return typed_of(self.dialect, *tables)

    def rows(
        self, sql: str, params: Sequence[object] = (), typed: Mapping[str, Convert] | None = None
    ) -> list[dict[str, Any]]:
        """The rows of one SELECT as {column: value}, typed columns converted."""
        try:
            cursor = self._connection.execute(sql, params)
            names = [column[0] for column in cursor.description]
            return [row_values(names, row, typed or {}) for row in cursor.fetchall()]
        except self._errors as exc:
            raise database_error(exc, self._url) from None


class LiteFetch:
    """assembly.Fetch over LiteViews' connection."""

    def __init__(self, views: LiteViews) -> None:
        self.rows = views.rows
        self._among = views.dialect.among
        self._batch = views.dialect.batch
        self.typed = views.typed

    def links(self, shipment_pks: Sequence[int]) -> Iterator[dict[str, Any]]:
        sql = f"SELECT * FROM shipmentorder WHERE shipmentorder.shipment_pk {self._among}"
        return iter(self.rows(sql, (self._batch(shipment_pks),)))

    def order_names(self, order_pks: Sequence[int]) -> Iterator[dict[str, Any]]:
        sql = f"SELECT orders.id, orders.order_id FROM orders WHERE orders.id {self._among}"
        return iter(self.rows(sql, (self._batch(order_pks),)))

    def checks(self, shipment_pks: Sequence[int]) -> Iterator[dict[str, Any]]:
        sql = f"SELECT * FROM carriercheck WHERE carriercheck.shipment_pk {self._among}"
        return iter(self.rows(sql, (self._batch(shipment_pks),), self.typed("carriercheck")))

    def timelines(
        self, shipment_pks: Sequence[int], order_pks: Sequence[int]
    ) -> Iterator[dict[str, Any]]:
        sql = ("SELECT shipment_pk, order_pk, occurred_at, milestone, source, description,"
               f" eta_start, eta_end FROM timelineevent WHERE shipment_pk {self._among}"
               f" OR order_pk {self._among} ORDER BY occurred_at, id")  # fmt: skip
        params = (self._batch(shipment_pks), self._batch(order_pks))
        return iter(self.rows(sql, params, self.typed("timelineevent")))

    def order_shipments(self, order_pks: Sequence[int]) -> Iterator[dict[str, Any]]:
        sql = ("SELECT shipmentorder.order_pk, shipment.* FROM shipmentorder"
               " JOIN shipment ON shipment.id = shipmentorder.shipment_pk"
               f" WHERE shipmentorder.order_pk {self._among} ORDER BY shipment.id")  # fmt: skip
        return iter(self.rows(sql, (self._batch(order_pks),), self.typed("shipment")))
