"""The store: connections, transactions and the queries the daemon asks.

Everything outside the store package gets frozen views (store/views.py), never
live rows. Everything goes through the Core tables (daemon.store.schema):
reading, recording an email (daemon.store.recorder, over daemon.store.rows),
the outbox (daemon.notify.outbox) and the carrier-check ledger
(daemon.carriers.ledger), in `Store.writing()` transactions; only the Home
Assistant event log writes through `Store.transaction()`, an ORM session,
loaded when first used, so a daemon without [mqtt] never loads the ORM.

Every everyday query is proportional to what is active, not to the history:
the shipments on their way and the orders not shipped yet are found through
partial indexes (schema.TRAVELLING, UNSHIPPED), and views are built in a fixed
number of queries (daemon.store.reading).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from daemon.store import files, schema
from daemon.store.engine import SQLITE_BUSY_MS, ensure_schema, open_engine
from daemon.store.failures import database_error
from daemon.store.keys import Keys
from daemon.store.location import sqlite_path
from daemon.store.messages import (
    Recorded,
    content_hash,
    find_processed,
    known_contents,
    known_message_ids,
    record,
)
from daemon.store.reading import order_views, shipment_views
from daemon.store.reads import normal_number
from daemon.store.views import AccountView, Cursor, MessageRecord, OrderView, ShipmentView
from parsers.model import Milestone, ParseResult

if TYPE_CHECKING:
    from sqlmodel import Session

    from daemon.store.browse import Found
    from daemon.store.recorder import Announcer
    from daemon.store.tallies import Tallies

__all__ = ["Recorded", "Store", "content_hash"]

_ship, _order, _account = schema.shipment, schema.orders, schema.accountstatus
_cursor, _message = schema.mailboxcursor, schema.processedmessage
_NEWEST_FIRST = (_ship.c.updated_at.desc(), _ship.c.id)


class Store:
    """The database. `create=False` (the commands that only read) refuses to
    make a new, empty SQLite file where the user expected theirs.

    Raises OSError when the SQLite file's directory cannot be made, PermanentError
    when `create` is False and there is no file, and the tiers of
    daemon.store.failures when the database cannot be opened."""

    def __init__(
        self, url: str, *, busy_timeout: float = SQLITE_BUSY_MS / 1000, create: bool = True
    ) -> None:
        self.url = url
        self.path = sqlite_path(url)
        if self.path is not None:
            files.prepare(self.path, url, create=create)
        self.engine = open_engine(url, busy_timeout)
        try:
            ensure_schema(self.engine)
        except sa_exc.DBAPIError as exc:
            self.engine.dispose()
            raise database_error(exc, url) from None
        self._identity = files.identity(self.path)
        # PostgreSQL: new rows' keys taken ahead, so an email's writes are one
        # statement (daemon.store.keys).
        self.keys = Keys() if self.engine.dialect.name == "postgresql" else None
        self._listeners: list[Callable[[], None]] = []
        self._listeners_lock = threading.Lock()

    def replaced(self) -> str | None:
        """Why the SQLite file is no longer the one opened ("deleted", ...), or None."""
        return files.change(self._identity, self.path)

    def close(self) -> None:
        self.engine.dispose()

    # --- who wants to know of changes -------------------------------------------

    def listen(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` after each committed change to what the views show: an
        email's events recorded, a carrier's answer, a parcel tracked by hand,
        parcels archived. It runs in the writer's thread (an IMAP watcher, the
        scheduler), so it must return at once: set a flag, wake a thread.
        Returns what stops the calls."""
        with self._listeners_lock:
            self._listeners.append(callback)

        def stop() -> None:
            with self._listeners_lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)

        return stop

    def changed(self) -> None:
        """Tell the listeners that a change was committed (the feature packages
        that write through `transaction()` call this after theirs)."""
        with self._listeners_lock:
            listeners = list(self._listeners)
        for callback in listeners:
            callback()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """An ORM session in one transaction (the Home Assistant event log).
        The ORM is loaded here, on first use."""
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for queries on the Core tables (no ORM). PostgreSQL
        reads in autocommit: each query sees what was committed when it ran, as
        it would in a READ COMMITTED transaction, without the two round trips of
        BEGIN and ROLLBACK around it (SQLite's driver begins no transaction to
        read)."""
        with self.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection

    @contextmanager
    def autocommitting(self) -> Iterator[Connection]:
        """A connection on which every statement commits by itself (PostgreSQL):
        for writes made as one statement, which is atomic without the round
        trips of BEGIN and COMMIT around it (daemon.store.messages)."""
        with self.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A connection in one transaction, committed at the end, for Core writes."""
        with self.engine.begin() as connection:
            yield connection

    # --- messages ---------------------------------------------------------------

    def is_processed(self, sha256: str, message_id: str | None) -> bool:
        with self.reading() as connection:
            return find_processed(connection, sha256, message_id) is not None

    def record_message(
        self,
        message: MessageRecord,
        result: ParseResult,
        announcer: Announcer,
        now: datetime,
        *,
        checked: bool = False,
    ) -> Recorded:
        """Write the message record, its orders, shipments, timeline and outbox
        rows, all or nothing; a message already recorded changes nothing
        (see daemon.store.messages.record for `checked`)."""
        return record(self, message, result, announcer, now, checked=checked)

    def known_contents(self, digests: Sequence[str]) -> set[str]:
        """Which of these contents (SHA-256 digests) were recorded already: an
        import looks up its emails many at a time, before reading them."""
        if not digests:
            return set()
        with self.reading() as connection:
            return known_contents(connection, digests)

    def known_message_ids(self, message_ids: Sequence[str]) -> set[str]:
        """Which of these Message-IDs were recorded already (a re-scanned folder
        skips them without downloading them again)."""
        if not message_ids:
            return set()
        with self.reading() as connection:
            return known_message_ids(connection, message_ids)

    def record_skipped(
        self, source: str, location: str, message_id: str | None, reason: str, now: datetime
    ) -> bool:
        """Record a message that was not read (too large), so the audit trail
        says why; False when it was recorded before."""
        digest = content_hash(f"skipped\0{source}\0{location}".encode())
        row = {"sha256": digest, "message_id": message_id, "source": source,
               "location": location, "subject": "", "sender": "", "error": reason,
               "event_count": 0, "processed_at": now}  # fmt: skip
        try:
            with self.writing() as connection:
                if find_processed(connection, digest, message_id) is not None:
                    return False
                connection.execute(_message.insert().values(row))
        except IntegrityError:
            return False
        return True

    # --- mail accounts ----------------------------------------------------------

    def cursor(self, account: str, folder: str) -> Cursor | None:
        with self.reading() as connection:
            row = connection.execute(_cursor_query(account, folder)).first()
        return None if row is None else Cursor(row.uidvalidity, row.last_uid)

    def save_cursor(self, account: str, folder: str, cursor: Cursor, now: datetime) -> None:
        values = {"uidvalidity": cursor.uidvalidity, "last_uid": cursor.last_uid,
                  "updated_at": now}  # fmt: skip
        with self.writing() as connection:
            if connection.execute(_cursor_query(account, folder)).first() is None:
                connection.execute(_cursor.insert().values(account=account, folder=folder,
                                                           **values))  # fmt: skip
                return
            connection.execute(
                _cursor.update()
                .where(_cursor.c.account == account, _cursor.c.folder == folder)
                .values(values)
            )

    def account_succeeded(self, account: str, now: datetime) -> None:
        self._update_account(account, last_success_at=now, waiting=None, waiting_fix=None)

    def account_failed(
        self, account: str, error: str, now: datetime, *, waiting: tuple[str, str] | None = None
    ) -> None:
        """Record a failure; `waiting` is (what happened, what to do) when the
        account now waits for the user instead of being tried again."""
        values: dict[str, object] = {"last_error": error[:500], "last_error_at": now}
        if waiting is not None:
            values.update(waiting=waiting[0][:200], waiting_fix=waiting[1][:200])
        self._update_account(account, **values)

    def _update_account(self, account: str, **values: object) -> None:
        """Insert the account's row if missing, then update it: no read-then-
        insert, so two folders of one account failing at once cannot collide."""
        with self.writing() as connection:
            connection.execute(insert_ignoring(connection, _account, {"account": account},
                                               "account"))  # fmt: skip
            connection.execute(
                _account.update().where(_account.c.account == account).values(**values)
            )

    def account_statuses(self) -> list[AccountView]:
        with self.reading() as connection:
            rows = connection.execute(sa.select(_account).order_by(_account.c.account))
            return [AccountView(r.account, r.last_success_at, r.last_error, r.last_error_at,
                                r.waiting, r.waiting_fix) for r in rows]  # fmt: skip

    # --- queries ----------------------------------------------------------------

    def shipments(
        self, *, include_finished: bool = False, include_archived: bool = False,
        details: bool = True,
    ) -> list[ShipmentView]:  # fmt: skip
        """Shipments, newest activity first; only current ones (on their way,
        not gone stale) unless asked, and never archived ones unless asked;
        without `details`, no timelines and carrier schedules (see
        reading.shipment_views)."""
        query = sa.select(_ship).order_by(*_NEWEST_FIRST)
        if not include_finished:
            # The shipments on their way (a partial index): the history is not read.
            shown = sa.func.coalesce(_ship.c.side, _ship.c.progress, "")
            query = query.where(schema.TRAVELLING, _ship.c.after_sale.is_(None),
                                shown != Milestone.STALE.value)  # fmt: skip
        elif not include_archived:
            query = query.where(_ship.c.archived_at.is_(None))
        with self.reading() as connection:
            rows = connection.execute(query).mappings().all()
            views = shipment_views(connection, rows, details=details)
        return [view for view in views if include_finished or view.current]

    def pickups_ending(self, day: date) -> list[ShipmentView]:
        """The current shipments whose pickup deadline is `day`: the morning
        reminder's few, found among the ones on their way (a partial index)
        without building the views of every parcel travelling, every minute."""
        query = (
            sa.select(_ship)
            .where(schema.TRAVELLING, _ship.c.after_sale.is_(None))
            .where(_ship.c.pickup_deadline == day)
            .order_by(*_NEWEST_FIRST)
        )
        with self.reading() as connection:
            views = shipment_views(connection, connection.execute(query).mappings().all())
        return [view for view in views if view.current]

    def recently_delivered(self, limit: int) -> list[ShipmentView]:
        """The last `limit` shipments delivered and not archived, newest first."""
        query = (
            sa.select(_ship)
            .where(schema.ENDED, _ship.c.progress == Milestone.DELIVERED.value)
            .where(_ship.c.after_sale.is_(None), _ship.c.side.is_(None))
            .order_by(_ship.c.delivered_at.desc(), _ship.c.id.desc())
            .limit(limit)
        )
        with self.reading() as connection:
            return shipment_views(connection, connection.execute(query).mappings().all())

    def unshipped_orders(
        self, *, include_finished: bool = False, include_archived: bool = False
    ) -> list[OrderView]:
        """Orders that no shipment belongs to yet (just ordered, or cancelled,
        or gone stale), never archived ones unless asked."""
        query = sa.select(_order).where(schema.UNSHIPPED).order_by(_order.c.updated_at.desc())
        if not include_archived:
            query = query.where(_order.c.archived_at.is_(None))
        with self.reading() as connection:
            views = order_views(connection, connection.execute(query).mappings().all())
        return [
            view for view in views if include_finished or view.status in (None, Milestone.ORDERED)
        ]

    def find_order(self, order_id: str) -> OrderView | None:
        query = sa.select(_order).where(_order.c.order_id == order_id)
        with self.reading() as connection:
            views = order_views(connection, connection.execute(query).mappings().all())
        return views[0] if views else None

    def add_tracked(
        self, number: str, carrier: str | None, label: str | None, now: datetime
    ) -> tuple[int, bool]:
        """A shipment added by hand (`parcelwatch track`): (its key, whether it is
        new). A number already known keeps its history; a label is updated."""
        number = normal_number(number)
        with self.writing() as connection:
            found = connection.execute(
                sa.select(_ship.c.id, _ship.c.carrier, _ship.c.label)
                .where(_ship.c.tracking_number == number).order_by(_ship.c.id).limit(1)
            ).first()  # fmt: skip
            if found is None:
                key = connection.execute(
                    _ship.insert().values(tracking_number=number, carrier=carrier, label=label,
                                          occurrences={}, items=[], created_at=now,
                                          updated_at=now).returning(_ship.c.id)
                ).scalar_one()  # fmt: skip
            else:
                key = found.id
                connection.execute(_ship.update().where(_ship.c.id == key).values(
                    carrier=carrier or found.carrier, label=label or found.label))  # fmt: skip
        self.changed()
        return int(key), found is None

    def find_shipments(self, reference: str) -> list[ShipmentView]:
        """Shipments whose tracking number or Amazon shipment id is `reference`."""
        query = sa.select(_ship).where(
            sa.or_(
                _ship.c.tracking_number == normal_number(reference),
                _ship.c.amazon_shipment_id == reference.strip(),
            )
        )
        with self.reading() as connection:
            return shipment_views(connection, connection.execute(query).mappings().all())

    def shipment(self, key: int) -> ShipmentView | None:
        """One shipment by its key (ShipmentView.pk, the API's `key`)."""
        query = sa.select(_ship).where(_ship.c.id == key)
        with self.reading() as connection:
            views = shipment_views(connection, connection.execute(query).mappings().all())
        return views[0] if views else None

    def search(self, text: str) -> Found:
        """Shipments and unshipped orders matching an order id, tracking number
        or item (see daemon.store.browse, loaded by the web pages' first use:
        not by the commands that only read)."""
        from daemon.store import browse

        with self.reading() as connection:
            return browse.search(connection, text)

    def change_stamp(self) -> str:
        """Changes whenever what a page shows changes (see daemon.store.browse)."""
        from daemon.store import browse

        with self.reading() as connection:
            return browse.change_stamp(connection)

    def tallies(self, parse_bounds: Sequence[float]) -> Tallies:
        """Counts for the metrics (see daemon.store.tallies)."""
        from daemon.store.tallies import gather_tallies

        with self.reading() as connection:
            return gather_tallies(connection, parse_bounds)

    def message_errors(self) -> list[tuple[str, str, str]]:
        """(source, location, error) of every message that failed to parse."""
        query = sa.select(_message.c.source, _message.c.location, _message.c.error).where(
            _message.c.error.is_not(None)
        )
        with self.reading() as connection:
            return [
                (row.source, row.location, row.error or "") for row in connection.execute(query)
            ]

    def message_count(self) -> int:
        with self.reading() as connection:
            return int(connection.execute(sa.select(sa.func.count()).select_from(_message))
                       .scalar_one())  # fmt: skip


def _cursor_query(account: str, folder: str) -> sa.Select[tuple[int | None, int]]:
    return sa.select(_cursor.c.uidvalidity, _cursor.c.last_uid).where(
        _cursor.c.account == account, _cursor.c.folder == folder
    )


def insert_ignoring(
    connection: Connection, table: sa.Table, values: dict[str, object], *keys: str
) -> sa.Insert:
    """An INSERT that does nothing when a row with the same `keys` exists, in
    the connection's dialect (its module is imported only for that dialect)."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).values(values).on_conflict_do_nothing(index_elements=list(keys))
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).values(values).on_conflict_do_nothing(index_elements=list(keys))
