"""What differs between reading SQLite through sqlite3 and PostgreSQL through
psycopg, for the same hand-written SELECTs: the parameter mark, how flags are
written, how a batch of keys is passed, where the schema's revision is found,
and which stored values still need turning into Python ones.

The SQL of daemon.store.lite.store is written once, with these as its words;
tests/daemon/store/test_lite.py compares each dialect's rendering of the
partial indexes' conditions with what SQLAlchemy compiles from the schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from daemon.store.lite.values import TYPED, Convert


@dataclass(frozen=True)
class Dialect:
    """One database's way of saying the few things that differ."""

    name: str
    mark: str  # a parameter's placeholder
    false: str
    true: str
    among: str  # "column {among}": the column is one of a batch of keys
    revision_table: str  # a SELECT of one count: has the schema a version table?
    batch: Callable[[Sequence[int]], object]  # a batch of keys as one parameter
    typed: Mapping[str, Mapping[str, Convert]]  # per table: column -> conversion

    def travelling(self) -> str:
        return f"shipment.finished = {self.false} AND shipment.archived_at IS NULL"

    def ended(self) -> str:
        return f"shipment.finished = {self.true} AND shipment.archived_at IS NULL"

    def unshipped(self) -> str:
        return f"orders.shipped = {self.false}"


def _json_keys(pks: Sequence[int]) -> object:
    """SQLite: the keys as one JSON text, read by json_each, so that no query
    grows with the batch nor meets the limit on parameters."""
    return json.dumps([int(pk) for pk in pks])


def _array_keys(pks: Sequence[int]) -> object:
    """PostgreSQL: the keys as one array parameter (psycopg sends a list so)."""
    return [int(pk) for pk in pks]


def _naive_utc(value: datetime) -> datetime:
    """PostgreSQL hands back the stored UTC time as a naive datetime."""
    return value.replace(tzinfo=UTC)


# psycopg already returns dates, decoded JSON and booleans; only the times,
# stored without a zone as the Store writes them, need theirs.
_POSTGRES_CONVERT: Mapping[str, Convert | None] = {
    "utc": _naive_utc,
    "day": None,
    "loads": None,
    "flag": None,
}


def _postgres_typed() -> dict[str, dict[str, Convert]]:
    """values.TYPED with PostgreSQL's conversions: the same columns, so the
    table of typed columns is kept in one place."""
    out: dict[str, dict[str, Convert]] = {}
    for table, columns in TYPED.items():
        converted = {name: _POSTGRES_CONVERT[convert.__name__] for name, convert in columns.items()}
        out[table] = {name: convert for name, convert in converted.items() if convert is not None}
    return out


SQLITE = Dialect(
    name="sqlite",
    mark="?",
    false="0",
    true="1",
    among="IN (SELECT value FROM json_each(?))",
    revision_table=(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ),
    batch=_json_keys,
    typed=TYPED,
)

POSTGRES = Dialect(
    name="postgresql",
    mark="%s",
    false="false",
    true="true",
    among="= ANY(%s)",
    revision_table=(
        "SELECT count(*) AS n FROM information_schema.tables"
        " WHERE table_schema = current_schema() AND table_name = 'alembic_version'"
    ),
    batch=_array_keys,
    typed=_postgres_typed(),
)


def typed_of(dialect: Dialect, *tables: str) -> dict[str, Convert]:
    """The conversions of the columns of `tables`, merged (for a join)."""
    merged: dict[str, Convert] = {}
    for table in tables:
        merged.update(dialect.typed[table])
    return merged
