"""Opening a PostgreSQL database for the reading commands with psycopg alone:
SQLAlchemy's import is most of what `list` costs on PostgreSQL, and psycopg
is what it would have loaded underneath anyway.

Only the URL form the documentation gives, `postgresql+psycopg://user:password
@host:port/database` without a query string, is read here: libpq reads that
form as SQLAlchemy passes it (the same user, password, host, port and
database, %-escapes decoded alike). Any other URL, and a machine without
psycopg, is left to the Store.
"""

from __future__ import annotations

from daemon.store.failures import database_error
from daemon.store.lite.dialect import POSTGRES
from daemon.store.lite.store import LiteViews

SCHEME = "postgresql+psycopg://"


def libpq_url(url: str) -> str | None:
    """The libpq URI of a plain `postgresql+psycopg://` URL, else None."""
    if not url.startswith(SCHEME) or "?" in url or "#" in url:
        return None
    return "postgresql://" + url[len(SCHEME) :]


def connect(url: str) -> LiteViews | None:
    """The views of the database of `url` (see the module), or None. A server
    that cannot be reached, or refuses the login, is the store's error tier
    (daemon.store.failures), with the password kept out of it."""
    conninfo = libpq_url(url)
    if conninfo is None:
        return None
    try:
        import psycopg
    except ImportError:  # the [postgres] extra is missing: the Store says so
        return None
    try:
        # Autocommit: each SELECT stands alone, and no transaction stays open
        # on the server while the command prints.
        connection = psycopg.connect(conninfo, autocommit=True)
    except psycopg.Error as exc:
        raise database_error(exc, url) from None
    return LiteViews(url, connection, POSTGRES, (psycopg.Error,))
