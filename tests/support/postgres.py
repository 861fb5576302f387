"""A real PostgreSQL on loopback, for tests and benchmarks.

Debian's postgresql, in a cluster of its own made by initdb in a temporary
directory, listening on 127.0.0.1 on a free port (and a Unix socket in that
directory), trusting local connections, with fsync off: a throw-away server,
never the machine's. PostgreSQL refuses to run as root, so when we are root
the cluster belongs to an unprivileged user (Debian's `postgres`, else
`nobody`) and initdb and the server run as that user (setpriv). The server
runs in its own process group; stopping it stops every child.

Each test gets a database of its own (`create_database`), made in a few
milliseconds from the empty template.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.support.dovecot import free_port
from tests.support.process import LoggedProcess

USER = "parcelwatch"
_READY_LINE = "database system is ready to accept connections"


def bin_dir() -> Path | None:
    """Where Debian put initdb and postgres (the newest installed version)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                      else 0)  # fmt: skip
    return versions[-1].parent if versions else None


def available() -> bool:
    return bin_dir() is not None


class Postgres:
    """One server with its own cluster; `close()` removes it all."""

    def __init__(self) -> None:
        binaries = bin_dir()
        if binaries is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = binaries
        self.root = Path(tempfile.mkdtemp(prefix="parcelwatch-postgres-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.port = free_port()
        self.process: LoggedProcess | None = None
        self._owner = _owner()
        self._initdb()

    def _initdb(self) -> None:
        self.data.mkdir(mode=0o700)
        uid, gid = self._owner
        if os.geteuid() == 0:
            os.chown(self.data, uid, gid)
            os.chown(self.root, uid, gid)
        subprocess.run(
            self._as_owner([str(self.bin / "initdb"), "-D", str(self.data), "-U", USER,
                            "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]),
            check=True, capture_output=True,
        )  # fmt: skip

    def _as_owner(self, argv: Sequence[str]) -> list[str]:
        if os.geteuid() != 0:
            return list(argv)
        uid, gid = self._owner
        return ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *argv]

    def start(self) -> None:
        assert self.process is None, "already running"
        argv = [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port),
                "-h", "127.0.0.1", "-k", str(self.root), "-c", "fsync=off",
                "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=200"]  # fmt: skip
        self.process = LoggedProcess("postgres", self._as_owner(argv), _READY_LINE)

    def stop(self) -> None:
        """A fast shutdown (SIGINT): clients are disconnected, not waited for."""
        process, self.process = self.process, None
        if process is not None:
            process.stop(signal.SIGINT)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database, empty or a copy of `template`; its SQLAlchemy URL."""
        import psycopg

        copy = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres",
                             autocommit=True) as connection:  # fmt: skip
            connection.execute(f'CREATE DATABASE "{name}"{copy}'.encode())
        return self.url(name)


def _owner() -> tuple[int, int]:
    """Who owns the cluster: ourselves, or an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return os.getuid(), os.getgid()
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    raise RuntimeError("no unprivileged user to run PostgreSQL as")


@contextmanager
def running() -> Iterator[Postgres]:
    server = Postgres()
    try:
        server.start()
        yield server
    finally:
        server.close()
