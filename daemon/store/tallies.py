"""Counts of what the database holds, for the Prometheus metrics: read at
scrape time, so they are the same whichever process (`run`, `web`) serves
them, and survive restarts. A few grouped queries, cheap at any size a
household reaches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from daemon.store import schema
from parsers.model import UNRECOGNISED

REJECTED_PREFIX = "rejected: "  # how a look-alike's parse error begins (parsers.registry)


@dataclass(frozen=True)
class Histogram:
    """Cumulative counts per upper bound (seconds), as Prometheus wants them."""

    buckets: tuple[tuple[float, int], ...]
    count: int
    total: float


@dataclass(frozen=True)
class Tallies:
    # (status, archived) -> shipments; status is the one a person sees
    # (after-sale, else side, else progress), "unknown" before any milestone.
    shipments: dict[tuple[str, bool], int]
    # (target, delivery status) -> outbox rows
    deliveries: dict[tuple[str, str], int]
    # outcome -> emails: read, ignored, unrecognised, rejected, error
    emails: dict[str, int]
    parse_seconds: Histogram


def gather_tallies(connection: Connection, bounds: Sequence[float]) -> Tallies:
    return Tallies(
        shipments=_shipments(connection),
        deliveries=_deliveries(connection),
        emails=_emails(connection),
        parse_seconds=_parse_histogram(connection, bounds),
    )


def _shipments(connection: Connection) -> dict[tuple[str, bool], int]:
    ship = schema.shipment
    archived = ship.c.archived_at.is_not(None)
    status = sa.func.coalesce(ship.c.after_sale, ship.c.side, ship.c.progress, "unknown")
    rows = connection.execute(
        sa.select(status, archived, sa.func.count()).group_by(status, archived)
    )
    return {(str(state), bool(old)): int(n) for state, old, n in rows}


def _deliveries(connection: Connection) -> dict[tuple[str, str], int]:
    delivery = schema.delivery
    rows = connection.execute(
        sa.select(delivery.c.target, delivery.c.status, sa.func.count()).group_by(
            delivery.c.target, delivery.c.status
        )
    )
    return {(target, status): int(n) for target, status, n in rows}


def _emails(connection: Connection) -> dict[str, int]:
    message = schema.processedmessage
    error = message.c.error
    outcome = sa.case(
        (error.like(UNRECOGNISED + "%"), "unrecognised"),
        (error.like(REJECTED_PREFIX + "%"), "rejected"),
        (error.is_not(None), "error"),
        (message.c.parser.is_(None), "ignored"),
        else_="read",
    )
    rows = connection.execute(sa.select(outcome, sa.func.count()).group_by(outcome))
    return {str(kind): int(n) for kind, n in rows}


def _parse_histogram(connection: Connection, bounds: Sequence[float]) -> Histogram:
    seconds = schema.processedmessage.c.parse_seconds
    columns = [sa.func.count(sa.case((seconds <= bound, 1))) for bound in bounds]
    row = connection.execute(
        sa.select(sa.func.count(seconds), sa.func.coalesce(sa.func.sum(seconds), 0.0), *columns)
    ).one()
    values: list[Any] = list(row)
    count, total, counts = values[0], values[1], values[2:]
    return Histogram(
        buckets=tuple(zip(bounds, (int(c) for c in counts), strict=True)),
        count=int(count),
        total=float(total or 0.0),
    )
