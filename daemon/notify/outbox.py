"""The outbox table's queries: which deliveries are due, and recording what
happened to each. One row per (notification, target); the notifier works on
rows, so a target that failed is retried alone.

Before a row is handed to Apprise it is claimed (status "sending") in its own
committed transaction, and marked sent right after Apprise answers. A process
killed between the two leaves a "sending" row: at the next start it is sent
again (a target may then show that one message twice), because the opposite
choice could lose it. The window is the few milliseconds of one HTTP exchange.

The claim is one conditional UPDATE (pending -> sending), so two deliverers,
threads or processes or daemons on two machines sharing a PostgreSQL
database, never both send a row: on PostgreSQL the row is picked with
`FOR UPDATE SKIP LOCKED`, so a deliverer never waits for a row another one is
claiming, it moves on. Everything here is Core SQL, so `status` and `outbox`
load no ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from daemon.store import schema
from daemon.store.database import Store
from daemon.store.queueing import add_deliveries
from daemon.store.views import DueDelivery, Unsent
from parsers.model import Milestone

_delivery, _note = schema.delivery, schema.notification
_JOINED = _delivery.join(_note, _note.c.id == _delivery.c.notification_pk)

DIGEST = "digest"
# The daily "parcelwatch could not read N Amazon emails" notice (daemon.notify.hand_raise).
UNRECOGNISED = "unrecognised"
# Deliveries a person may want to see: not sent yet, or given up.
UNSENT = ("pending", "sending", "failed")
# An Unsent value's fields, in its order.
_UNSENT_COLUMNS = (
    _delivery.c.target,
    _delivery.c.status,
    _note.c.title,
    _delivery.c.attempts,
    _delivery.c.next_attempt_at,
    _delivery.c.last_error,
)


class Outbox:
    def __init__(self, store: Store) -> None:
        self._store = store
        # Whose name claims are made in (see act_for); None: a command's.
        self._claimant: str | None = None

    def act_for(self, claimant: str) -> None:
        """Claim deliveries in the name of `claimant`: a daemon's set of mail
        accounts, which one process at a time reads (daemon.store.heartbeat).
        So a daemon restarted after a kill takes back the sends it left
        unfinished, and never those another daemon on the same database is
        making right now."""
        self._claimant = claimant

    def due(self, now: datetime, targets: Sequence[str]) -> list[DueDelivery]:
        query = (
            sa.select(_delivery.c.id, _delivery.c.notification_pk, _delivery.c.target,
                      _delivery.c.attempts, _note.c.title, _note.c.body, _note.c.milestone,
                      _note.c.facts)
            .select_from(_JOINED)
            .where(_delivery.c.status == "pending", _delivery.c.next_attempt_at <= now)
            .where(_delivery.c.target.in_(list(targets)))
            .order_by(_delivery.c.id)
        )  # fmt: skip
        with self._store.reading() as connection:
            return [_due(row) for row in connection.execute(query).mappings()]

    def next_due(self, targets: Sequence[str]) -> datetime | None:
        """When the earliest waiting delivery comes due (a retry, quiet hours)."""
        query = sa.select(sa.func.min(_delivery.c.next_attempt_at)).where(
            _delivery.c.status == "pending", _delivery.c.target.in_(list(targets))
        )
        with self._store.reading() as connection:
            found: datetime | None = connection.execute(query).scalar()
            return found

    def claim(self, pk: int) -> bool:
        """pending -> sending, committed; False when someone else claimed it."""
        with self._store.writing() as connection:
            picked: Any = _delivery.c.id == pk
            if connection.dialect.name == "postgresql":
                picked = _delivery.c.id.in_(
                    sa.select(_delivery.c.id)
                    .where(_delivery.c.id == pk, _delivery.c.status == "pending")
                    .with_for_update(skip_locked=True)
                    .scalar_subquery()
                )
            result = connection.execute(
                _delivery.update()
                .where(picked, _delivery.c.status == "pending")
                .values(status="sending", claimed_by=self._claimant)
            )
            return bool(result.rowcount)

    def sent(self, pk: int, now: datetime) -> None:
        self._update(pk, status="sent", attempts=_delivery.c.attempts + 1, sent_at=now,
                     last_error=None)  # fmt: skip

    def failed(self, pk: int, error: str, retry_at: datetime | None) -> None:
        """Record a failed attempt; without `retry_at` the delivery is given up."""
        values: dict[str, object] = {"attempts": _delivery.c.attempts + 1,
                                     "last_error": error[:500]}  # fmt: skip
        if retry_at is None:
            values["status"] = "failed"
        else:
            values.update(status="pending", next_attempt_at=retry_at)
        self._update(pk, **values)

    def defer(self, pk: int, until: datetime) -> None:
        """Quiet hours: due again at `until`, no attempt spent."""
        self._update(pk, status="pending", next_attempt_at=until)

    def _update(self, pk: int, **values: object) -> None:
        with self._store.writing() as connection:
            connection.execute(_delivery.update().where(_delivery.c.id == pk).values(**values))

    def recover_interrupted(self) -> list[Unsent]:
        """Rows left "sending" by a process that died mid-send go back to
        pending: those claimed in this outbox's name (see act_for), or by a
        version that named no claimant; returns each (as it was found) for the
        log. Another daemon's "sending" rows are its sends in progress."""
        mine: sa.ColumnElement[bool] = _delivery.c.claimed_by.is_(None)
        if self._claimant is not None:
            mine = sa.or_(mine, _delivery.c.claimed_by == self._claimant)
        query = sa.select(_delivery.c.id, *_UNSENT_COLUMNS).select_from(_JOINED)
        with self._store.writing() as connection:
            rows = connection.execute(query.where(_delivery.c.status == "sending", mine)).all()
            if rows:
                connection.execute(
                    _delivery.update()
                    .where(_delivery.c.id.in_([row.id for row in rows]))
                    .where(_delivery.c.status == "sending")
                    .values(status="pending", claimed_by=None)
                )
            return [Unsent(*row[1:]) for row in rows]

    def counts(self) -> dict[str, int]:
        query = sa.select(_delivery.c.status, sa.func.count()).group_by(_delivery.c.status)
        with self._store.reading() as connection:
            return {status: int(count) for status, count in connection.execute(query)}

    def problems(self, limit: int = 10) -> list[Unsent]:
        """The latest given-up and unrouted deliveries, newest first."""
        query = (
            sa.select(*_UNSENT_COLUMNS)
            .select_from(_JOINED)
            .where(_delivery.c.status.in_(["failed", "no_match"]))
            .order_by(_delivery.c.id.desc())
            .limit(limit)
        )
        with self._store.reading() as connection:
            return [Unsent(*row) for row in connection.execute(query)]

    def unsent(self, limit: int = 200) -> list[Unsent]:
        """Waiting and failed deliveries, oldest first."""
        query = (
            sa.select(*_UNSENT_COLUMNS)
            .select_from(_JOINED)
            .where(_delivery.c.status.in_(UNSENT))
            .order_by(_delivery.c.id)
            .limit(limit)
        )
        with self._store.reading() as connection:
            return [Unsent(*row) for row in connection.execute(query)]

    def retry_failed(self, now: datetime, target: str | None = None) -> int:
        """Queue given-up deliveries (of one target, or all) again, due now with
        their attempts counted afresh. Only failed rows change: a sent one never
        goes out twice, and each row is one notification for one target."""
        query = _delivery.update().where(_delivery.c.status == "failed")
        if target is not None:
            query = query.where(_delivery.c.target == target)
        with self._store.writing() as connection:
            result = connection.execute(
                query.values(status="pending", attempts=0, next_attempt_at=now)
            )
            return int(result.rowcount)

    def targets(self) -> set[str]:
        """Every target any delivery was queued for."""
        with self._store.reading() as connection:
            return set(connection.execute(sa.select(_delivery.c.target).distinct()).scalars())

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
        title, body = rendered
        with self._store.writing() as connection:
            known = sa.select(_note.c.id).where(_note.c.dedupe_key == key)
            if connection.execute(known).first() is not None:
                return False
            pk = connection.execute(
                _note.insert().values(dedupe_key=key, milestone=kind, occurrence=1, title=title,
                                      body=body, facts=facts, created_at=now)
                .returning(_note.c.id)
            ).scalar_one()  # fmt: skip
            reason = "no target has the digest's tags" if kind == DIGEST else "no target"
            add_deliveries(connection, pk, targets, now, no_match=reason)
            return True


def _milestone(value: str) -> Milestone | None:
    """The milestone a notification announces; None for a digest or a notice."""
    try:
        return Milestone(value)
    except ValueError:
        return None


def _due(row: Any) -> DueDelivery:
    return DueDelivery(
        pk=row["id"],
        notification_pk=row["notification_pk"],
        target=row["target"],
        attempts=row["attempts"],
        title=row["title"],
        body=row["body"],
        milestone=_milestone(row["milestone"]),
        facts=row["facts"],
        kind=row["milestone"],
    )
