"""How the columns the reading commands use are stored in SQLite, and turned
back into Python values as SQLAlchemy's column types would: times as aware
UTC datetimes, days as dates, JSON decoded, flags as bools. Columns not named
here are text or integers, read as they are.

tests/daemon/store/test_lite.py checks these tables against the schema
(daemon.store.schema), so a new typed column cannot be read raw by mistake."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

Convert = Callable[[Any], Any]


def utc(text: str) -> datetime:
    """A UTC time as SQLAlchemy stores it ("2026-12-03 10:00:00.000000")."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def day(text: str) -> date:
    return date.fromisoformat(text)


def flag(value: int) -> bool:
    return bool(value)


_TRACKED: dict[str, Convert] = {
    "eta_start": day, "eta_end": day, "occurrences": json.loads, "items": json.loads,
    "created_at": utc, "updated_at": utc, "archived_at": utc,
}  # fmt: skip

# The typed columns of each table the reading commands read.
TYPED: dict[str, dict[str, Convert]] = {
    "shipment": {
        **_TRACKED,
        "pickup_deadline": day,
        "delivered_at": utc,
        "last_event_at": utc,
        "finished": flag,
    },
    "orders": {**_TRACKED, "placed_at": utc, "shipped": flag},
    "shipmentorder": {},
    "carriercheck": {
        "next_check_at": utc,
        "last_checked_at": utc,
        "done": flag,
        "stale_notified": flag,
    },
    "timelineevent": {"eta_start": day, "eta_end": day, "occurred_at": utc, "recorded_at": utc},
    "accountstatus": {"last_success_at": utc, "last_error_at": utc},
    "daemonrecord": {"started_at": utc, "heartbeat_at": utc, "stopped_at": utc},
    "delivery": {"next_attempt_at": utc, "sent_at": utc},
}


def row_values(
    names: Sequence[str], values: Sequence[Any], typed: Mapping[str, Convert]
) -> dict[str, Any]:
    """One row as {column: value}, each typed column converted (NULL stays None)."""
    out: dict[str, Any] = {}
    for name, value in zip(names, values, strict=True):
        convert = typed.get(name)
        out[name] = value if value is None or convert is None else convert(value)
    return out
