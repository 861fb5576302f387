"""The schema is brought up to date by Alembic's revisions: a database made by
parcelwatch before migrations (the demo's, dumped from the version before
them), an older one missing later tables and columns, and the frozen baseline
on either database all end up with the schema a new database gets, and keep
their data."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from daemon.store import schema
from daemon.store.database import Store
from daemon.store.migrations import HEAD
from daemon.store.migrations.versions.r0001_baseline import baseline
from tests.support.history import NOW, fill

pytestmark = pytest.mark.storage

BEFORE = Path(__file__).with_name("fixtures") / "before_migrations.sql"
ORDER = "113-4829105-7730624"
ROOT = Path(__file__).resolve().parents[3]


def from_dump(path: Path, *extra: str) -> str:
    """A SQLite file made from the dump of a database before migrations, with
    `extra` statements run on it; its URL."""
    connection = sqlite3.connect(path)
    connection.executescript(BEFORE.read_text())
    for statement in extra:
        connection.execute(statement)
    connection.commit()
    connection.close()
    return f"sqlite:///{path}"


def differences(url: str) -> list[object]:
    """What Alembic's comparison finds between the database and schema.py."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            found = compare_metadata(MigrationContext.configure(connection), schema.metadata)
    finally:
        engine.dispose()
    return list(found)


def shipment_indexes(url: str) -> dict[str, str]:
    """The shipment table's indexes and the condition of each partial one
    (lower case, without brackets; "" for a whole index). Alembic's comparison
    does not look at conditions."""
    engine = sa.create_engine(url)
    try:
        found = sa.inspect(engine).get_indexes("shipment")
    finally:
        engine.dispose()
    conditions = {}
    for index in found:
        options = index.get("dialect_options", {})
        where = str(next((v for k, v in options.items() if k.endswith("_where")), ""))
        plain = where.replace("(", "").replace(")", "").lower()
        conditions[str(index["name"])] = " ".join(plain.split())
    return conditions


# Archiving writes each shipment anew on PostgreSQL, with an entry in every
# index that holds it: the look-ups by number hold only shipments that have one.
IDENTITY_INDEXES = {
    "ix_shipment_tracking_number": "tracking_number is not null",
    "ix_shipment_amazon_shipment_id": "amazon_shipment_id is not null",
}


def revision(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            return str(found.scalar())
    finally:
        engine.dispose()


def test_the_demo_database_of_the_version_before_is_brought_up_to_date(tmp_path: Path) -> None:
    url = from_dump(
        tmp_path / "old.db",
        # a parcel on its way, typed by hand with spaces and in lower case
        "INSERT INTO shipment (progress, occurrences, items, created_at, updated_at, "
        "tracking_number, carrier) VALUES ('shipped', '{}', '[]', '2026-12-01 10:00:00', "
        "'2026-12-01 10:00:00', '1z a6w 684 0396542128', 'ups')",
        "INSERT INTO orders (progress, occurrences, items, created_at, updated_at, order_id) "
        "VALUES ('ordered', '{}', '[]', '2026-12-01 10:00:00', '2026-12-01 10:00:00', "
        "'111-0000000-0000001')",
    )
    store = Store(url)
    try:
        assert revision(url) == HEAD
        assert differences(url) == []
        order = store.find_order(ORDER)
        assert order is not None and len(order.shipments) == 2
        assert all(not s.active for s in order.shipments)  # both delivered, before and after
        [travelling] = store.shipments()
        assert travelling.tracking_number == "1ZA6W6840396542128"
        assert [s.pk for s in store.find_shipments("1za6w6840396542128")] == [travelling.pk]
        unshipped = store.unshipped_orders()
        assert [o.order_id for o in unshipped] == ["111-0000000-0000001"]
        assert len(store.shipments(include_finished=True)) == 5
    finally:
        store.close()


def test_an_upgrade_says_one_line_and_none_of_alembics(tmp_path: Path) -> None:
    """A person who upgraded runs `list` and sees why it took a moment, not
    Alembic's developer lines (some of which it logs as it is imported)."""
    url = from_dump(tmp_path / "old.db")
    config = tmp_path / "config.toml"
    config.write_text(f'[general]\nstate_dir = "{tmp_path}"\ndatabase_url = "{url}"\n')
    done = subprocess.run(
        [sys.executable, "-m", "daemon.cli", "--config", str(config), "list"],
        cwd=ROOT, env={**os.environ, "HOME": str(tmp_path)}, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert [line for line in lines if "bringing the database's schema up to date" in line]
    assert [line for line in lines if "alembic" in line.lower()] == []
    assert revision(url) == HEAD


def test_an_older_database_gets_the_tables_and_columns_it_lacks(tmp_path: Path) -> None:
    url = from_dump(
        tmp_path / "older.db",
        "DROP TABLE unreademail",
        "ALTER TABLE processedmessage DROP COLUMN parse_seconds",
        "ALTER TABLE accountstatus DROP COLUMN waiting_fix",
    )
    Store(url).close()
    assert revision(url) == HEAD
    assert differences(url) == []


def test_the_baseline_schema_is_migrated_on_either_database(database_url: str) -> None:
    path = sa.engine.make_url(database_url).database
    if database_url.startswith("sqlite") and path:
        Path(path).parent.mkdir(parents=True)
    engine = sa.create_engine(database_url)
    try:
        baseline().create_all(engine)
    finally:
        engine.dispose()
    store = Store(database_url)
    try:
        fill(store, 200)
        assert revision(database_url) == HEAD
        assert differences(database_url) == []
        indexes = shipment_indexes(database_url)
        assert indexes.items() >= IDENTITY_INDEXES.items()
        assert "ix_shipment_updated_at" not in indexes
        assert len(store.shipments()) == 2
    finally:
        store.close()


def test_a_new_database_has_the_schema_at_once(database_url: str) -> None:
    Store(database_url).close()
    assert revision(database_url) == HEAD
    assert differences(database_url) == []
    indexes = shipment_indexes(database_url)
    assert indexes.items() >= IDENTITY_INDEXES.items()
    assert "ix_shipment_updated_at" not in indexes


def test_head_is_the_newest_revision() -> None:
    config = Config()
    config.set_main_option("script_location", "daemon.store:migrations")
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD]


def test_every_column_has_a_field_in_the_row_classes() -> None:
    """The sqlmodel classes (daemon.store.tables) map every column of schema.py;
    orders and shipments are daemon.store.rows' (tests/daemon/store/test_rows.py)."""
    import daemon.store.tables  # noqa: F401  (registers the classes)

    mapped = {
        str(getattr(mapper.local_table, "name", "")): set(mapper.class_.model_fields)
        for mapper in SQLModel._sa_registry.mappers
    }
    assert {"orders", "shipment"}.isdisjoint(mapped)
    for table in schema.metadata.sorted_tables:
        if table.name in ("orders", "shipment"):
            continue
        assert mapped[table.name] == {column.name for column in table.columns}, table.name


def test_a_migrated_database_keeps_its_times_in_utc(tmp_path: Path) -> None:
    url = from_dump(tmp_path / "old.db")
    store = Store(url)
    try:
        order = store.find_order(ORDER)
        assert order is not None and order.placed_at is not None
        assert order.placed_at.tzinfo is UTC
        assert order.placed_at < datetime.now(UTC) and NOW.tzinfo is UTC
    finally:
        store.close()
