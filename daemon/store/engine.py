"""Opening the database and bringing its schema up to date.

SQLite by default (WAL so readers never block the daemon, foreign keys on, a busy
timeout so a second process waits instead of failing), any SQLAlchemy URL
otherwise. (daemon.store.files makes the SQLite file, private.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from daemon.store import schema
from daemon.store.migrations import HEAD
from daemon.store.pinging import ping_when_idle

SQLITE_BUSY_MS = 30_000
VERSION_TABLE = "alembic_version"
log = logging.getLogger(__name__)
# Any number, the same in every process: the key of the migration lock on PostgreSQL.
_MIGRATION_LOCK = 0x70617263656C


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
