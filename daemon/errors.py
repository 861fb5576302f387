"""The three error tiers of DESIGN.md, mapped once at the boundary.

Code that talks to the outside world (config files, IMAP, HTTP, the database)
raises one of these; the CLI and the service decide what each tier means:
a ConfigError stops before any work with exit status 2, an AuthError disables
what it names, a TransientError is retried with backoff.
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


class AuthError(ParcelwatchError):
    """Credentials were refused: retrying will not help until the user acts."""


class PermanentError(ParcelwatchError):
    """Anything else that retrying will not fix (a missing folder, a bad path)."""
