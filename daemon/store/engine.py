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

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from daemon.store import schema
from daemon.store.migrations import HEAD
from daemon.store.pinging import ping_when_idle

SQLITE_BUSY_MS = 30_000
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SIDE_FILES = ("-wal", "-shm", "-journal")
VERSION_TABLE = "alembic_version"
log = logging.getLogger(__name__)
# Any number, the same in every process: the key of the migration lock on PostgreSQL.
_MIGRATION_LOCK = 0x70617263656C


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
        engine = sa.create_engine(url, connect_args={"timeout": busy_timeout})
        sa.event.listen(engine, "connect", _sqlite_pragmas(int(busy_timeout * 1000)))
    else:
        engine = sa.create_engine(url)
        ping_when_idle(engine)
    schema.where_for(engine.dialect.name)
    return engine


def ensure_schema(engine: Engine) -> None:
    """Bring the database to the newest schema (daemon.store.migrations). Usually
    it is there already: one query, and nothing is locked. Otherwise the work is
    done under a lock (SQLite's write lock, a PostgreSQL advisory lock), so two
    processes starting at once do not both migrate: a new database gets the
    tables of daemon.store.schema, an older one Alembic's revisions."""
    with engine.connect() as connection:
        if _revision(connection) == HEAD:
            return
    with engine.connect() as connection:
        _lock(connection)
        revision = _revision(connection)
        if revision != HEAD:
            _migrate(connection, revision)
        connection.commit()


def _revision(connection: Connection) -> str | None:
    """The database's Alembic revision; None for a new database or one made
    before migrations."""
    if not sa.inspect(connection).has_table(VERSION_TABLE):
        return None
    found = connection.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").first()
    return None if found is None else str(found[0])


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})


def _migrate(connection: Connection, revision: str | None) -> None:
    """A new database gets the newest schema at once, and its revision, written
    as Alembic writes it; an older one Alembic's revisions (loaded only then)."""
    if revision is None and not sa.inspect(connection).get_table_names():
        schema.metadata.create_all(connection)
        version = sa.Table(VERSION_TABLE, sa.MetaData(),
                           sa.Column("version_num", sa.String(32), primary_key=True))  # fmt: skip
        version.create(connection)
        connection.execute(version.insert().values(version_num=HEAD))
        return
    # Alembic's lines are for developers; some are logged as it is imported.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "daemon.store:migrations")
    config.attributes["connection"] = connection
    log.info("bringing the database's schema up to date (revision %s)", HEAD)
    command.upgrade(config, "head")


def _sqlite_pragmas(busy_ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect
