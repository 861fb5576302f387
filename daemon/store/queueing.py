"""Queueing a notification's deliveries: one outbox row per target, written
in the caller's transaction (recording an email, a digest, a notice)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.engine import Connection

from daemon.store import schema


def add_deliveries(
    connection: Connection, notification_pk: int, targets: Sequence[str], now: datetime, *,
    no_match: str,
) -> None:  # fmt: skip
    """Write the outbox rows of `delivery_rows`."""
    connection.execute(schema.delivery.insert(), delivery_rows(notification_pk, targets, now,
                                                               no_match=no_match))  # fmt: skip


def delivery_rows(
    notification_pk: int, targets: Sequence[str], now: datetime, *, no_match: str
) -> list[dict[str, object]]:
    """One outbox row per target; a lone "no_match" row when routing chose none
    (so it is visible, and never retried)."""
    rows: list[dict[str, object]] = [
        {"notification_pk": notification_pk, "target": target, "status": "pending",
         "attempts": 0, "next_attempt_at": now, "last_error": None}
        for target in targets
    ]  # fmt: skip
    if not rows:
        rows = [{"notification_pk": notification_pk, "target": "-", "status": "no_match",
                 "attempts": 0, "next_attempt_at": now, "last_error": no_match}]  # fmt: skip
    return rows
