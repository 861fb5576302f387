"""What every backend does the same way, whatever its API: it owns one HttpApi and
the Credential an AuthError names, and its `check` has one frame.

That frame drops repeated numbers and marks every number not found before asking,
so a backend records only what the answers say (BatchBuilder keeps the last word);
and it turns a ShapeError into a TransientError, because an answer whose structure
we cannot read is usually a passing fault on the API's side. A subclass says only
how to ask (`_ask`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypedDict, Unpack

import httpx

from daemon.carriers.base import BatchBuilder, BatchResult, Clock, TrackingQuery, Usage, unique
from daemon.carriers.http import Credential, HttpApi
from daemon.carriers.pacing import Pacer
from daemon.carriers.shape import ShapeError, as_dict
from daemon.errors import TransientError


class Connection(TypedDict):
    """How to reach an API: the constructor arguments every backend takes alike and
    hands on to its HttpApi unchanged."""

    base_url: str
    timeout: float
    clock: Clock
    transport: httpx.BaseTransport | None


class HttpBackend(ABC):
    """A `Backend` (base.py) that talks to its API over one HttpApi."""

    name: str
    carriers: frozenset[str] | None
    max_batch: int

    def __init__(
        self,
        credential: Credential,
        *,
        secrets: Callable[[], Iterable[str]],
        **connection: Unpack[Connection],
    ) -> None:
        self._credential = credential
        self._http = HttpApi(backend=self.name, secrets=secrets, **connection)

    def close(self) -> None:
        self._http.close()

    def usage(self) -> Usage:
        return Usage(self._http.requests, self._http.errors)

    def limit_rate(self, pacer: Pacer) -> None:
        """Space this backend's requests (see pacing.py)."""
        self._http.pacer = pacer

    def check(self, queries: Sequence[TrackingQuery]) -> BatchResult:
        batch = unique(queries)
        out = BatchBuilder()
        for query in batch:
            out.not_found(query.number)
        try:
            self._ask(batch, out)
        except ShapeError as exc:
            raise TransientError(f"{self.name}: unexpected answer: {exc}") from None
        return out.result()

    @abstractmethod
    def _ask(self, batch: Sequence[TrackingQuery], out: BatchBuilder) -> None:
        """Ask the API about `batch` (no number twice, any length) and record in
        `out` what it says; numbers left alone stay not found."""

    def _answer(self, response: httpx.Response) -> dict[str, Any]:
        """The response's JSON body; every API here wraps its answer in an object."""
        return as_dict(self._http.json(response), "the answer")

    def _reject(self, out: BatchBuilder, number: str, message: str, code: object) -> None:
        """Record a number the API refused, in its words and code; the words are
        scrubbed because some APIs echo the request, key and all, in them."""
        out.reject(number, f"{self._http.scrub(message)} ({code})")
