"""One harness for every backend: a case is a series of steps, each a batch of
queries, the requests the backend must make (in order) with the server's answers,
and the outcome. pytest-httpserver plays the API on loopback, so each case runs
the backend's real HTTP code, and the harness also checks that no secret reaches
an exception, a log line or the backend's repr."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from pytest_httpserver.httpserver import UNDEFINED

from daemon.carriers.base import Backend, BatchResult, TrackingQuery
from daemon.errors import ParcelwatchError
from parsers.model import Milestone

FIXTURES = Path(__file__).parent / "fixtures"
T0 = datetime(2026, 3, 25, 12, 0, tzinfo=UTC)


def fixture(name: str) -> Any:
    """A response fixture, by its path under fixtures/ ("ups/token.json")."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def moved(data: Any, delta: timedelta) -> Any:
    """A fixture with every date-and-time in it moved by `delta` (scans that
    happened yesterday, for a test that runs the real clock); dates alone stay."""
    if isinstance(data, dict):
        return {key: moved(value, delta) for key, value in data.items()}
    if isinstance(data, list):
        return [moved(value, delta) for value in data]
    if isinstance(data, str) and "T" in data and data[:4].isdigit():
        try:
            when = datetime.fromisoformat(data.replace("Z", "+00:00"))
        except ValueError:
            return data
        text = (when + delta).isoformat()
        return text.replace("+00:00", "Z") if data.endswith("Z") else text
    return data


class FakeClock:
    """The injected clock: time moves only when a test says so."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass(frozen=True)
class Reply:
    """One request the backend must make, and the answer it gets.

    `body` is a fixture path (a str ending in .json) or a JSON value; `raw` sends
    text instead. `query`, `json` and `headers` are what the request must carry
    (headers only those named)."""

    method: str
    path: str
    body: Any = None
    status: int = 200
    reply_headers: Mapping[str, str] = field(default_factory=dict)
    raw: str | None = None
    query: Mapping[str, str] | None = None
    json: Any = UNDEFINED
    headers: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Outcome:
    """What `check` must return (every number in exactly the category named) or
    raise (an error of type `raises`, its message containing each of `message`)."""

    statuses: Mapping[str, Milestone | None] = field(default_factory=dict)
    not_found: Sequence[str] = ()
    rejected: Mapping[str, str] = field(default_factory=dict)
    raises: type[ParcelwatchError] | None = None
    message: Sequence[str] = ()
    retry_after: float | None = None
    then: Callable[[BatchResult], None] | None = None


@dataclass(frozen=True)
class Step:
    queries: Sequence[TrackingQuery]
    replies: Sequence[Reply]
    outcome: Outcome
    advance: timedelta = timedelta(0)


@dataclass(frozen=True)
class Case:
    id: str
    steps: Sequence[Step]


Factory = Callable[[str, FakeClock], Backend]


def q(number: str, carrier: str | None = None) -> TrackingQuery:
    return TrackingQuery(carrier, number)


def run_case(
    case: Case,
    make: Factory,
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
    secrets: Sequence[str],
) -> None:
    """Run every step of `case` against a fresh backend on `httpserver`."""
    caplog.set_level(logging.DEBUG)
    clock = FakeClock()
    backend = make(httpserver.url_for("/").rstrip("/"), clock)
    try:
        for number, step in enumerate(case.steps, 1):
            clock.advance(step.advance)
            for reply in step.replies:
                _expect(httpserver, reply)
            _run_step(backend, step, httpserver, secrets, f"{case.id}, step {number}")
        for secret in secrets:
            assert secret not in repr(backend) and secret not in repr(vars(backend))
            assert secret not in caplog.text, "a secret reached the log"
    finally:
        backend.close()


def _run_step(
    backend: Backend, step: Step, httpserver: HTTPServer, secrets: Sequence[str], where: str
) -> None:
    outcome = step.outcome
    if outcome.raises is not None:
        with pytest.raises(outcome.raises) as info:
            backend.check(step.queries)
        httpserver.check_assertions()
        text = str(info.value)
        assert "\n" not in text, f"{where}: error message is not one line"
        for fragment in outcome.message:
            assert fragment in text, f"{where}: {fragment!r} not in {text!r}"
        for secret in secrets:
            assert secret not in text, f"{where}: a secret is in the error message"
        if outcome.retry_after is not None:
            assert getattr(info.value, "retry_after", None) == pytest.approx(outcome.retry_after)
    else:
        try:
            result = backend.check(step.queries)
        finally:
            # A request the server did not expect shows up here, not as the 500
            # the backend got for it.
            httpserver.check_assertions()
        assert {n: s.milestone for n, s in result.statuses.items()} == dict(outcome.statuses), where
        assert sorted(result.not_found) == sorted(outcome.not_found), where
        assert {r.number for r in result.rejected} == set(outcome.rejected), where
        for rejected in result.rejected:
            assert outcome.rejected[rejected.number] in rejected.reason, where
        if outcome.then is not None:
            outcome.then(result)
    assert not httpserver.ordered_handlers, f"{where}: expected requests were not made"


def _expect(httpserver: HTTPServer, reply: Reply) -> None:
    handler = httpserver.expect_ordered_request(
        reply.path,
        method=reply.method,
        query_string=dict(reply.query) if reply.query is not None else None,
        json=reply.json,
        headers=dict(reply.headers) if reply.headers is not None else None,
    )
    headers = dict(reply.reply_headers)
    if reply.raw is not None:
        handler.respond_with_data(reply.raw, status=reply.status, headers=headers)
        return
    body = fixture(reply.body) if isinstance(reply.body, str) else reply.body
    handler.respond_with_json(body, status=reply.status, headers=headers)
