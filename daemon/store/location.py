"""Where a SQLite URL keeps its file. The plain form every parcelwatch URL
takes (`sqlite:///relative.db`, `sqlite:////absolute.db`) is read here
without SQLAlchemy, so a command that only reads a SQLite file need not load
it; anything else (a query string, escapes, a driver name) is left to
SQLAlchemy's URL parser."""

from __future__ import annotations

from pathlib import Path

_PLAIN = "sqlite:///"


def plain_sqlite_path(url: str) -> Path | None:
    """The file of a URL of the plain form `sqlite:///PATH` (no query string,
    no %-escapes), else None."""
    if not url.startswith(_PLAIN) or "?" in url or "%" in url or "#" in url:
        return None
    database = url[len(_PLAIN) :]
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for another database or an in-memory one."""
    if not url.startswith("sqlite"):
        return None
    plain = plain_sqlite_path(url)
    if plain is not None:
        return plain
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)
