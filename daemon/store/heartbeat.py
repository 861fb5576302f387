"""Which `parcelwatch run` uses the database: one row that the daemon claims at
start, renews while it runs (its heartbeat) and marks stopped at the end.

`status` reads it to say whether a daemon is running; a second `run` reads it to
say who holds the database instead of doubling the IMAP work. A daemon killed
without a word (SIGKILL, a power cut) leaves a row that looks alive until its
heartbeat is older than `STALE`; on the same host a dead process id ends that
wait at once, so systemd's restart is not refused.

The claim is a compare-and-set on the row (the update names the holder it read),
so two daemons starting together cannot both win, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, update

from daemon.store.database import Store
from daemon.store.tables import DaemonRecord
from daemon.store.views import DaemonView

# The daemon renews its heartbeat at every wake-up (at least once a minute).
STALE = timedelta(minutes=5)
_ROW = 1
_CLAIM_ATTEMPTS = 5

Alive = Callable[[int], bool]


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host (signal 0 checks
    without sending anything; another user's process answers EPERM)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running(view: DaemonView | None, now: datetime, host: str, alive: Alive) -> bool:
    """Whether the daemon of `view` is running, as seen from `host` at `now`:
    not stopped, heard from within STALE, and (on this host) its process exists."""
    if view is None or view.stopped_at is not None:
        return False
    if now - view.heartbeat_at > STALE:
        return False
    return view.host != host or alive(view.pid)


class Heartbeat:
    def __init__(self, store: Store) -> None:
        self._store = store

    def read(self) -> DaemonView | None:
        with self._store.transaction() as session:
            row = session.get(DaemonRecord, _ROW)
            return None if row is None else _view(row)

    def claim(self, me: DaemonView, alive: Alive) -> DaemonView | None:
        """Make `me` the database's daemon, unless another running one holds it:
        then that one, and nothing changes."""
        for _ in range(_CLAIM_ATTEMPTS):
            held = self.read()
            if held is None:
                if self._insert(me):
                    return None
                continue
            if (held.pid, held.host) != (me.pid, me.host) and running(
                held, me.started_at, me.host, alive
            ):
                return held
            if self._replace(held, me):
                return None
        raise RuntimeError("the daemon row kept changing while it was claimed")

    def beat(self, pid: int, now: datetime) -> None:
        """Still running (only the holder's row is touched)."""
        with self._store.transaction() as session:
            session.execute(
                update(DaemonRecord)
                .where(col(DaemonRecord.id) == _ROW, col(DaemonRecord.pid) == pid)
                .values(heartbeat_at=now)
            )

    def release(self, pid: int, now: datetime) -> None:
        """Stopped cleanly."""
        with self._store.transaction() as session:
            session.execute(
                update(DaemonRecord)
                .where(col(DaemonRecord.id) == _ROW, col(DaemonRecord.pid) == pid)
                .values(heartbeat_at=now, stopped_at=now)
            )

    def _insert(self, me: DaemonView) -> bool:
        try:
            with self._store.transaction() as session:
                session.add(_row(me))
        except IntegrityError:
            return False  # another daemon inserted it meanwhile: read it again
        return True

    def _replace(self, held: DaemonView, me: DaemonView) -> bool:
        with self._store.transaction() as session:
            result = session.execute(
                update(DaemonRecord)
                .where(
                    col(DaemonRecord.id) == _ROW,
                    col(DaemonRecord.pid) == held.pid,
                    col(DaemonRecord.host) == held.host,
                    col(DaemonRecord.started_at) == held.started_at,
                )
                .values(
                    pid=me.pid,
                    host=me.host,
                    started_at=me.started_at,
                    heartbeat_at=me.heartbeat_at,
                    stopped_at=None,
                    reload_command=me.reload_command,
                )
            )
            return bool(cast("CursorResult[Any]", result).rowcount)


def _row(view: DaemonView) -> DaemonRecord:
    return DaemonRecord(
        id=_ROW,
        pid=view.pid,
        host=view.host,
        started_at=view.started_at,
        heartbeat_at=view.heartbeat_at,
        stopped_at=None,
        reload_command=view.reload_command,
    )


def _view(row: DaemonRecord) -> DaemonView:
    return DaemonView(
        pid=row.pid,
        host=row.host,
        started_at=row.started_at,
        heartbeat_at=row.heartbeat_at,
        stopped_at=row.stopped_at,
        reload_command=row.reload_command,
    )
