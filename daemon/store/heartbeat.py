"""Which `parcelwatch run` reads which mail accounts of the database: one row
per set of accounts, that the daemon claims at start, renews while it runs
(its heartbeat) and marks stopped at the end.

Two daemons may share one database (PostgreSQL, two machines) when they read
different accounts; a second `run` for an account another running daemon
reads is refused, with who holds it, instead of doubling the IMAP work. A
daemon killed without a word (SIGKILL, a power cut) leaves a row that looks
alive until its heartbeat is older than `STALE`; on the same host a dead
process id ends that wait at once, so systemd's restart is not refused.

The claim is a compare-and-set on the row of the account set (the update
names the holder it read), so two daemons starting together for the same
accounts cannot both win, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from daemon.store import schema
from daemon.store.alive import SEPARATOR, Alive, daemon_view, running, scope_of
from daemon.store.database import Store
from daemon.store.views import DaemonView

_row_table = schema.daemonrecord

_CLAIM_ATTEMPTS = 5


class Heartbeat:
    """The rows of one store, seen by the daemon that reads `accounts`."""

    def __init__(self, store: Store, accounts: Sequence[str] = ()) -> None:
        self._store = store
        self._scope = scope_of(accounts)

    def read(self) -> DaemonView | None:
        """The row of this set of accounts."""
        return next((view for view in self.read_all() if _scope(view) == self._scope), None)

    def read_all(self) -> list[DaemonView]:
        """Every daemon that used the database, most recently heard from first."""
        query = sa.select(_row_table).order_by(_row_table.c.heartbeat_at.desc())
        with self._store.reading() as connection:
            return [daemon_view(row) for row in connection.execute(query).mappings()]

    def claim(self, me: DaemonView, alive: Alive) -> DaemonView | None:
        """Make `me` the daemon of its accounts, unless another running one holds
        the same set, or any of its accounts: then that one, and nothing changes."""
        me = DaemonView(me.pid, me.host, me.started_at, me.heartbeat_at, me.stopped_at,
                        me.reload_command, tuple(sorted(set(self._split()))))  # fmt: skip
        for _ in range(_CLAIM_ATTEMPTS):
            views = self.read_all()
            for other in views:
                if _overlaps(other, me) and running(other, me.started_at, me.host, alive):
                    return other
            held = next((view for view in views if _scope(view) == self._scope), None)
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
        self._update(pid, heartbeat_at=now)

    def release(self, pid: int, now: datetime) -> None:
        """Stopped cleanly."""
        self._update(pid, heartbeat_at=now, stopped_at=now)

    def _update(self, pid: int, **values: Any) -> None:
        with self._store.writing() as connection:
            connection.execute(
                _row_table.update()
                .where(_row_table.c.scope == self._scope, _row_table.c.pid == pid)
                .values(**values)
            )

    def _split(self) -> list[str]:
        return self._scope.split(SEPARATOR) if self._scope else []

    def _insert(self, me: DaemonView) -> bool:
        try:
            with self._store.writing() as connection:
                connection.execute(
                    _row_table.insert().values({**_values(me), "scope": self._scope})
                )
        except IntegrityError:
            return False  # another daemon inserted it meanwhile: read it again
        return True

    def _replace(self, held: DaemonView, me: DaemonView) -> bool:
        with self._store.writing() as connection:
            result = connection.execute(
                _row_table.update()
                .where(
                    _row_table.c.scope == self._scope,
                    _row_table.c.pid == held.pid,
                    _row_table.c.host == held.host,
                    _row_table.c.started_at == held.started_at,
                )
                .values(_values(me))
            )
            return bool(result.rowcount)


def _overlaps(other: DaemonView, me: DaemonView) -> bool:
    """Another daemon (not this process under another set) reading one of my accounts."""
    if (other.pid, other.host) == (me.pid, me.host) or other.accounts == me.accounts:
        return False
    return bool(set(other.accounts) & set(me.accounts))


def _scope(view: DaemonView) -> str:
    return SEPARATOR.join(view.accounts)


def _values(view: DaemonView) -> dict[str, Any]:
    return {
        "pid": view.pid,
        "host": view.host,
        "started_at": view.started_at,
        "heartbeat_at": view.heartbeat_at,
        "stopped_at": None,
        "reload_command": view.reload_command,
    }
