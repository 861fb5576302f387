"""The emails parcelwatch could not read: counted, listed, announced, reported.

An Amazon email about an order that no rule reads is how a template change shows
itself. They are recorded (daemon.store.recorder) with their raw bytes; these are
the questions asked of them: how many, which, which are not announced yet, and
the bytes of one for `parcelwatch report`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.sql.expression import Select

from daemon.store.database import Store
from daemon.store.tables import ProcessedMessage, UnreadEmail
from daemon.store.views import UnreadView


class UnreadEmails:
    """Queries over the unread emails of one store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def count(self) -> int:
        with self._store.transaction() as session:
            return int(session.exec(select(sa.func.count()).select_from(UnreadEmail)).one())

    def listed(self, *, limit: int | None = None) -> list[UnreadView]:
        """Newest first."""
        query = _joined().order_by(col(UnreadEmail.id).desc())
        if limit is not None:
            query = query.limit(limit)
        with self._store.transaction() as session:
            return [_view(unread, message) for unread, message in session.exec(query).all()]

    def unannounced(self) -> list[UnreadView]:
        """Those no notification has told the user about yet, oldest first."""
        query = (
            _joined().where(col(UnreadEmail.announced_at).is_(None)).order_by(col(UnreadEmail.id))
        )
        with self._store.transaction() as session:
            return [_view(unread, message) for unread, message in session.exec(query).all()]

    def mark_announced(self, pks: Sequence[int], now: datetime) -> None:
        with self._store.transaction() as session:
            session.execute(
                sa.update(UnreadEmail)
                .where(col(UnreadEmail.id).in_(list(pks)))
                .values(announced_at=now)
            )

    def raw(self, pk: int) -> tuple[UnreadView, bytes | None] | None:
        """One unread email and its bytes (None when it was too large to keep)."""
        with self._store.transaction() as session:
            found = session.exec(_joined().where(col(UnreadEmail.id) == pk)).first()
            if found is None:
                return None
            unread, message = found
            return _view(unread, message), unread.raw


def _joined() -> Select[UnreadEmail, ProcessedMessage]:
    return select(UnreadEmail, ProcessedMessage).join(
        ProcessedMessage, col(ProcessedMessage.id) == col(UnreadEmail.message_pk)
    )


def _view(unread: UnreadEmail, message: ProcessedMessage) -> UnreadView:
    assert unread.id is not None
    return UnreadView(
        pk=unread.id,
        sent_at=message.sent_at,
        recorded_at=unread.recorded_at,
        sender=message.sender,
        subject=message.subject,
        order_ids=tuple(unread.order_ids),
        marketplace=unread.marketplace,
        source=message.source,
        location=message.location,
        kept=unread.raw is not None,
        announced=unread.announced_at is not None,
    )
