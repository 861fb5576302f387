"""The audit trail of emails: whether one was seen, and recording one with
everything it says in one transaction (daemon.store.recorder does the orders,
shipments, timeline and outbox rows)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from daemon.store import schema
from daemon.store.views import MessageRecord
from parsers.model import ParseResult

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
