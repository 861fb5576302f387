"""Opening the database and bringing its schema up to date.

SQLite by default (WAL so readers never block the daemon, foreign keys on, a busy
timeout so a second process waits instead of failing), any SQLAlchemy URL
otherwise.

The SQLite file holds order history, pickup codes and photo links: its directory
is made 0700 and the file 0600 whatever the umask (SQLite gives the -wal and
-shm files the database file's mode, and, when run as root, its owner, so an
administrator's `sudo parcelwatch show` leaves no file the service cannot open).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel, create_engine

SQLITE_BUSY_MS = 30_000
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SIDE_FILES = ("-wal", "-shm", "-journal")


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for another database or an in-memory one."""
    if not url.startswith("sqlite"):
        return None
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def prepare_directory(directory: Path) -> None:
    """Create the database's directory, 0700 whatever the umask, unless it
    exists (an existing one is left as it is). Raises OSError."""
    if directory.is_dir():
        return
    directory.mkdir(parents=True, mode=PRIVATE_DIR, exist_ok=True)
    directory.chmod(PRIVATE_DIR)  # mkdir's mode is filtered through the umask


def create_file(path: Path) -> None:
    """An empty database file, 0600, unless it exists; then take group and
    other access away from it and its side files. Raises OSError."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    os.close(fd)
    make_private(path)


def make_private(path: Path) -> None:
    """Mode 0600 for the database file and its -wal, -shm and -journal files,
    where they exist and have more; files of another owner are left alone."""
    for file in (path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES)):
        try:
            info = file.stat()
        except FileNotFoundError:
            continue
        if info.st_mode & 0o077 and (info.st_uid == os.geteuid() or os.geteuid() == 0):
            file.chmod(PRIVATE_FILE)


def open_engine(url: str, busy_timeout: float) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout})
        sa.event.listen(engine, "connect", _sqlite_pragmas(int(busy_timeout * 1000)))
        return engine
    return create_engine(url, pool_pre_ping=True)


def ensure_schema(engine: Engine) -> None:
    """Create missing tables and columns. Usually there are none, and nothing
    is locked; otherwise the work is done under SQLite's write lock (BEGIN
    IMMEDIATE), so two processes starting at once do not both create a table."""
    if not _missing_schema(sa.inspect(engine)):
        return
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        SQLModel.metadata.create_all(connection)
        add_missing_columns(connection)
        connection.commit()


def _missing_schema(inspector: Any) -> bool:
    tables = set(inspector.get_table_names())
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in tables:
            return True
        present = {column["name"] for column in inspector.get_columns(table.name)}
        if any(column.name not in present for column in table.columns):
            return True
    return False


def add_missing_columns(connection: Connection) -> None:
    """Bring a database made by an older parcelwatch up to date: create_all
    makes missing tables, this adds the nullable columns added since. (Columns
    are only ever added, never changed, so this is the whole migration story.)"""
    inspector = sa.inspect(connection)
    for table in SQLModel.metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            kind = column.type.compile(dialect=connection.dialect)
            connection.execute(
                sa.text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}')
            )


def _sqlite_pragmas(busy_ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect
