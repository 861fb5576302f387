"""Writing what a transaction of daemon.store.rows waited to write: new rows,
changed columns, links and timeline lines.

On PostgreSQL they go out as one statement, all but one in WITH clauses, so an
email's recording costs a round trip for its writes instead of one per row
(with the keys of new rows taken ahead: daemon.store.keys). Elsewhere (SQLite,
in-process, where a statement costs no round trip) each is a statement of its
own, the rows of a table in one executemany.

Statements are built once per shape (table, columns, place in the combined
statement) with named parameters, and the values passed at execution: a
statement built around its values would be built, keyed and compiled anew for
every row, which cost more than the round trips saved.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


class AlreadyRecordedError(Exception):
    """The guard (a message's row) was there already: the transaction is to be
    rolled back, having recorded nothing."""


class NeedsTransactionError(Exception):
    """Writes meant to go out as one statement would have to be made before
    the end (a query must see them): nothing was written, and the work is to
    be done again in a transaction."""


@dataclass(frozen=True)
class Write:
    """An INSERT of `values` into `table`, or with `row_pk` an UPDATE of that row."""

    table: sa.Table
    values: dict[str, Any]
    row_pk: int | None = None


@dataclass(frozen=True)
class Guard:
    """An INSERT ... RETURNING a key that returns no row when what it inserts
    is there already (daemon.store.messages): the first of the writes, and
    none of them stands if it returns nothing."""

    statement: sa.Insert
    values: dict[str, Any]


def write_each(connection: Connection, writes: Sequence[Write]) -> None:
    """The writes in turn: the INSERTs of one table and columns as one executemany."""
    inserts: dict[tuple[sa.Table, tuple[str, ...]], list[dict[str, Any]]] = {}
    for write in writes:
        if write.row_pk is None:
            inserts.setdefault((write.table, tuple(write.values)), []).append(write.values)
        else:
            update = _update(write.table, tuple(write.values), "set_")
            params = {f"set_{name}": value for name, value in write.values.items()}
            connection.execute(update, {**params, "set_row_pk": write.row_pk})
    for (table, _), rows in inserts.items():
        connection.execute(table.insert(), rows)


def guarded(connection: Connection, guard: Guard) -> int:
    """The guard alone: the key it returned. Raises AlreadyRecordedError."""
    key = connection.execute(guard.statement, guard.values).scalar()
    if key is None:
        raise AlreadyRecordedError
    return int(key)


def write_combined(connection: Connection, writes: Sequence[Write], guard: Guard | None) -> None:
    """The guard and the writes as one statement (PostgreSQL). Raises
    AlreadyRecordedError when the guard returns nothing.

    An INSERT names only the columns given a value; the others are NULL, as
    named with None (no column of these tables has a default that NULL would
    override: schema.py). A new parcel's email then has under 50 parameters,
    the most for which psycopg converts a statement's text once and keeps it,
    instead of at every execution (0.3-0.7 ms each)."""
    if guard is None and len(writes) == 1:
        write_each(connection, writes)
        return
    parts: list[sa.Insert | sa.Update] = []
    params: dict[str, Any] = {}
    for n, write in enumerate(writes):
        prefix, values = f"w{n}_", write.values
        if write.row_pk is None:
            values = {name: value for name, value in values.items() if value is not None}
            parts.append(_insert(write.table, tuple(values), prefix))
        else:
            parts.append(_update(write.table, tuple(values), prefix))
            params[f"{prefix}row_pk"] = write.row_pk
        params.update({prefix + name: value for name, value in values.items()})
    if guard is None:
        statement = _with(parts[-1], tuple(parts[:-1]))
        connection.execute(statement, params)
        return
    params.update(guard.values)
    if connection.execute(_with(guard.statement, tuple(parts)), params).scalar() is None:
        raise AlreadyRecordedError


@functools.lru_cache(maxsize=512)
def _insert(table: sa.Table, columns: tuple[str, ...], prefix: str) -> sa.Insert:
    return table.insert().values({name: _param(table, name, prefix) for name in columns})


@functools.lru_cache(maxsize=512)
def _update(table: sa.Table, columns: tuple[str, ...], prefix: str) -> sa.Update:
    values = {name: _param(table, name, prefix) for name in columns}
    return table.update().where(table.c.id == sa.bindparam(f"{prefix}row_pk")).values(values)


def _param(table: sa.Table, name: str, prefix: str) -> sa.BindParameter[Any]:
    return sa.bindparam(prefix + name, type_=table.c[name].type)


@functools.lru_cache(maxsize=512)
def _with(first: sa.Insert | sa.Update, rest: tuple[sa.Insert | sa.Update, ...]) -> sa.Executable:
    """`first` with `rest` in WITH clauses, which run whether or not anything
    refers to them, all in one snapshot; the foreign keys are checked at the end
    of the statement, so a row may refer to one inserted beside it."""
    if not rest:
        return first
    return first.add_cte(*(part.cte(f"write_{n}") for n, part in enumerate(rest)))
