"""The audit trail of emails: whether one was seen, and recording one with
everything it says all or nothing: in one transaction, or on PostgreSQL in one
statement (daemon.store.recorder does the orders, shipments, timeline and
outbox rows; daemon.store.writes the statement)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from daemon.errors import TransientError
from daemon.store import schema
from daemon.store.views import MessageRecord
from parsers.model import ParseResult

if TYPE_CHECKING:
    from daemon.store.database import Store
    from daemon.store.recorder import Announcer
    from daemon.store.rows import Rows

# Tries at recording one email when another process's rows collide with it.
_ATTEMPTS = 3

_message = schema.processedmessage


@dataclass(frozen=True)
class Recorded:
    """What recording one message did."""

    duplicate: bool
    events: int
    notifications: int
    history: int = 0  # milestones too old to push: recorded, not queued


DUPLICATE = Recorded(duplicate=True, events=0, notifications=0)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def find_processed(connection: Connection, digest: str, message_id: str | None) -> int | None:
    """The key of the message recorded with this content or Message-ID, if any."""
    condition = _message.c.sha256 == digest
    if message_id:
        condition = sa.or_(condition, _message.c.message_id == message_id)
    found = connection.execute(sa.select(_message.c.id).where(condition).limit(1)).first()
    return None if found is None else int(found[0])


def known_contents(connection: Connection, digests: Sequence[str]) -> set[str]:
    column = _message.c.sha256
    return {row[0] for row in connection.execute(sa.select(column).where(column.in_(digests)))}


def known_message_ids(connection: Connection, message_ids: Sequence[str]) -> set[str]:
    column = _message.c.message_id
    rows = connection.execute(sa.select(column).where(column.in_(list(message_ids))))
    return {row[0] for row in rows if row[0] is not None}


def message_row(message: MessageRecord, result: ParseResult, now: datetime) -> dict[str, object]:
    """The audit trail's row of one message."""
    return {
        "sha256": message.sha256,
        "message_id": message.message_id,
        "source": message.source,
        "location": message.location,
        "subject": message.subject[:500],
        "sender": message.sender[:200],
        "sent_at": message.sent_at,
        "parser": result.parser,
        "error": result.error,
        "event_count": len(result.events),
        "parse_seconds": message.parse_seconds,
        "processed_at": now,
    }


@functools.cache
def _insert_message(columns: tuple[str, ...], *, unless_known: bool) -> sa.Insert:
    """INSERT of a message row (of these columns), returning its key; with
    `unless_known`, only if no row with its content or Message-ID is there
    (the look-up and the insert in one statement), else it returns no row.
    Built once per set of columns, its parameters named "new_" and the column."""
    values = sa.select(*(sa.bindparam(f"new_{n}", type_=_message.c[n].type) for n in columns))
    known = sa.or_(
        _message.c.sha256 == sa.bindparam("new_sha256"),
        _message.c.message_id == sa.bindparam("new_message_id"),  # NULL matches nothing
    )
    if unless_known:
        values = values.where(~sa.exists().where(known))
    return _message.insert().from_select(list(columns), values).returning(_message.c.id)


def record(
    store: Store,
    message: MessageRecord,
    result: ParseResult,
    announcer: Announcer,
    now: datetime,
    *,
    checked: bool,
) -> Recorded:
    """Record one message (Store.record_message). `checked`: the caller has
    just looked it up (is_processed), so it is not looked up again; a message
    recorded meanwhile by another process is still caught, by its content's
    unique key.

    Another process may also have made one of the message's orders or
    notifications meanwhile (two daemons on one PostgreSQL database, each
    reading a mailbox with mail about the same order): the transaction then
    fails on that row's unique key, and is tried again, finding the row."""
    for _ in range(_ATTEMPTS):
        try:
            recorded = _record(store, message, result, announcer, now, checked=checked)
        except IntegrityError:
            if store.is_processed(message.sha256, message.message_id):
                return DUPLICATE  # another process recorded this very message
            checked = False
            continue
        if result.events and not recorded.duplicate:
            store.changed()
        return recorded
    raise TransientError("recording an email kept colliding with another process's")


def _record(
    store: Store,
    message: MessageRecord,
    result: ParseResult,
    announcer: Announcer,
    now: datetime,
    *,
    checked: bool,
) -> Recorded:
    """On PostgreSQL an email is first recorded as one statement, without a
    transaction around it (two round trips fewer): that works when its writes
    all wait for the end, as a new parcel's or a delivery's do; when one must
    be made earlier (an email about two orders, whose second look-up must see
    the first's row), nothing has been written yet, and the email is recorded
    in a transaction instead."""
    from daemon.store.writes import AlreadyRecordedError, NeedsTransactionError

    try:
        if store.keys is not None:
            try:
                with store.autocommitting() as connection:
                    return _record_on(connection, store, message, result, announcer, now,
                                      checked=checked, single=True)  # fmt: skip
            except NeedsTransactionError:
                pass
        with store.writing() as connection:
            return _record_on(connection, store, message, result, announcer, now,
                              checked=checked, single=False)  # fmt: skip
    except AlreadyRecordedError:
        return DUPLICATE


def _record_on(
    connection: Connection,
    store: Store,
    message: MessageRecord,
    result: ParseResult,
    announcer: Announcer,
    now: datetime,
    *,
    checked: bool,
    single: bool,
) -> Recorded:
    from daemon.store.recorder import Recorder  # loaded by the first email

    recorder = Recorder(connection, announcer, now, message.account, store.keys, single=single)
    pk = _guard(recorder.rows, message_row(message, result, now), checked=checked)
    for event in result.events:
        recorder.record(event, "email", pk)
    if result.unread is not None:
        unread, raw = result.unread, message.raw
        recorder.record_unread(unread, result.parser, message.sent_at, pk, raw)
    recorder.rows.finish()
    return Recorded(False, len(result.events), recorder.queued, recorder.history)


def _guard(rows: Rows, row: dict[str, object], *, checked: bool) -> int:
    """The message row's key, its INSERT made the guard of the transaction's
    writes (Rows.guard): written with them on PostgreSQL, before them elsewhere."""
    key = rows.new_key(_message)
    if key is not None:
        row = {"id": key, **row}
    insert = _insert_message(tuple(row), unless_known=not checked)
    made = rows.guard(insert, {f"new_{k}": v for k, v in row.items()})
    key = key if made is None else made
    assert key is not None
    return key
