"""The SQLite file behind a store: made (private) or refused before it is
opened, and recognised afterwards, so that a file deleted or replaced under a
running daemon is noticed.

The file holds order history, pickup codes and photo links: its directory is
made 0700 and the file 0600 whatever the umask (SQLite gives the -wal and -shm
files the database file's mode, and, when run as root, its owner, so an
administrator's `sudo parcelwatch show` leaves no file the service cannot
open)."""

from __future__ import annotations

import os
from pathlib import Path

from daemon.errors import PermanentError
from daemon.store.failures import database_error

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SIDE_FILES = ("-wal", "-shm", "-journal")

Identity = tuple[int, int]


def prepare(path: Path, url: str, *, create: bool) -> None:
    """Make the file (and its directory) if `create`, else refuse a missing
    one: a command that only reads must not leave an empty database where the
    user expected theirs. Raises OSError for a directory that cannot be made,
    PermanentError or the tiers of daemon.store.failures otherwise."""
    if not create:
        if not path.exists():
            raise PermanentError(
                f"no database at {path} yet: `parcelwatch sync`, `import` or the service "
                "makes it (check --config and [general] state_dir)"
            )
        make_private(path)
        return
    prepare_directory(path.parent)
    try:
        create_file(path)
    except OSError as exc:
        raise database_error(exc, url) from None


def identity(path: Path | None) -> Identity | None:
    """Which file is at `path` now (device and inode), if any."""
    if path is None:
        return None
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def change(opened: Identity | None, path: Path | None) -> str | None:
    """How the file at `path` differs from the one `opened` ("deleted",
    "replaced by another file"), or None while it is the same."""
    if opened is None:
        return None
    now = identity(path)
    if now == opened:
        return None
    return "deleted" if now is None else "replaced by another file"


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
