"""UPS Track API on loopback: the OAuth token's life, one number a request, errors."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from daemon.carriers.base import Backend, BatchResult
from daemon.carriers.ups import Ups
from daemon.config.secrets import Secret
from daemon.errors import AuthError, TransientError
from parsers.model import Eta, Milestone
from tests.daemon.carriers.harness import Case, FakeClock, Outcome, Reply, Step, q, run_case

M = Milestone
CLIENT_ID = "pw-ups-client"
SECRET = "ups-SECRET-0004"
TOKEN_A, TOKEN_B = "ups-token-AAAA", "ups-token-BBBB"
NUM = "1Z999AA10123456784"
NOT_YET = "1Z999AA10123456795"
INVALID = "1Z0000000000000000"
WARNED = "1Z999AA10123456806"
TOKEN_PATH = "/security/v1/oauth/token"
BASIC = "Basic " + base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
# The token lives 14399 s; it is renewed 60 s before that.
TOKEN_LIFE = timedelta(seconds=14399 - 60)


def make(base_url: str, clock: FakeClock) -> Backend:
    return Ups(CLIENT_ID, Secret("inline", SECRET), base_url=base_url, clock=clock)


def token(body: Any = "ups/token.json", status: int = 200) -> Reply:
    return Reply("POST", TOKEN_PATH, body, status=status, headers={"Authorization": BASIC})


def track(number: str, body: Any, bearer: str = TOKEN_A, status: int = 200, **kw: Any) -> Reply:
    return Reply(
        "GET",
        f"/api/track/v1/details/{number}",
        body,
        status=status,
        query={"locale": "en_US", "returnSignature": "false"},
        headers={"Authorization": f"Bearer {bearer}", "transactionSrc": "parcelwatch"},
        **kw,
    )


def scheduled(day: int) -> Any:
    def check(result: BatchResult) -> None:
        assert result.statuses[NUM].eta == Eta.day(date(2026, 3, day))

    return check


def delivered_in_full(result: BatchResult) -> None:
    status = result.statuses[NUM]
    assert status.carrier == "ups"
    assert status.status_text == "Delivered"
    assert status.delivered_at == datetime(2026, 3, 27, 18, 15, tzinfo=UTC)
    assert [e.milestone for e in status.events] == [
        M.SHIPPED, M.IN_TRANSIT, M.IN_TRANSIT, M.IN_TRANSIT, M.OUT_FOR_DELIVERY, M.DELIVERED,
    ]  # fmt: skip
    first, last = status.events[0], status.events[-1]
    assert first.occurred_at == datetime(2026, 3, 25, 14, 2, tzinfo=UTC)
    assert first.location == "US"
    assert last.location == "ALBANY, NY, US"
    assert last.description == "DELIVERED"


IN_TRANSIT = Outcome(statuses={NUM: M.IN_TRANSIT})

CASES = [
    Case("progress to delivered on one token", [
        Step([q(NUM, "ups")], [token(), track(NUM, "ups/details_in_transit.json")],
             Outcome(statuses={NUM: M.IN_TRANSIT}, then=scheduled(27))),
        Step([q(NUM, "ups")], [track(NUM, "ups/details_out_for_delivery.json")],
             Outcome(statuses={NUM: M.OUT_FOR_DELIVERY}, then=scheduled(28)),
             advance=timedelta(hours=2)),
        Step([q(NUM, "ups")], [track(NUM, "ups/details_delivered.json")],
             Outcome(statuses={NUM: M.DELIVERED}, then=delivered_in_full),
             advance=timedelta(minutes=20)),
    ]),
    Case("the token is reused until just before it expires, then renewed", [
        Step([q(NUM, "ups")], [token(), track(NUM, "ups/details_in_transit.json")], IN_TRANSIT),
        Step([q(NUM, "ups")], [track(NUM, "ups/details_in_transit.json")], IN_TRANSIT,
             advance=TOKEN_LIFE - timedelta(seconds=1)),
        Step([q(NUM, "ups")],
             [token("ups/token_renewed.json"),
              track(NUM, "ups/details_in_transit.json", bearer=TOKEN_B)],
             IN_TRANSIT, advance=timedelta(seconds=1)),
    ]),
    Case("a token refused early is renewed once and the request repeated", [
        Step([q(NUM, "ups")], [token(), track(NUM, "ups/details_in_transit.json")], IN_TRANSIT),
        Step([q(NUM, "ups")],
             [track(NUM, "ups/unauthorized.json", status=401),
              token("ups/token_renewed.json"),
              track(NUM, "ups/details_in_transit.json", bearer=TOKEN_B)],
             IN_TRANSIT, advance=timedelta(minutes=30)),
    ]),
    Case("a fresh token refused again is an AuthError", [
        Step([q(NUM, "ups")],
             [token(), track(NUM, "ups/unauthorized.json", status=401),
              token("ups/token_renewed.json"),
              track(NUM, "ups/unauthorized.json", bearer=TOKEN_B, status=401)],
             Outcome(raises=AuthError, message=[
                 "ups: the access token was refused (401); "
                 "check carriers.ups.client_id and carriers.ups.client_secret"])),
    ]),
    Case("refused client credentials name both keys", [
        Step([q(NUM, "ups")], [token("ups/token_refused.json", status=401)],
             Outcome(raises=AuthError, message=[
                 "ups: the client ID and secret were refused (401); "
                 "check carriers.ups.client_id and carriers.ups.client_secret"])),
    ]),
    Case("known, not found yet, warned-only and invalid numbers in one batch", [
        Step([q(NUM, "ups"), q(NOT_YET, "ups"), q(WARNED, "ups"), q(INVALID, "ups")],
             [token(),
              track(NUM, "ups/details_in_transit.json"),
              track(NOT_YET, "ups/not_found.json", status=404),
              track(WARNED, "ups/details_warning_only.json"),
              track(INVALID, "ups/invalid_number.json", status=400)],
             Outcome(statuses={NUM: M.IN_TRANSIT}, not_found=[NOT_YET, WARNED],
                     rejected={INVALID: "Invalid tracking number (151018)"})),
    ]),
    Case("429 with Retry-After", [
        Step([q(NUM, "ups")],
             [token(), track(NUM, {"response": {"errors": [{"code": "10429",
                                                           "message": "Too Many Requests"}]}},
                             status=429, reply_headers={"Retry-After": "12"})],
             Outcome(raises=TransientError, retry_after=12.0,
                     message=["ups: rate limited (429): Too Many Requests"])),
    ]),
    Case("5xx on the token endpoint is transient", [
        Step([q(NUM, "ups")], [token({"response": {"errors": []}}, status=503)],
             Outcome(raises=TransientError, message=["ups: server error 503"])),
    ]),
    Case("a token answer without a token is transient", [
        Step([q(NUM, "ups")], [token({"status": "approved"})],
             Outcome(raises=TransientError, message=["ups: the token endpoint answered"])),
    ]),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_ups(case: Case, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture) -> None:
    run_case(case, make, httpserver, caplog, secrets=[SECRET, TOKEN_A, TOKEN_B])


def test_each_request_has_its_own_transaction_id(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(TOKEN_PATH).respond_with_json(
        {"access_token": "t", "expires_in": 600}
    )
    httpserver.expect_request(f"/api/track/v1/details/{NUM}").respond_with_json(
        {"response": {"errors": [{"code": "151044", "message": "No tracking information"}]}},
        status=404,
    )
    backend = Ups(CLIENT_ID, Secret("inline", SECRET), base_url=httpserver.url_for(""), clock=clock)
    try:
        backend.check([q(NUM)])
        backend.check([q(NUM)])
    finally:
        backend.close()
    ids = [r.headers.get("transId") for r, _ in httpserver.log if "details" in r.path]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert all(i and len(i) <= 32 for i in ids)
