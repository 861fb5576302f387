"""The reading side without SQLAlchemy (daemon.store.lite: sqlite3 or psycopg)
against the Store, on one database holding every kind of row `list`, `show`
and `status` read: the whole sample corpus imported, a long history
(tests/support/history), a parcel tracked by hand, archived ones, failed and
unrouted notifications, a daemon's heartbeat, a mail account waiting for its
password. Whatever either side returns, the other must return equal.

The tests marked `storage` run on SQLite, and with
PARCELWATCH_TEST_DATABASE=postgresql on PostgreSQL (tests/conftest.py)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite as sqlite_dialect

from daemon.errors import DatabaseUnusableError, PermanentError, TransientError
from daemon.service import snapshot
from daemon.service.status import StoreViews
from daemon.store import schema
from daemon.store.alive import process_alive
from daemon.store.database import Store
from daemon.store.heartbeat import Heartbeat
from daemon.store.housekeeping import archive_finished
from daemon.store.lite import store as lite
from daemon.store.lite.dialect import POSTGRES, SQLITE, Dialect
from daemon.store.lite.postgres import libpq_url
from daemon.store.lite.values import TYPED
from daemon.store.location import plain_sqlite_path, sqlite_path
from daemon.store.stories import set_archived
from daemon.store.views import DaemonView
from tests.conftest import general_section, on_postgres
from tests.support import postgres
from tests.support.dovecot import free_port
from tests.support.heavy import HEAVY, NOT_FOR_READING
from tests.support.history import ACTIVE_SHARE, NOW, fill

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "emails"
HISTORY_FIRST = 1_000_000  # the history's keys, clear of the imported ones


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> str:
    home = tmp_path_factory.mktemp("lite")
    if on_postgres():
        server: postgres.Postgres = request.getfixturevalue("postgres_server")
        url = server.create_database("lite_reading")
    else:
        url = f"sqlite:///{home / 'state' / 'parcelwatch.db'}"
    config = home / "config.toml"
    config.write_text(general_section(home / "state", url))
    done = subprocess.run(
        [sys.executable, "-m", "daemon.cli", "--config", str(config), "import", str(CORPUS)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    store = Store(url)
    try:
        _add_everything_else(store)
    finally:
        store.close()
    return url


def _add_everything_else(store: Store) -> None:
    fill(store, 300, first=HISTORY_FIRST, active_share=7)
    store.add_tracked("1z 999 aa1 01 2345 6784 99", "ups", "Bike parts", NOW)
    assert archive_finished(store, NOW, after_days=400) > 0
    assert set_archived(store, "113-0000000-1000006", NOW) is not None  # on its way
    store.account_succeeded("home", NOW - timedelta(hours=1))
    store.account_failed("work", "login refused", NOW, waiting=("login refused", "fix it"))
    beat = Heartbeat(store, ["home"])
    me = DaemonView(4242, "elsewhere", NOW - timedelta(days=1), NOW, None, "systemctl reload x")
    assert beat.claim(me, process_alive) is None
    with store.writing() as connection:
        pk = connection.execute(
            schema.notification.insert()
            .values(dedupe_key="k", milestone="shipped", occurrence=1, title="Shipped: lamp",
                    body="b", created_at=NOW)
            .returning(schema.notification.c.id)
        ).scalar_one()  # fmt: skip
        for n, status in enumerate(("pending", "sent", "failed", "no_match", "failed")):
            connection.execute(schema.delivery.insert().values(
                notification_pk=pk, target=f"t{n}", status=status, attempts=n,
                next_attempt_at=NOW + timedelta(minutes=n),
                last_error="HTTP 500" if status == "failed" else None,
            ))  # fmt: skip


@pytest.fixture
def both(url: str) -> Iterator[tuple[lite.LiteViews, StoreViews]]:
    views = lite.open_views(url, 5.0)
    assert views is not None
    assert views.dialect is (POSTGRES if on_postgres() else SQLITE)
    store = StoreViews(Store(url, create=False))
    try:
        yield views, store
    finally:
        views.close()
        store.close()


@pytest.mark.storage
@pytest.mark.parametrize(
    ("finished", "archived", "details"),
    [(False, False, False), (False, False, True), (True, False, True), (True, True, True),
     (True, True, False)],
)  # fmt: skip
def test_shipments_are_the_stores(
    both: tuple[lite.LiteViews, StoreViews], finished: bool, archived: bool, details: bool
) -> None:
    views, store = both
    ask = {"include_finished": finished, "include_archived": archived, "details": details}
    expected = store.shipments(**ask)
    assert expected, "the database has such shipments"
    assert views.shipments(**ask) == expected


@pytest.mark.storage
@pytest.mark.parametrize(("finished", "archived"), [(False, False), (True, False), (True, True)])
def test_unshipped_orders_are_the_stores(
    both: tuple[lite.LiteViews, StoreViews], finished: bool, archived: bool
) -> None:
    views, store = both
    ask = {"include_finished": finished, "include_archived": archived}
    assert views.unshipped_orders(**ask) == store.unshipped_orders(**ask)


@pytest.mark.storage
def test_every_order_shown_is_the_stores(both: tuple[lite.LiteViews, StoreViews]) -> None:
    views, store = both
    ids = {o for s in store.shipments(include_finished=True, include_archived=True)
           for o in s.order_ids}  # fmt: skip
    ids |= {o.order_id for o in store.unshipped_orders(include_finished=True,
                                                       include_archived=True)}  # fmt: skip
    assert len(ids) > 350
    for order_id in sorted(ids):
        assert views.find_order(order_id) == store.find_order(order_id), order_id
    assert views.find_order("999-0000000-0000000") is None


@pytest.mark.storage
def test_every_parcel_shown_is_the_stores(both: tuple[lite.LiteViews, StoreViews]) -> None:
    """By tracking number (also as a person types it: spaced, lower case) and
    by Amazon's shipment id."""
    views, store = both
    everything = store.shipments(include_finished=True, include_archived=True)
    references = {s.tracking_number for s in everything if s.tracking_number}
    references |= {s.amazon_shipment_id for s in everything if s.amazon_shipment_id}
    references |= {"1z 999 aa1 01 2345 6784 99", "nothing-like-it"}
    assert len(references) > 300
    for reference in sorted(references):
        assert views.find_shipments(reference) == store.find_shipments(reference), reference
    assert views.find_shipments("1z 999 aa1 01 2345 6784 99")[0].label == "Bike parts"


@pytest.mark.storage
def test_the_status_is_the_stores(both: tuple[lite.LiteViews, StoreViews]) -> None:
    views, store = both
    seen = snapshot.gather(views, checks=20)
    assert seen == snapshot.gather(store, checks=20)
    # What the database was filled with shows, so the comparison compared something.
    assert seen.active and seen.finished and seen.archived and seen.unrecognised == 1
    assert (seen.outbox["pending"], seen.outbox["sent"], seen.outbox["failed"]) == (1, 1, 2)
    assert [p.target for p in seen.problems][:3] == ["t4", "t3", "t2"]
    assert len(seen.next_checks) == 20 and seen.daemons[0].pid == 4242
    assert [a.account for a in seen.accounts] == ["home", "work"]


def test_every_typed_column_is_converted() -> None:
    """A column stored as text or a number but read as a time, a day, JSON or a
    flag is in values.TYPED, for every table the reading commands read."""
    plain = (sa.String, sa.Integer, sa.Float, sa.LargeBinary)
    for name, typed in TYPED.items():
        table = schema.metadata.tables[name]
        expected = {c.name for c in table.columns if not isinstance(c.type, plain)}
        assert set(typed) == expected, name
        for column in typed:
            kind = table.c[column].type
            want = {schema.UTCDateTime: "utc", sa.Date: "day", sa.JSON: "loads",
                    sa.Boolean: "flag"}[type(kind)]  # fmt: skip
            assert typed[column].__name__ == want, (name, column)
        # psycopg returns days, JSON and flags as they are: only the times change.
        times = {c for c, convert in typed.items() if convert.__name__ == "utc"}
        assert set(POSTGRES.typed[name]) == times, name


@pytest.mark.parametrize(
    ("dialect", "compiler"),
    [
        (SQLITE, sqlite_dialect.dialect()),
        (POSTGRES, sa.create_engine("postgresql+psycopg://").dialect),
    ],
    ids=["sqlite", "postgresql"],
)
def test_the_partial_indexes_conditions_are_the_schemas(
    dialect: Dialect, compiler: sa.Dialect
) -> None:
    """SQLite uses a partial index only for a query that repeats its condition."""

    def compiled(condition: sa.ColumnElement[bool]) -> str:
        return str(condition.compile(dialect=compiler, compile_kwargs={"literal_binds": True}))

    assert (dialect.travelling(), dialect.ended(), dialect.unshipped()) == (
        compiled(schema.TRAVELLING),
        compiled(schema.ENDED),
        compiled(schema.UNSHIPPED),
    )


def test_the_active_list_reads_the_travelling_index(url: str) -> None:  # SQLite's plan
    """The query of `list` (no --all) walks the partial index of the parcels on
    their way, never the whole table."""
    views = lite.open_views(url, 5.0)
    assert views is not None
    try:
        sql, params = lite.active_shipments_query()
        plan = [str(row["detail"]) for row in views.rows(f"EXPLAIN QUERY PLAN {sql}", params)]
    finally:
        views.close()
    assert plan[0] == "SCAN shipment USING INDEX ix_shipment_travelling"


@pytest.mark.storage
def test_an_older_schema_is_left_to_the_store_which_brings_it_up_to_date(
    database_url: str,
) -> None:
    Store(database_url).close()  # made at the newest revision
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0002'")
    finally:
        engine.dispose()
    assert lite.open_views(database_url, 5.0) is None


def test_a_postgresql_server_out_of_reach_is_a_passing_error_without_the_password() -> None:
    url = f"postgresql+psycopg://parcelwatch:s3cret-pw@127.0.0.1:{free_port()}/pw"
    with pytest.raises(TransientError) as raised:
        lite.open_views(url, 5.0)
    assert "s3cret-pw" not in str(raised.value)
    assert "127.0.0.1" in str(raised.value)


@pytest.mark.parametrize(
    "url",
    ["postgresql://u:secret@localhost/pw", "postgresql+psycopg2://u:secret@localhost/pw",
     "postgresql+psycopg://u:secret@localhost/pw?sslmode=require", "sqlite://",
     "sqlite:///:memory:", "sqlite:///db.sqlite?timeout=3", "sqlite:///with%20space.db"],
)  # fmt: skip
def test_only_a_plain_url_is_read_without_the_store(url: str) -> None:
    assert lite.open_views(url, 5.0) is None


@pytest.mark.parametrize(
    ("url", "libpq"),
    [("postgresql+psycopg://u:p%40ss@db.lan:5433/pw", "postgresql://u:p%40ss@db.lan:5433/pw"),
     ("postgresql+psycopg://parcelwatch@/pw", "postgresql://parcelwatch@/pw")],
)  # fmt: skip
def test_a_plain_postgresql_url_names_the_database_sqlalchemy_would(url: str, libpq: str) -> None:
    """What libpq reads from the URI given to psycopg is what SQLAlchemy reads
    from the URL it was made from: user, password (unescaped), host, port, database."""
    import psycopg

    assert libpq_url(url) == libpq
    theirs = sa.engine.make_url(url)
    ours = psycopg.conninfo.conninfo_to_dict(libpq)
    assert (ours.get("user"), ours.get("password"), ours.get("host"), ours.get("port"),
            ours.get("dbname")) == (
        theirs.username, theirs.password, theirs.host,
        None if theirs.port is None else str(theirs.port), theirs.database,
    )  # fmt: skip


@pytest.mark.parametrize(
    "url", ["sqlite:///parcelwatch.db", "sqlite:////var/lib/parcelwatch/parcelwatch.db",
            "sqlite:///state dir/x.db", "sqlite:///:memory:", "sqlite://"],
)  # fmt: skip
def test_a_plain_url_names_the_file_sqlalchemy_would(url: str) -> None:
    database = sa.engine.make_url(url).database
    expected = None if database in (None, "", ":memory:") else Path(database)
    assert plain_sqlite_path(url) == expected
    assert sqlite_path(url) == expected


def test_a_missing_file_is_not_made(tmp_path: Path) -> None:
    with pytest.raises(PermanentError, match="no database at"):
        lite.open_views(f"sqlite:///{tmp_path / 'none.db'}", 5.0)
    assert not (tmp_path / "none.db").exists()


def test_a_damaged_file_is_named_with_what_to_do(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"this is no database" * 100)
    with pytest.raises(DatabaseUnusableError, match=r"is damaged .*move it aside"):
        lite.open_views(f"sqlite:///{damaged}", 5.0)


@pytest.mark.storage
def test_a_batch_of_keys_goes_as_one_parameter(both: tuple[lite.LiteViews, StoreViews]) -> None:
    """A batch far over SQLite's parameter limit is one query, not an error."""
    views, _ = both
    fetch = lite.LiteFetch(views)
    keys = [*range(HISTORY_FIRST, HISTORY_FIRST + 300), *range(2_000_000, 2_040_000)]
    assert len(list(fetch.links(keys))) == 300


def test_list_and_status_statements_do_not_grow_with_finished_shipments(tmp_path: Path) -> None:
    """What `list` and `status` run on a SQLite file: the same statements with
    a thousand more finished shipments, and the parcels on their way read."""
    url = f"sqlite:///{tmp_path / 'grows.db'}"
    store = Store(url)
    connection = sqlite3.connect(tmp_path / "grows.db")
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    views = lite.LiteViews(url, connection)

    def counted() -> tuple[int, int, int]:
        statements.clear()
        shown = len(views.shipments(details=False)) + len(views.unshipped_orders())
        listed = len(statements)
        snapshot.gather(views)
        return shown, listed, len(statements) - listed

    try:
        fill(store, 2 * ACTIVE_SHARE)  # two on their way, 198 delivered
        few = counted()
        fill(store, 10 * ACTIVE_SHARE, first=2 * ACTIVE_SHARE + 1, active_share=10**9)
        assert counted() == few == (2, 4, 9)
    finally:
        views.close()
        store.close()


@pytest.mark.storage
@pytest.mark.parametrize("command", [["list", "--all"], ["status"]], ids=" ".join)
def test_the_reading_commands_load_no_sqlalchemy_on_this_database(
    url: str, tmp_path: Path, command: list[str]
) -> None:
    """`list` and `status` on an up-to-date database, SQLite or PostgreSQL: the
    whole command, in a process of its own, reads through lite alone."""
    config = tmp_path / "config.toml"
    config.write_text(general_section(tmp_path / "state", url))
    code = (
        "import sys\n"
        "from daemon.cli.main import main\n"
        f"assert main(['--config', {str(config)!r}, *{command!r}]) == 0\n"
        f"print([m for m in {HEAVY + NOT_FOR_READING!r} if m in sys.modules], file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr.strip().splitlines()[-1:]) == (0, ["[]"])
    assert "113-" in done.stdout or command == ["status"]
