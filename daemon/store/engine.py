"""Opening the database and bringing its schema up to date.

SQLite by default (WAL so readers never block the daemon, foreign keys on, a busy
timeout so a second process waits instead of failing), any SQLAlchemy URL
otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, create_engine

SQLITE_BUSY_MS = 30_000


def open_engine(url: str, busy_timeout: float) -> Engine:
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": busy_timeout})
        sa.event.listen(engine, "connect", _sqlite_pragmas(int(busy_timeout * 1000)))
        return engine
    return create_engine(url, pool_pre_ping=True)


def add_missing_columns(engine: Engine) -> None:
    """Bring a database made by an older parcelwatch up to date: create_all
    makes missing tables, this adds the nullable columns added since. (Columns
    are only ever added, never changed, so this is the whole migration story.)"""
    inspector = sa.inspect(engine)
    with engine.begin() as connection:
        for table in SQLModel.metadata.sorted_tables:
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                kind = column.type.compile(dialect=engine.dialect)
                connection.execute(
                    sa.text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}')
                )


def _sqlite_pragmas(busy_ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect
