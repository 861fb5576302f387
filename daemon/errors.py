"""The error tiers of DESIGN.md, mapped once at the boundary.

Code that talks to the outside world (config files, IMAP, HTTP, the database)
raises one of these; the CLI and the service decide what each tier means:
a ConfigError stops before any work with exit status 2, an AuthError or a
PermanentError makes what it names wait until the user acts (and reloads), a
TransientError is retried with backoff, and a DatabaseUnusableError stops with its
own exit status, which the service does not restart on either.
"""

from __future__ import annotations


class ParcelwatchError(Exception):
    """Base of every error parcelwatch raises on purpose. Its text is one line,
    says what is wrong and what to do, and never contains a secret."""


class ConfigError(ParcelwatchError):
    """The configuration is invalid: a key is unknown, mistyped or missing.

    `location` is the file (or another source) and `key` the dotted key path,
    so the message reads "config.toml: notify.target[0].url: ...".
    """

    def __init__(self, location: str, key: str, problem: str) -> None:
        self.location = location
        self.key = key
        self.problem = problem
        where = f"{location}: {key}" if key else location
        super().__init__(f"{where}: {problem}")


class TransientError(ParcelwatchError):
    """Worth retrying later: a network failure, a server restart, HTTP 5xx or 429."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ActionNeededError(ParcelwatchError):
    """Retrying will not help until the user acts. Besides the full message,
    `short` says what happened in a few words ("login refused") and `fix` what
    to do ("fix the password"), for status lines; both default to the message."""

    def __init__(self, message: str, *, short: str = "", fix: str = "") -> None:
        super().__init__(message)
        self.short = short or message
        self.fix = fix


class AuthError(ActionNeededError):
    """Credentials were refused: retrying will not help until the user acts."""


class PermanentError(ActionNeededError):
    """Anything else that retrying will not fix (a missing folder, a bad path)."""


class DatabaseUnusableError(PermanentError):
    """The database file is damaged, is not a database, or cannot be opened as
    it stands (its owner or mode): restarting cannot help."""


class DatabaseInUseError(ParcelwatchError):
    """Another `parcelwatch run` is watching the same database: a second one
    would only double the work (and restarting would not change that)."""
