"""The store: sessions, transactions and the queries the daemon asks.

Everything outside the store package gets frozen views (store/views.py), never
live rows. Two feature packages keep a table of their own and work inside
`Store.transaction()`: the outbox (daemon.notify.outbox) and the carrier-check
ledger (daemon.carriers.ledger); nothing else opens a session.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from daemon.store import browse, files
from daemon.store.engine import SQLITE_BUSY_MS, ensure_schema, open_engine, sqlite_path
from daemon.store.failures import database_error
from daemon.store.reading import order_view, shipment_view
from daemon.store.recorder import Announcer, Recorder
from daemon.store.tables import (
    AccountStatus,
    MailboxCursor,
    Order,
    ProcessedMessage,
    Shipment,
    ShipmentOrder,
)
from daemon.store.tallies import Tallies, gather_tallies
from daemon.store.views import (
    AccountView,
    Cursor,
    MessageRecord,
    OrderView,
    ShipmentView,
)
from parsers.model import Kind, Milestone, ParseResult

# Stories that ended: finished, or gone quiet (stale).
_ENDED = (*(m for m in Milestone if m.kind is Kind.TERMINAL), Milestone.STALE)


@dataclass(frozen=True)
class Recorded:
    """What recording one message did."""

    duplicate: bool
    events: int
    notifications: int
    history: int = 0  # milestones too old to push: recorded, not queued


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
        """A session in one transaction, for the outbox and the carrier-check
        ledger, which own a table of their own."""
        with self._session() as session:
            yield session

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    # --- messages ---------------------------------------------------------------

    def is_processed(self, sha256: str, message_id: str | None) -> bool:
        with self._session() as session:
            return _find_processed(session, sha256, message_id) is not None

    def record_message(
        self, message: MessageRecord, result: ParseResult, announcer: Announcer, now: datetime
    ) -> Recorded:
        """Write the message record, its orders, shipments, timeline and outbox
        rows in one transaction; a message already recorded changes nothing."""
        try:
            with self._session() as session:
                if _find_processed(session, message.sha256, message.message_id) is not None:
                    return Recorded(duplicate=True, events=0, notifications=0)
                record = ProcessedMessage(
                    sha256=message.sha256,
                    message_id=message.message_id,
                    source=message.source,
                    location=message.location,
                    subject=message.subject[:500],
                    sender=message.sender[:200],
                    sent_at=message.sent_at,
                    parser=result.parser,
                    error=result.error,
                    event_count=len(result.events),
                    parse_seconds=message.parse_seconds,
                    processed_at=now,
                )
                session.add(record)
                session.flush()
                recorder = Recorder(session, announcer, now, message.account)
                for event in result.events:
                    recorder.record(event, "email", record.id)
                if result.unread is not None:
                    recorder.record_unread(
                        result.unread, result.parser, message.sent_at, _pk(record.id), message.raw
                    )
                session.flush()
                queued, history = recorder.queued, recorder.history
        except IntegrityError:
            # Another process recorded the same message in the meantime.
            return Recorded(duplicate=True, events=0, notifications=0)
        if result.events:
            self.changed()
        return Recorded(False, len(result.events), queued, history)

    def known_message_ids(self, message_ids: Sequence[str]) -> set[str]:
        """Which of these Message-IDs were recorded already (a re-scanned folder
        skips them without downloading them again)."""
        if not message_ids:
            return set()
        with self._session() as session:
            column = col(ProcessedMessage.message_id)
            rows = session.exec(select(column).where(column.in_(list(message_ids))))
            return {row for row in rows if row is not None}

    def record_skipped(
        self, source: str, location: str, message_id: str | None, reason: str, now: datetime
    ) -> bool:
        """Record a message that was not read (too large), so the audit trail
        says why; False when it was recorded before."""
        digest = content_hash(f"skipped\0{source}\0{location}".encode())
        try:
            with self._session() as session:
                if _find_processed(session, digest, message_id) is not None:
                    return False
                session.add(
                    ProcessedMessage(
                        sha256=digest,
                        message_id=message_id,
                        source=source,
                        location=location,
                        error=reason,
                        processed_at=now,
                    )
                )
        except IntegrityError:
            return False
        return True

    # --- mail accounts ----------------------------------------------------------

    def cursor(self, account: str, folder: str) -> Cursor | None:
        with self._session() as session:
            row = _cursor_row(session, account, folder)
            return None if row is None else Cursor(row.uidvalidity, row.last_uid)

    def save_cursor(self, account: str, folder: str, cursor: Cursor, now: datetime) -> None:
        with self._session() as session:
            row = _cursor_row(session, account, folder) or MailboxCursor(
                account=account, folder=folder
            )
            row.uidvalidity = cursor.uidvalidity
            row.last_uid = cursor.last_uid
            row.updated_at = now
            session.add(row)

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
        with self._session() as session:
            dialect = session.get_bind().dialect.name
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            session.execute(
                insert(AccountStatus)
                .values(account=account)
                .on_conflict_do_nothing(index_elements=["account"])
            )
            session.execute(
                sa.update(AccountStatus)
                .where(col(AccountStatus.account) == account)
                .values(**values)
            )

    def account_statuses(self) -> list[AccountView]:
        with self._session() as session:
            rows = session.exec(select(AccountStatus).order_by(col(AccountStatus.account)))
            return [AccountView(r.account, r.last_success_at, r.last_error, r.last_error_at,
                                r.waiting, r.waiting_fix) for r in rows]  # fmt: skip

    # --- queries ----------------------------------------------------------------

    def shipments(
        self, *, include_finished: bool = False, include_archived: bool = False
    ) -> list[ShipmentView]:
        """Shipments, newest activity first; only current ones (on their way,
        not gone stale) unless asked, and never archived ones unless asked."""
        query = select(Shipment).order_by(col(Shipment.updated_at).desc(), col(Shipment.id))
        if not include_archived:
            query = query.where(col(Shipment.archived_at).is_(None))
        if not include_finished:
            # Most of a household's shipments arrived long ago: leave them out
            # before building views (the filter below has the last word).
            shown = sa.func.coalesce(Shipment.side, Shipment.progress, "")
            query = query.where(
                col(Shipment.after_sale).is_(None), shown.not_in([m.value for m in _ENDED])
            )
        with self._session() as session:
            rows = session.exec(query).all()
            views = [shipment_view(session, row) for row in rows]
        return [view for view in views if include_finished or view.current]

    def recently_delivered(self, limit: int) -> list[ShipmentView]:
        """The last `limit` shipments delivered and not archived, newest first."""
        query = (
            select(Shipment)
            .where(col(Shipment.archived_at).is_(None), Shipment.progress == "delivered")
            .where(col(Shipment.after_sale).is_(None), col(Shipment.side).is_(None))
            .order_by(col(Shipment.delivered_at).desc(), col(Shipment.id).desc())
            .limit(limit)
        )
        with self._session() as session:
            return [shipment_view(session, row) for row in session.exec(query).all()]

    def unshipped_orders(
        self, *, include_finished: bool = False, include_archived: bool = False
    ) -> list[OrderView]:
        """Orders that no shipment belongs to yet (just ordered, or cancelled,
        or gone stale), never archived ones unless asked."""
        query = select(Order).where(col(Order.id).not_in(select(ShipmentOrder.order_pk)))
        if not include_archived:
            query = query.where(col(Order.archived_at).is_(None))
        with self._session() as session:
            rows = session.exec(query.order_by(col(Order.updated_at).desc())).all()
            views = [order_view(session, row) for row in rows]
        return [
            view for view in views if include_finished or view.status in (None, Milestone.ORDERED)
        ]

    def find_order(self, order_id: str) -> OrderView | None:
        with self._session() as session:
            row = session.exec(select(Order).where(Order.order_id == order_id)).first()
            return order_view(session, row) if row else None

    def add_tracked(
        self, number: str, carrier: str | None, label: str | None, now: datetime
    ) -> tuple[int, bool]:
        """A shipment added by hand (`parcelwatch track`): (its key, whether it is
        new). A number already known keeps its history; a label is updated."""
        with self._session() as session:
            row = session.exec(select(Shipment).where(Shipment.tracking_number == number)).first()
            created = row is None
            if row is None:
                row = Shipment(tracking_number=number, created_at=now, updated_at=now)
            row.carrier = carrier or row.carrier
            row.label = label or row.label
            session.add(row)
            session.flush()
            key = _pk(row.id)
        self.changed()
        return key, created

    def find_shipments(self, reference: str) -> list[ShipmentView]:
        """Shipments whose tracking number or Amazon shipment id is `reference`."""
        normalised = reference.replace(" ", "").upper()
        with self._session() as session:
            rows = session.exec(
                select(Shipment).where(
                    or_(
                        sa.func.upper(Shipment.tracking_number) == normalised,
                        Shipment.amazon_shipment_id == reference,
                    )
                )
            ).all()
            return [shipment_view(session, row) for row in rows]

    def shipment(self, key: int) -> ShipmentView | None:
        """One shipment by its key (ShipmentView.pk, the API's `key`)."""
        with self._session() as session:
            return browse.one_shipment(session, key)

    def search(self, text: str) -> browse.Found:
        """Shipments and unshipped orders matching an order id, tracking number
        or item (see daemon.store.browse)."""
        with self._session() as session:
            return browse.search(session, text)

    def change_stamp(self) -> str:
        """Changes whenever what a page shows changes (see daemon.store.browse)."""
        with self._session() as session:
            return browse.change_stamp(session)

    def tallies(self, parse_bounds: Sequence[float]) -> Tallies:
        """Counts for the metrics (see daemon.store.tallies)."""
        with self._session() as session:
            return gather_tallies(session, parse_bounds)

    def message_errors(self) -> list[tuple[str, str, str]]:
        """(source, location, error) of every message that failed to parse."""
        with self._session() as session:
            rows = session.exec(
                select(ProcessedMessage).where(col(ProcessedMessage.error).is_not(None))
            ).all()
            return [(row.source, row.location, row.error or "") for row in rows]

    def message_count(self) -> int:
        with self._session() as session:
            return _count(session, ProcessedMessage)


def _cursor_row(session: Session, account: str, folder: str) -> MailboxCursor | None:
    query = select(MailboxCursor).where(
        MailboxCursor.account == account, MailboxCursor.folder == folder
    )
    return session.exec(query).first()


def _pk(value: int | None) -> int:
    assert value is not None
    return value


def _count(session: Session, table: type[Any]) -> int:
    return int(session.exec(select(sa.func.count()).select_from(table)).one())


def _find_processed(session: Session, digest: str, message_id: str | None) -> int | None:
    """The key of the message recorded with this content or Message-ID, if any."""
    condition = col(ProcessedMessage.sha256) == digest
    if message_id:
        condition = or_(condition, col(ProcessedMessage.message_id) == message_id)
    return session.exec(select(ProcessedMessage.id).where(condition).limit(1)).first()
