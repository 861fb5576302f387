"""The libraries a reading command (`list`, `show`, `status`, `parse`) must not
load: each costs tens to hundreds of milliseconds of start-up that such a
command does not need. Shared by the test that holds the rule and the start-up
benchmark that reports it."""

HEAVY = (
    "sqlalchemy.orm",
    "sqlmodel",
    "pydantic",
    "alembic",
    "apprise",
    "apscheduler",
    "httpx",
    "httpcore",
    "bs4",
    "imapclient",
    "daemon.app",
)

# Lighter modules a reading command (`list`, `show`, `status`) has no use for:
# the notification renderer (and the links and escaping it brings), the web
# pages' search, the metrics' counts, and difflib (only a mistake in the config
# file needs its "did you mean"). Each was once on these commands' import path,
# and together they cost milliseconds of every start. SQLAlchemy too: on an
# up-to-date database these commands read with sqlite3 or psycopg
# (daemon.store.lite), and its import was half of their start-up.
NOT_FOR_READING = (
    "sqlalchemy",
    "daemon.notify.render",
    "daemon.notify.links",
    "daemon.notify.escape",
    "daemon.store.browse",
    "daemon.store.tallies",
    "difflib",
)
