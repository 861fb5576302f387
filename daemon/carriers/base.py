"""What every carrier-status backend takes and returns, as frozen values.

A backend answers one question for a batch of tracking numbers: "what does the
carrier say now?". Its answer uses DESIGN.md's milestone vocabulary, so the state
machine can merge carrier scans and emails without knowing where either came
from. Each number asked about lands in exactly one of three places: a status, "not
found yet" (accepted, but the carrier has nothing to say so far), or rejected
(with the backend's reason; asking again will not help).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from parsers.model import Eta, Milestone

Clock = Callable[[], datetime]

_T = TypeVar("_T")


def utc_now() -> datetime:
    """The default clock; tests inject their own."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class TrackingQuery:
    """One number to check. `carrier` is our slug ("ups", "royal_mail"), or None to
    let a backend that can detect carriers do so."""

    carrier: str | None
    number: str


@dataclass(frozen=True)
class CarrierEvent:
    """One scan in a carrier's history.

    `status_text` is the backend's own label for the scan (its words or code,
    untranslated); `description` is the scan's text as the carrier wrote it.
    `milestone` is None for a scan that moves nothing ("departed facility" is
    in_transit, but "label printed again" is nothing)."""

    occurred_at: datetime | None
    milestone: Milestone | None
    status_text: str
    location: str | None
    description: str

    def __post_init__(self) -> None:
        _require_utc("occurred_at", self.occurred_at)


@dataclass(frozen=True)
class CarrierStatus:
    """Where one parcel is, according to one backend. `events` run oldest first;
    `carrier` is our slug, or None when the backend detected a carrier we have no
    slug for."""

    number: str
    carrier: str | None
    milestone: Milestone | None
    status_text: str
    events: tuple[CarrierEvent, ...] = ()
    eta: Eta | None = None
    delivered_at: datetime | None = None

    def __post_init__(self) -> None:
        _require_utc("delivered_at", self.delivered_at)


@dataclass(frozen=True)
class Rejected:
    """A number the backend refused, with its reason (for `show` and the log)."""

    number: str
    reason: str


@dataclass(frozen=True)
class BatchResult:
    """The answer to one `Backend.check` call."""

    statuses: dict[str, CarrierStatus] = field(default_factory=dict)
    not_found: tuple[str, ...] = ()
    rejected: tuple[Rejected, ...] = ()


@dataclass(frozen=True)
class Usage:
    """HTTP requests a backend has sent since it was built, and how many of them
    failed (no answer, an error status, an unreadable body)."""

    requests: int
    errors: int


class Backend(Protocol):
    """A carrier-status API.

    `carriers` is the set of slugs it can serve (None: any carrier, detected by the
    backend if the query has none). `max_batch` is how many numbers one API request
    carries, so a scheduler can count the requests a check will spend; `check`
    itself accepts any number of queries and splits them as it must.

    `check` raises daemon.errors.AuthError when the credentials are refused and
    TransientError for anything worth retrying (network, 5xx, 429 with its
    retry_after, malformed answers). Per-number problems are never raised: they are
    in the result's `not_found` and `rejected`.
    """

    name: str
    carriers: frozenset[str] | None
    max_batch: int

    def check(self, queries: Sequence[TrackingQuery]) -> BatchResult: ...

    def usage(self) -> Usage: ...

    def close(self) -> None: ...


class BatchBuilder:
    """Collects a batch's outcomes number by number; the last word on a number wins,
    so a backend can first mark everything not-found and then fill in statuses."""

    def __init__(self) -> None:
        self._outcomes: dict[str, CarrierStatus | Rejected | None] = {}

    def status(self, status: CarrierStatus) -> None:
        self._outcomes[status.number] = status

    def not_found(self, number: str) -> None:
        self._outcomes[number] = None

    def reject(self, number: str, reason: str) -> None:
        self._outcomes[number] = Rejected(number, reason)

    def status_or_not_found(self, number: str, status: CarrierStatus | None) -> None:
        """`status`, or not found when the answer had none to give for `number`
        (a backend's reading of an entry is None when the carrier knows nothing yet)."""
        if status is None:
            self.not_found(number)
        else:
            self.status(status)

    def result(self) -> BatchResult:
        outcomes = self._outcomes.items()
        return BatchResult(
            statuses={n: o for n, o in outcomes if isinstance(o, CarrierStatus)},
            not_found=tuple(n for n, o in outcomes if o is None),
            rejected=tuple(o for o in self._outcomes.values() if isinstance(o, Rejected)),
        )


def unique(queries: Sequence[TrackingQuery]) -> list[TrackingQuery]:
    """The queries with repeated numbers dropped (the first one asked wins)."""
    seen: dict[str, TrackingQuery] = {}
    for query in queries:
        seen.setdefault(query.number, query)
    return list(seen.values())


def chunked(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _require_utc(name: str, value: datetime | None) -> None:
    if value is not None and value.utcoffset() != UTC.utcoffset(None):
        raise ValueError(f"{name} must be timezone-aware UTC, got {value.isoformat()}")
