"""The only owner of the database: engine, sessions, transactions, queries.

SQLite by default (WAL so readers never block the daemon, foreign keys on, a busy
timeout so a second process waits instead of failing), any SQLAlchemy URL
otherwise. Everything outside this module gets frozen views, never live rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, create_engine, or_, select

from daemon.mail.raw import RawMessage
from daemon.notify.routing import Routing, account_of
from daemon.store.recorder import Recorder, load_state
from daemon.store.tables import (
    AccountStatus,
    CarrierCheck,
    MailboxCursor,
    Order,
    ProcessedMessage,
    Shipment,
    ShipmentOrder,
    TimelineEvent,
)
from daemon.store.views import (
    AccountView,
    CheckView,
    Cursor,
    OrderView,
    ShipmentView,
    TimelineLine,
)
from parsers.model import Eta, Milestone, ParseResult

_SQLITE_BUSY_MS = 30_000


@dataclass(frozen=True)
class Recorded:
    """What recording one message did."""

    duplicate: bool
    events: int
    notifications: int


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Store:
    def __init__(self, url: str, *, busy_timeout: float = _SQLITE_BUSY_MS / 1000) -> None:
        self.url = url
        self.engine = _engine(url, busy_timeout)
        SQLModel.metadata.create_all(self.engine)
        _add_missing_columns(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction, for the store's sibling modules
        (checks.py) that own a table of their own."""
        with self._session() as session:
            yield session

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    # --- messages ---------------------------------------------------------------

    def is_processed(self, data: bytes, message_id: str | None) -> bool:
        digest = content_hash(data)
        with self._session() as session:
            return _find_processed(session, digest, message_id) is not None

    def record_message(
        self,
        raw: RawMessage,
        message_id: str | None,
        meta: tuple[str, str, datetime | None],
        result: ParseResult,
        routing: Routing,
        now: datetime,
    ) -> Recorded:
        """Write the message record, its orders, shipments, timeline and outbox
        rows in one transaction; a message already recorded changes nothing."""
        digest = content_hash(raw.data)
        subject, sender, sent_at = meta
        try:
            with self._session() as session:
                if _find_processed(session, digest, message_id) is not None:
                    return Recorded(duplicate=True, events=0, notifications=0)
                record = ProcessedMessage(
                    sha256=digest,
                    message_id=message_id,
                    source=raw.source,
                    location=raw.location,
                    subject=subject[:500],
                    sender=sender[:200],
                    sent_at=sent_at,
                    parser=result.parser,
                    error=result.error,
                    event_count=len(result.events),
                    processed_at=now,
                )
                session.add(record)
                session.flush()
                recorder = Recorder(session, routing, now, account_of(raw.source))
                for event in result.events:
                    recorder.record(event, "email", record.id)
                session.flush()
                queued = recorder.queued
        except IntegrityError:
            # Another process recorded the same message in the meantime.
            return Recorded(duplicate=True, events=0, notifications=0)
        return Recorded(duplicate=False, events=len(result.events), notifications=queued)

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
        self, raw: RawMessage, message_id: str | None, reason: str, now: datetime
    ) -> bool:
        """Record a message that was not read (too large), so the audit trail
        says why; False when it was recorded before."""
        digest = content_hash(f"skipped\0{raw.source}\0{raw.location}".encode())
        try:
            with self._session() as session:
                if _find_processed(session, digest, message_id) is not None:
                    return False
                session.add(
                    ProcessedMessage(
                        sha256=digest,
                        message_id=message_id,
                        source=raw.source,
                        location=raw.location,
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
        with self._session() as session:
            row = _account_row(session, account)
            row.last_success_at = now
            session.add(row)

    def account_failed(self, account: str, error: str, now: datetime) -> None:
        with self._session() as session:
            row = _account_row(session, account)
            row.last_error = error[:500]
            row.last_error_at = now
            session.add(row)

    def account_statuses(self) -> list[AccountView]:
        with self._session() as session:
            rows = session.exec(select(AccountStatus).order_by(col(AccountStatus.account)))
            return [
                AccountView(r.account, r.last_success_at, r.last_error, r.last_error_at)
                for r in rows
            ]

    # --- queries ----------------------------------------------------------------

    def shipments(
        self, *, include_finished: bool = False, include_archived: bool = False
    ) -> list[ShipmentView]:
        """Shipments, newest activity first; only active ones unless asked, and
        never archived ones unless asked."""
        query = select(Shipment).order_by(col(Shipment.updated_at).desc(), col(Shipment.id))
        if not include_archived:
            query = query.where(col(Shipment.archived_at).is_(None))
        with self._session() as session:
            rows = session.exec(query).all()
            views = [_shipment_view(session, row) for row in rows]
        return [view for view in views if include_finished or view.active]

    def unshipped_orders(self, *, include_finished: bool = False) -> list[OrderView]:
        """Orders that no shipment belongs to yet (just ordered, or cancelled)."""
        with self._session() as session:
            shipped = select(ShipmentOrder.order_pk)
            rows = session.exec(
                select(Order)
                .where(col(Order.id).not_in(shipped))
                .order_by(col(Order.updated_at).desc())
            ).all()
            views = [_order_view(session, row) for row in rows]
        return [
            view for view in views if include_finished or view.status in (None, Milestone.ORDERED)
        ]

    def find_order(self, order_id: str) -> OrderView | None:
        with self._session() as session:
            row = session.exec(select(Order).where(Order.order_id == order_id)).first()
            return _order_view(session, row) if row else None

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
            return _pk(row.id), created

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
            return [_shipment_view(session, row) for row in rows]

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


def _engine(url: str, busy_timeout: float) -> Engine:
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": busy_timeout})
        sa.event.listen(engine, "connect", _sqlite_pragmas(int(busy_timeout * 1000)))
        return engine
    return create_engine(url, pool_pre_ping=True)


def _add_missing_columns(engine: Engine) -> None:
    """Bring a database made by an older parcelwatch up to date: create_all
    makes missing tables, this adds the nullable columns added since. (Columns
    are only ever added, never changed, so this is the whole migration story.)"""
    inspector = sa.inspect(engine)
    with engine.begin() as connection:
        for table in SQLModel.metadata.sorted_tables:
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                kind = column.type.compile(dialect=engine.dialect)
                connection.execute(
                    sa.text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}')
                )


def _sqlite_pragmas(busy_ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


def _cursor_row(session: Session, account: str, folder: str) -> MailboxCursor | None:
    query = select(MailboxCursor).where(
        MailboxCursor.account == account, MailboxCursor.folder == folder
    )
    return session.exec(query).first()


def _account_row(session: Session, account: str) -> AccountStatus:
    row = session.exec(select(AccountStatus).where(AccountStatus.account == account)).first()
    return row or AccountStatus(account=account)


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


def _eta(start: Any, end: Any) -> Eta | None:
    return Eta(start, end) if start and end else None


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
            milestone=Milestone(row.milestone),
            source=row.source,
            description=row.description,
            eta=_eta(row.eta_start, row.eta_end),
        )
        for row in rows
    )


def _shipment_view(session: Session, row: Shipment) -> ShipmentView:
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
    )


def _check_view(check: CarrierCheck | None) -> CheckView | None:
    if check is None:
        return None
    return CheckView(check.backend, check.last_checked_at, check.next_check_at, check.note)


def _order_view(session: Session, row: Order) -> OrderView:
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
        shipments=tuple(_shipment_view(session, shipment) for shipment in shipments),
    )
