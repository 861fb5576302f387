"""Whether a daemon row (daemon.store.heartbeat) belongs to a daemon that
runs, and how its mail accounts are named: shared by the heartbeat, which
writes the rows, and `status`, which reads them without the store's
database library."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from daemon.store.views import DaemonView

SEPARATOR = ", "

# The daemon renews its heartbeat at every wake-up (at least once a minute).
STALE = timedelta(minutes=5)

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


def scope_of(accounts: Iterable[str]) -> str:
    """How a set of mail accounts is named in the database (the daemon row's
    scope, a delivery's claimant)."""
    return SEPARATOR.join(sorted(set(accounts)))


def daemon_view(row: Mapping[Any, Any]) -> DaemonView:
    """The view of a daemonrecord row."""
    scope = row["scope"]
    return DaemonView(
        pid=row["pid"],
        host=row["host"],
        started_at=row["started_at"],
        heartbeat_at=row["heartbeat_at"],
        stopped_at=row["stopped_at"],
        reload_command=row["reload_command"],
        accounts=tuple(scope.split(SEPARATOR)) if scope else (),
    )
