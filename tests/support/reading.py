"""Reading emails in the test's own process, with parsers that exist only in a test.

The daemon reads every email in a parse worker (daemon.parsing), which builds the
parsers parcelwatch ships; a test that adds a parser of its own (one that crashes,
one that reads what the database cannot hold) reads in-process instead, with the
same `read_email` the worker runs.
"""

from __future__ import annotations

from daemon.parsing.reading import Parsed, read_email
from parsers.registry import Registry


class InProcess:
    """A pipeline Reader over `registry`, without a worker or a budget."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def read(self, raw: bytes) -> Parsed:
        return read_email(self.registry, raw)
