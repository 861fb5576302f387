"""Database failures as error tiers: the one place a SQLAlchemy or sqlite3
error becomes a DatabaseUnusableError (the user must act: a damaged file, one the
process may not open) or a TransientError (locked, disk full, a server
restarting: worth another try), with a message that names the database but
never a password in its URL. SQLAlchemy is loaded only to name a database
that is not a SQLite file, when it fails: the commands that read without it
(daemon.store.lite) map their sqlite3 and psycopg errors here too."""

from __future__ import annotations

import sqlite3

from daemon.errors import DatabaseUnusableError, ParcelwatchError, TransientError
from daemon.store.location import sqlite_path

# SQLite's primary result codes (https://www.sqlite.org/rescode.html).
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = (
    3, 5, 6, 8, 10, 11, 13, 14, 26
)  # fmt: skip
_DAMAGED = (_CORRUPT, _NOTADB)
_REFUSED = (_PERM, _READONLY, _CANTOPEN)

MOVE_ASIDE = "move it aside and restart; your mail will be read again"


def describe(url: str) -> str:
    """How a database is named in a message: its file, or its kind and host."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return f"{parsed.get_backend_name()} database on {parsed.host or 'localhost'}"


def database_error(exc: BaseException, url: str | None) -> ParcelwatchError:
    """The tier of a failure while opening or using the database at `url`
    (None: not known where the failure was caught)."""
    where = f"database {describe(url)}" if url else "the database"
    # SQLAlchemy's DBAPIError wraps the driver's error as `orig`.
    wrapped = getattr(exc, "orig", None)
    original = wrapped if isinstance(wrapped, BaseException) else exc
    reason = _reason(original, url)
    code = _sqlite_code(original)
    if code in _DAMAGED:
        return DatabaseUnusableError(
            f"{where} is damaged ({reason}); {MOVE_ASIDE}",
            short="database damaged",
            fix=MOVE_ASIDE,
        )
    if code in _REFUSED or isinstance(original, PermissionError):
        return DatabaseUnusableError(
            f"{where} cannot be opened for writing ({reason}); check the owner and mode of "
            "the file and its directory (the service's user must own them)",
            short="database cannot be written",
            fix="check the owner and mode of the database file",
        )
    if code == _FULL:
        return TransientError(f"{where}: the disk is full ({reason}); free some space")
    return TransientError(f"{where}: {reason}")


def _sqlite_code(exc: BaseException) -> int | None:
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return None if code is None else int(code) & 0xFF
    return None


def _reason(exc: BaseException, url: str | None) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if url:
        password = None if sqlite_path(url) else _password(url)
        if password:
            text = text.replace(str(password), "***")
        text = text.replace(url, "***")
    return text[:200]


def _password(url: str) -> str | None:
    from sqlalchemy.engine import make_url

    password = make_url(url).password
    return None if password is None else str(password)
