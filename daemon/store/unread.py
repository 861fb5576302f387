"""The emails parcelwatch could not read: counted, listed, announced, reported.

An Amazon email about an order that no rule reads is how a template change shows
itself. They are recorded (daemon.store.recorder) with their raw bytes; these are
the questions asked of them: how many, which, which are not announced yet, and
the bytes of one for `parcelwatch report`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from daemon.store import schema
from daemon.store.database import Store
from daemon.store.views import UnreadView

_unread, _message = schema.unreademail, schema.processedmessage
# Every column a listing needs, and not the email's bytes (only whether there are any).
_LISTED = (
    _unread.c.id, _unread.c.recorded_at, _unread.c.order_ids, _unread.c.marketplace,
    _unread.c.announced_at, _unread.c.raw.is_not(None).label("kept"), _message.c.sent_at,
    _message.c.sender, _message.c.subject, _message.c.source, _message.c.location,
)  # fmt: skip


class UnreadEmails:
    """Queries over the unread emails of one store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def count(self) -> int:
        with self._store.reading() as connection:
            query = sa.select(sa.func.count()).select_from(_unread)
            return int(connection.execute(query).scalar_one())

    def listed(self, *, limit: int | None = None) -> list[UnreadView]:
        """Newest first."""
        query = _joined().order_by(_unread.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return self._views(query)

    def unannounced(self) -> list[UnreadView]:
        """Those no notification has told the user about yet, oldest first."""
        return self._views(_joined().where(_unread.c.announced_at.is_(None)).order_by(_unread.c.id))

    def mark_announced(self, pks: Sequence[int], now: datetime) -> None:
        with self._store.writing() as connection:
            connection.execute(
                _unread.update().where(_unread.c.id.in_(list(pks))).values(announced_at=now)
            )

    def raw(self, pk: int) -> tuple[UnreadView, bytes | None] | None:
        """One unread email and its bytes (None when it was too large to keep)."""
        query = _joined(_unread.c.raw).where(_unread.c.id == pk)
        with self._store.reading() as connection:
            found = connection.execute(query).mappings().first()
        if found is None:
            return None
        return _view(found), found["raw"]

    def _views(self, query: sa.Select[Any]) -> list[UnreadView]:
        with self._store.reading() as connection:
            return [_view(row) for row in connection.execute(query).mappings()]


def _joined(*extra: Any) -> sa.Select[Any]:
    return sa.select(*_LISTED, *extra).select_from(
        _unread.join(_message, _message.c.id == _unread.c.message_pk)
    )


def _view(row: Any) -> UnreadView:
    return UnreadView(
        pk=row["id"],
        sent_at=row["sent_at"],
        recorded_at=row["recorded_at"],
        sender=row["sender"],
        subject=row["subject"],
        order_ids=tuple(row["order_ids"]),
        marketplace=row["marketplace"],
        source=row["source"],
        location=row["location"],
        kept=bool(row["kept"]),
        announced=row["announced_at"] is not None,
    )
