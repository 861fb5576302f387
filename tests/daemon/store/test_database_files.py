"""The SQLite file as an operator meets it: private whatever the umask, made
once when two processes start together, a damaged file named as such (exit 3,
no restart loop, no traceback), a busy one waited for at start-up, and a file
replaced under a running store noticed."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from daemon.cli.statuses import EXIT_DATABASE
from daemon.errors import TransientError
from daemon.store.database import Store
from daemon.store.failures import MOVE_ASIDE

ROOT = Path(__file__).resolve().parents[3]


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_directory_and_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    state = tmp_path / "a" / "state"
    database = state / "parcelwatch.db"
    with umask(0o022):
        store = Store(f"sqlite:///{database}")
    try:
        store.account_succeeded("home", __import__("datetime").datetime.now().astimezone())
        side = [database.with_name(database.name + s) for s in ("-wal", "-shm")]
        assert all(p.exists() for p in side)  # open: WAL mode keeps them
        assert [mode(p) for p in (state, database, *side)] == [0o700, 0o600, 0o600, 0o600]
    finally:
        store.close()


def test_an_existing_readable_database_is_made_private(tmp_path: Path) -> None:
    database = tmp_path / "parcelwatch.db"
    Store(f"sqlite:///{database}").close()
    database.chmod(0o644)
    Store(f"sqlite:///{database}").close()
    assert mode(database) == 0o600


def test_two_processes_starting_at_once_make_the_schema_once(tmp_path: Path) -> None:
    """Eight stores open one new file at the same moment, ten times over.
    Without the write lock around schema creation some fail with "table ...
    already exists"; with it, at worst one hears "database is locked" while
    another switches the new file to WAL, which start-up tries again."""
    failures: list[str] = []
    for round_ in range(10):
        url = f"sqlite:///{tmp_path / f'race{round_}.db'}"
        start = threading.Barrier(8)

        def open_it(url: str, start: threading.Barrier) -> None:
            start.wait()
            try:
                Store(url).close()
            except TransientError as exc:
                failures.append(str(exc))

        threads = [threading.Thread(target=open_it, args=(url, start)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert [f for f in failures if not f.endswith("database is locked")] == []


def test_a_replaced_file_is_noticed(tmp_path: Path) -> None:
    database = tmp_path / "parcelwatch.db"
    store = Store(f"sqlite:///{database}")
    try:
        assert store.replaced() is None
        database.rename(tmp_path / "aside.db")
        assert store.replaced() == "deleted"
        Store(f"sqlite:///{database}").close()
        assert store.replaced() == "replaced by another file"
    finally:
        store.close()


def parcelwatch(config: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "daemon.cli", "--config", str(config), *args],
        cwd=ROOT,
        env={**os.environ, "HOME": str(config.parent), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[general]\nstate_dir = "{tmp_path / "state"}"\nbusy_timeout = 0.1\n'
        '[[imap]]\nname = "home"\nhost = "127.0.0.1"\nport = 9\nusername = "me"\n'
        'password = { env = "PW" }\n'
    )
    return path


@pytest.mark.parametrize("command", ["list", "status", "sync", "run"])
def test_a_damaged_database_is_one_line_and_its_own_exit_status(config: Path, command: str) -> None:
    database = config.parent / "state" / "parcelwatch.db"
    database.parent.mkdir(mode=0o700)
    database.write_bytes(b"this is not a database, it was a photo once" * 100)
    process = parcelwatch(config, command, PW="pw")
    _, err = process.communicate(timeout=60)
    assert process.returncode == EXIT_DATABASE, err
    [line] = err.splitlines()
    assert line == (
        f"parcelwatch: database {database} is damaged (file is not a database); {MOVE_ASIDE}"
    )
    assert MOVE_ASIDE == "move it aside and restart; your mail will be read again"


def test_a_busy_database_at_start_up_is_waited_for(config: Path) -> None:
    """Another process holds the write lock while the schema is to be made (a
    backup, a second parcelwatch): the command says so, tries again, and goes
    on once the lock is gone, instead of calling it a configuration error."""
    database = config.parent / "state" / "parcelwatch.db"
    database.parent.mkdir(mode=0o700)
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    process = parcelwatch(config, "list")
    try:
        assert process.stderr is not None
        line = process.stderr.readline()  # blocks until the first retry is announced
        assert f"database {database}: database is locked; trying again in 0.5 s" in line
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert out == "No shipments yet.\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, as `sudo parcelwatch show` has")
def test_root_beside_the_service_leaves_files_the_service_owns(tmp_path: Path) -> None:
    """`sudo parcelwatch show` while the service is stopped: the -wal and -shm
    files root's SQLite makes belong to the database's owner, not to root, so
    the service (DynamicUser's user) can still open its database afterwards."""
    import pwd

    nobody = pwd.getpwnam("nobody")
    database = tmp_path / "state" / "parcelwatch.db"
    Store(f"sqlite:///{database}").close()
    for path in (database.parent, database):
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
    store = Store(f"sqlite:///{database}", create=False)
    try:
        store.account_statuses()
        files = sorted(database.parent.iterdir())
        assert [p.name for p in files] == [
            "parcelwatch.db",
            "parcelwatch.db-shm",
            "parcelwatch.db-wal",
        ]
        assert {p.stat().st_uid for p in files} == {nobody.pw_uid}
    finally:
        store.close()
