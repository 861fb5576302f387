"""How long work reports its progress: the protocol the readers call, and a
silent default. What a person sees (a bar on a terminal, a log line every few
seconds, systemd's STATUS line) is decided by whoever passes one in
(daemon.service.progress)."""

from __future__ import annotations

from typing import Protocol


class Task(Protocol):
    """One piece of long work: a folder's backfill, an import."""

    def advance(self, looked_at: int, read: int) -> None:
        """`looked_at` more messages were looked at, of which `read` were
        Amazon emails that were read."""

    def finish(self) -> None:
        """The work is over (also after an error)."""


class Progress(Protocol):
    def task(self, what: str, total: int | None) -> Task:
        """A task about `what` ("home", "home/Archive", a path) of `total`
        messages (None when not known beforehand)."""


class _SilentTask:
    def advance(self, looked_at: int, read: int) -> None:
        return None

    def finish(self) -> None:
        return None


class Silent:
    """Reports nothing."""

    def task(self, what: str, total: int | None) -> Task:
        return _SilentTask()
