"""AfterShip Tracking API on loopback: create once, list in batches, and the errors."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pytest_httpserver import HTTPServer

from daemon.carriers.aftership import AfterShip
from daemon.carriers.base import Backend, BatchResult
from daemon.config.secrets import Secret
from daemon.errors import AuthError, TransientError
from parsers.model import Eta, Milestone
from tests.daemon.carriers.harness import (
    T0,
    Case,
    FakeClock,
    Outcome,
    Reply,
    Step,
    fixture,
    q,
    run_case,
)

M = Milestone
KEY = "as-SECRET-key-0002"
USPS = "9400111899223818218407"
UPS = "1Z999AA10123456784"
BAD = "BADNUMBER"
PATH = "/tracking/2024-10/trackings"
EMPTY_LIST = {
    "meta": {"code": 200, "message": "OK", "type": "OK"},
    "data": {
        "pagination": {"total": 0, "next_cursor": None, "has_next_page": False},
        "trackings": [],
    },
}


def make(base_url: str, clock: FakeClock) -> Backend:
    return AfterShip(Secret("inline", KEY), base_url=base_url, clock=clock)


def create(body: Any, sent: dict[str, str], status: int = 201, **kwargs: Any) -> Reply:
    return Reply(
        "POST", PATH, body, status=status, json=sent, headers={"as-api-key": KEY}, **kwargs
    )


def listing(body: Any, *numbers: str, status: int = 200, **kwargs: Any) -> Reply:
    query = {"tracking_numbers": ",".join(numbers), "limit": "200"}
    return Reply(
        "GET", PATH, body, status=status, query=query, headers={"as-api-key": KEY}, **kwargs
    )


def delivered_in_full(result: BatchResult) -> None:
    status = result.statuses[USPS]
    assert status.carrier == "usps"
    assert status.status_text == "Delivered"
    assert status.eta == Eta(date(2026, 3, 27), date(2026, 3, 28))
    assert status.delivered_at == datetime(2026, 3, 27, 16, 31, tzinfo=UTC)
    assert [e.milestone for e in status.events] == [
        M.SHIPPED, M.IN_TRANSIT, M.IN_TRANSIT, M.OUT_FOR_DELIVERY, M.DELIVERED,
    ]  # fmt: skip
    assert status.events[1].occurred_at == datetime(2026, 3, 26, 2, 5, tzinfo=UTC)
    assert status.events[-1].location == "ALBANY, NY 12203"
    assert status.events[-1].description == "Delivered, In/At Mailbox"
    assert status.events[2].location == "SEATTLE WA NETWORK DISTRIBUTION CENTER, United States"


USPS_SENT = {"tracking_number": USPS, "slug": "usps"}

CASES = [
    Case("progress to delivered, created once", [
        Step([q(USPS, "usps")],
             [create("aftership/create_created.json", USPS_SENT),
              listing("aftership/list_in_transit.json", USPS)],
             Outcome(statuses={USPS: M.IN_TRANSIT})),
        Step([q(USPS, "usps")],
             [listing("aftership/list_out_for_delivery.json", USPS)],
             Outcome(statuses={USPS: M.OUT_FOR_DELIVERY}), advance=timedelta(hours=20)),
        Step([q(USPS, "usps")],
             [listing("aftership/list_delivered.json", USPS)],
             Outcome(statuses={USPS: M.DELIVERED}, then=delivered_in_full),
             advance=timedelta(minutes=20)),
    ]),
    Case("created, already existing (409), invalid and pending numbers in one batch", [
        Step([q(USPS, "usps"), q(UPS, "ups"), q(BAD)],
             [create("aftership/create_created.json", USPS_SENT),
              create("aftership/create_exists.json", {"tracking_number": UPS, "slug": "ups"},
                     status=409),
              create("aftership/create_invalid.json", {"tracking_number": BAD}, status=400),
              listing("aftership/list_mixed.json", USPS, UPS)],
             Outcome(statuses={USPS: M.IN_TRANSIT}, not_found=[UPS],
                     rejected={BAD: "`tracking_number` is invalid. (4005)"})),
    ]),
    Case("already existing as the older versions say it (400, meta 4003)", [
        Step([q(UPS, "ups")],
             [create("aftership/create_exists.json", {"tracking_number": UPS, "slug": "ups"},
                     status=400),
              listing("aftership/list_mixed.json", UPS)],
             Outcome(not_found=[UPS])),
    ]),
    Case("a tracking deleted from the account is created again", [
        Step([q(USPS, "usps")],
             [create("aftership/create_created.json", USPS_SENT), listing(EMPTY_LIST, USPS)],
             Outcome(not_found=[USPS])),
        Step([q(USPS, "usps")],
             [create("aftership/create_created.json", USPS_SENT),
              listing("aftership/list_in_transit.json", USPS)],
             Outcome(statuses={USPS: M.IN_TRANSIT})),
    ]),
    Case("401 names the backend and the key to check", [
        Step([q(USPS, "usps")],
             [create("aftership/error_unauthorized.json", USPS_SENT, status=401)],
             Outcome(raises=AuthError, message=[
                 "aftership: the API key was refused (401); check carriers.aftership.api_key"])),
    ]),
    Case("429 with Retry-After in seconds", [
        Step([q(USPS, "usps")],
             [create("aftership/error_rate_limited.json", USPS_SENT, status=429,
                     reply_headers={"Retry-After": "2"})],
             Outcome(raises=TransientError, retry_after=2.0,
                     message=["aftership: rate limited (429): You have exceeded"])),
    ]),
    Case("429 with Retry-After as an HTTP-date", [
        Step([q(USPS, "usps")],
             [create("aftership/error_rate_limited.json", USPS_SENT, status=429,
                     reply_headers={"Retry-After": "Wed, 25 Mar 2026 12:00:45 GMT"})],
             Outcome(raises=TransientError, retry_after=45.0)),
    ]),
    Case("429 with only X-RateLimit-Reset (AfterShip's own header)", [
        Step([q(USPS, "usps")],
             [create("aftership/error_rate_limited.json", USPS_SENT, status=429,
                     reply_headers={"X-RateLimit-Reset": str(int(T0.timestamp()) + 7)})],
             Outcome(raises=TransientError, retry_after=7.0)),
    ]),
    Case("5xx is transient", [
        Step([q(USPS, "usps")],
             [create("aftership/create_created.json", USPS_SENT),
              listing({"meta": {"code": 500, "message": "Something went wrong on AfterShip's end.",
                                "type": "InternalError"}, "data": {}}, USPS, status=500)],
             Outcome(raises=TransientError, message=["aftership: server error 500"])),
    ]),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_aftership(case: Case, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture) -> None:
    run_case(case, make, httpserver, caplog, secrets=[KEY])


def test_a_checkpoint_time_without_offset_is_read_in_local_tz(
    httpserver: HTTPServer, clock: FakeClock
) -> None:
    body = copy.deepcopy(fixture("aftership/list_in_transit.json"))
    body["data"]["trackings"][0]["checkpoints"][0]["checkpoint_time"] = "2026-03-25T16:20:00"
    httpserver.expect_ordered_request(PATH, method="GET").respond_with_json(body)
    backend = AfterShip(
        Secret("inline", KEY),
        base_url=httpserver.url_for(""),
        clock=clock,
        created=[USPS],
        local_tz=ZoneInfo("America/New_York"),
    )
    try:
        result = backend.check([q(USPS, "usps")])
    finally:
        backend.close()
    httpserver.check_assertions()
    first = result.statuses[USPS].events[0]
    assert first.occurred_at == datetime(2026, 3, 25, 20, 20, tzinfo=UTC)
