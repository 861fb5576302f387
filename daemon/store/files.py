"""The SQLite file behind a store: made (private) or refused before it is
opened, and recognised afterwards, so that a file deleted or replaced under a
running daemon is noticed."""

from __future__ import annotations

from pathlib import Path

from daemon.errors import PermanentError
from daemon.store.engine import create_file, make_private, prepare_directory
from daemon.store.failures import database_error

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
