"""DHL Shipment Tracking - Unified on loopback: one number a request, and the errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pytest_httpserver import HTTPServer

from daemon.carriers.base import Backend, BatchResult
from daemon.carriers.dhl import Dhl
from daemon.config.secrets import Secret
from daemon.errors import AuthError, TransientError
from parsers.model import Eta, Milestone
from tests.daemon.carriers.harness import Case, FakeClock, Outcome, Reply, Step, q, run_case

M = Milestone
KEY = "dhl-SECRET-key-0003"
PAKET = "00340434161094042557"
EXPRESS = "1234567890"
SHORT = "1234"
PATH = "/track/shipments"


def make(base_url: str, clock: FakeClock) -> Backend:
    return Dhl(
        Secret("inline", KEY), base_url=base_url, clock=clock, local_tz=ZoneInfo("Europe/Berlin")
    )


def track(number: str, body: Any, status: int = 200, **kwargs: Any) -> Reply:
    return Reply(
        "GET",
        PATH,
        body,
        status=status,
        query={"trackingNumber": number, "language": "en"},
        headers={"DHL-API-Key": KEY},
        **kwargs,
    )


def delivered_in_full(result: BatchResult) -> None:
    status = result.statuses[PAKET]
    assert status.carrier == "dhl"
    assert status.status_text == "The shipment has been delivered to the recipient"
    # Parcel DE writes Berlin wall-clock time without an offset (CET, UTC+1, in March).
    assert status.delivered_at == datetime(2026, 3, 27, 12, 5, tzinfo=UTC)
    assert status.eta is None
    assert [e.milestone for e in status.events] == [
        M.SHIPPED, M.IN_TRANSIT, M.IN_TRANSIT, M.OUT_FOR_DELIVERY, M.DELIVERED,
    ]  # fmt: skip
    assert status.events[0].location is None
    assert status.events[-1].location == "Köln, DE"
    assert status.events[-1].description == "The shipment has been delivered to the recipient."


def expected_today(result: BatchResult) -> None:
    assert result.statuses[PAKET].eta == Eta.day(date(2026, 3, 27))


CASES = [
    Case("progress to delivered", [
        Step([q(PAKET, "dhl")], [track(PAKET, "dhl/transit.json")],
             Outcome(statuses={PAKET: M.IN_TRANSIT}, then=expected_today)),
        Step([q(PAKET, "dhl")], [track(PAKET, "dhl/out_for_delivery.json")],
             Outcome(statuses={PAKET: M.OUT_FOR_DELIVERY}), advance=timedelta(hours=5)),
        Step([q(PAKET, "dhl")], [track(PAKET, "dhl/delivered.json")],
             Outcome(statuses={PAKET: M.DELIVERED}, then=delivered_in_full),
             advance=timedelta(minutes=20)),
    ]),
    Case("known, not found yet and invalid numbers in one batch", [
        Step([q(PAKET, "dhl"), q(EXPRESS, "dhl"), q(SHORT, "dhl")],
             [track(PAKET, "dhl/transit.json"),
              track(EXPRESS, "dhl/not_found.json", status=404),
              track(SHORT, "dhl/bad_request.json", status=400)],
             Outcome(statuses={PAKET: M.IN_TRANSIT}, not_found=[EXPRESS],
                     rejected={SHORT: "between 5 and 39 characters long. (400)"})),
    ]),
    Case("401 names the backend and the key to check", [
        Step([q(PAKET, "dhl")], [track(PAKET, "dhl/unauthorized.json", status=401)],
             Outcome(raises=AuthError, message=[
                 "dhl: the API key was refused (401); check carriers.dhl.api_key"])),
    ]),
    Case("403 is refused credentials too", [
        Step([q(PAKET, "dhl")], [track(PAKET, {"status": 403, "title": "Forbidden"}, status=403)],
             Outcome(raises=AuthError, message=["dhl: the API key was refused (403)"])),
    ]),
    Case("429 with Retry-After in seconds", [
        Step([q(PAKET, "dhl")],
             [track(PAKET, "dhl/rate_limited.json", status=429,
                    reply_headers={"Retry-After": "3600"})],
             Outcome(raises=TransientError, retry_after=3600.0,
                     message=["dhl: rate limited (429): Too many requests"])),
    ]),
    Case("429 with Retry-After as an HTTP-date", [
        Step([q(PAKET, "dhl")],
             [track(PAKET, "dhl/rate_limited.json", status=429,
                    reply_headers={"Retry-After": "Thu, 26 Mar 2026 00:00:00 GMT"})],
             Outcome(raises=TransientError, retry_after=12 * 3600.0)),
    ]),
    Case("a rate limit part-way through a batch fails the batch", [
        Step([q(PAKET, "dhl"), q(EXPRESS, "dhl")],
             [track(PAKET, "dhl/transit.json"),
              track(EXPRESS, "dhl/rate_limited.json", status=429)],
             Outcome(raises=TransientError, message=["dhl: rate limited (429)"])),
    ]),
    Case("5xx is transient", [
        Step([q(PAKET, "dhl")], [track(PAKET, None, status=502, raw="Bad Gateway")],
             Outcome(raises=TransientError, message=["dhl: server error 502"])),
    ]),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_dhl(case: Case, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture) -> None:
    run_case(case, make, httpserver, caplog, secrets=[KEY])
