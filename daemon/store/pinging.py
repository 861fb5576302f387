"""Checking a pooled connection to a database server before use, when it sat
idle long enough for the server to have gone away meanwhile.

SQLAlchemy's `pool_pre_ping` asks the server on every checkout: a round trip
per transaction, a tenth of an email's recording time on PostgreSQL during an
import, where connections go back and forth many times a second. A connection
used moments ago is trusted; one idle for `IDLE_SECONDS` is asked first, and
replaced when the server does not answer (a restart, a network cut while the
daemon waited for mail). A server gone within those seconds fails the
statement instead: a transient error, retried on the next pass, and the pool
starts afresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine

IDLE_SECONDS = 2.0
_USED = "parcelwatch_used_at"


def ping_when_idle(engine: Engine, clock: Callable[[], float] = time.monotonic) -> None:
    """Check `engine`'s connections on checkout once idle `IDLE_SECONDS`."""

    def checkin(dbapi_connection: Any, record: Any) -> None:
        record.info[_USED] = clock()

    def checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        used = record.info.get(_USED)
        if used is not None and clock() - used < IDLE_SECONDS:
            return
        try:  # the dialect's own ping, as pool_pre_ping's (outside any transaction)
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise sa_exc.DisconnectionError(str(type(exc).__name__)) from None

    sa.event.listen(engine, "checkin", checkin)
    sa.event.listen(engine, "checkout", checkout)
