"""The outbox table's queries: which deliveries are due, and recording what
happened to each. One row per (notification, target); the notifier works on
rows, so a target that failed is retried alone.

Before a row is handed to Apprise it is claimed (status "sending") in its own
committed transaction, and marked sent right after Apprise answers. A process
killed between the two leaves a "sending" row: at the next start it is sent
again (a target may then show that one message twice), because the opposite
choice could lose it. The window is the few milliseconds of one HTTP exchange.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col, select, update

from daemon.store.database import Store
from daemon.store.recorder import add_deliveries
from daemon.store.tables import Delivery, Notification
from daemon.store.views import DueDelivery
from parsers.model import Milestone

DIGEST = "digest"
# The daily "parcelwatch could not read N Amazon emails" notice (daemon.notify.hand_raise).
UNRECOGNISED = "unrecognised"
# Deliveries a person may want to see: not sent yet, or given up.
UNSENT = ("pending", "sending", "failed")


@dataclass(frozen=True)
class Unsent:
    """A delivery not (yet) sent: waiting (pending, or sending right now), given
    up (failed), or routed nowhere (no_match)."""

    target: str
    status: str
    title: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None


class Outbox:
    def __init__(self, store: Store) -> None:
        self._store = store

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._store.transaction() as session:
            yield session

    def due(self, now: datetime, targets: Sequence[str]) -> list[DueDelivery]:
        with self._session() as session:
            rows = session.exec(
                select(Delivery, Notification)
                .join(Notification, col(Notification.id) == col(Delivery.notification_pk))
                .where(Delivery.status == "pending")
                .where(col(Delivery.next_attempt_at) <= now)
                .where(col(Delivery.target).in_(list(targets)))
                .order_by(col(Delivery.id))
            ).all()
            return [_due(delivery, note) for delivery, note in rows]

    def next_due(self, targets: Sequence[str]) -> datetime | None:
        """When the earliest waiting delivery comes due (a retry, quiet hours)."""
        with self._session() as session:
            return session.exec(
                select(sa.func.min(Delivery.next_attempt_at))
                .where(Delivery.status == "pending")
                .where(col(Delivery.target).in_(list(targets)))
            ).one()

    def claim(self, pk: int) -> bool:
        """pending -> sending, committed; False when someone else claimed it."""
        with self._session() as session:
            result = session.execute(
                update(Delivery)
                .where(col(Delivery.id) == pk)
                .where(col(Delivery.status) == "pending")
                .values(status="sending")
            )
            return bool(cast("CursorResult[Any]", result).rowcount)

    def sent(self, pk: int, now: datetime) -> None:
        with self._session() as session:
            session.execute(
                update(Delivery)
                .where(col(Delivery.id) == pk)
                .values(status="sent", attempts=Delivery.attempts + 1, sent_at=now, last_error=None)
            )

    def failed(self, pk: int, error: str, retry_at: datetime | None) -> None:
        """Record a failed attempt; without `retry_at` the delivery is given up."""
        values: dict[str, object] = {"attempts": Delivery.attempts + 1, "last_error": error[:500]}
        if retry_at is None:
            values["status"] = "failed"
        else:
            values.update(status="pending", next_attempt_at=retry_at)
        with self._session() as session:
            session.execute(update(Delivery).where(col(Delivery.id) == pk).values(**values))

    def defer(self, pk: int, until: datetime) -> None:
        """Quiet hours: due again at `until`, no attempt spent."""
        with self._session() as session:
            session.execute(
                update(Delivery)
                .where(col(Delivery.id) == pk)
                .values(status="pending", next_attempt_at=until)
            )

    def recover_interrupted(self) -> list[Unsent]:
        """Rows left "sending" by a process that died mid-send go back to
        pending; returns each (as it was found) for the log."""
        with self._session() as session:
            rows = session.exec(
                select(Delivery, Notification)
                .join(Notification, col(Notification.id) == col(Delivery.notification_pk))
                .where(Delivery.status == "sending")
            ).all()
            found = [_unsent(delivery, note) for delivery, note in rows]
            for delivery, _ in rows:
                delivery.status = "pending"
                session.add(delivery)
            return found

    def counts(self) -> dict[str, int]:
        with self._session() as session:
            rows = session.exec(
                select(Delivery.status, sa.func.count()).group_by(col(Delivery.status))
            ).all()
            return {status: int(count) for status, count in rows}

    def problems(self, limit: int = 10) -> list[Unsent]:
        """The latest given-up and unrouted deliveries, newest first."""
        with self._session() as session:
            rows = session.exec(
                select(Delivery, Notification)
                .join(Notification, col(Notification.id) == col(Delivery.notification_pk))
                .where(col(Delivery.status).in_(["failed", "no_match"]))
                .order_by(col(Delivery.id).desc())
                .limit(limit)
            ).all()
            return [_unsent(d, n) for d, n in rows]

    def unsent(self, limit: int = 200) -> list[Unsent]:
        """Waiting and failed deliveries, oldest first."""
        with self._session() as session:
            rows = session.exec(
                select(Delivery, Notification)
                .join(Notification, col(Notification.id) == col(Delivery.notification_pk))
                .where(col(Delivery.status).in_(UNSENT))
                .order_by(col(Delivery.id))
                .limit(limit)
            ).all()
            return [_unsent(d, n) for d, n in rows]

    def retry_failed(self, now: datetime, target: str | None = None) -> int:
        """Queue given-up deliveries (of one target, or all) again, due now with
        their attempts counted afresh. Only failed rows change: a sent one never
        goes out twice, and each row is one notification for one target."""
        query = update(Delivery).where(col(Delivery.status) == "failed")
        if target is not None:
            query = query.where(col(Delivery.target) == target)
        with self._session() as session:
            result = session.execute(
                query.values(status="pending", attempts=0, next_attempt_at=now)
            )
            return int(cast("CursorResult[Any]", result).rowcount)

    def targets(self) -> set[str]:
        """Every target any delivery was queued for."""
        with self._session() as session:
            return set(session.exec(select(Delivery.target).distinct()).all())

    def add_digest(
        self,
        key: str,
        rendered: tuple[str, str],
        facts: dict[str, object],
        targets: Sequence[str],
        now: datetime,
    ) -> bool:
        """Queue one digest, once per `key` (its day); False if it exists."""
        return self._add_once(key, DIGEST, rendered, facts, targets, now)

    def add_notice(
        self, key: str, rendered: tuple[str, str], targets: Sequence[str], now: datetime
    ) -> bool:
        """Queue one notice in its final words (sent as it is, to every format),
        once per `key`; False if it exists."""
        return self._add_once(key, UNRECOGNISED, rendered, None, targets, now)

    def add_once(
        self,
        key: str,
        kind: str,
        rendered: tuple[str, str],
        targets: Sequence[str],
        now: datetime,
        facts: dict[str, object] | None = None,
    ) -> bool:
        """Queue one message of `kind` ("hello", "pickup_reminder") once per
        `key` for the life of the database: in its final words, or rendered
        per target from `facts` when sent; False if it exists."""
        return self._add_once(key, kind, rendered, facts, targets, now)

    def _add_once(
        self,
        key: str,
        kind: str,
        rendered: tuple[str, str],
        facts: dict[str, object] | None,
        targets: Sequence[str],
        now: datetime,
    ) -> bool:
        with self._session() as session:
            if session.exec(select(Notification).where(Notification.dedupe_key == key)).first():
                return False
            title, body = rendered
            note = Notification(
                dedupe_key=key,
                milestone=kind,
                occurrence=1,
                title=title,
                body=body,
                facts=facts,
                created_at=now,
            )
            session.add(note)
            session.flush()
            assert note.id is not None
            reason = "no target has the digest's tags" if kind == DIGEST else "no target"
            add_deliveries(session, note.id, targets, now, no_match=reason)
            return True


def _milestone(value: str) -> Milestone | None:
    """The milestone a notification announces; None for a digest or a notice."""
    try:
        return Milestone(value)
    except ValueError:
        return None


def _due(delivery: Delivery, note: Notification) -> DueDelivery:
    assert delivery.id is not None and note.id is not None
    return DueDelivery(
        pk=delivery.id,
        notification_pk=note.id,
        target=delivery.target,
        attempts=delivery.attempts,
        title=note.title,
        body=note.body,
        milestone=_milestone(note.milestone),
        facts=note.facts,
        kind=note.milestone,
    )


def _unsent(delivery: Delivery, note: Notification) -> Unsent:
    return Unsent(
        delivery.target,
        delivery.status,
        note.title,
        delivery.attempts,
        delivery.next_attempt_at,
        delivery.last_error,
    )
