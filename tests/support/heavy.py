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
