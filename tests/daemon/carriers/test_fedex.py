"""FedEx Track API on loopback: the OAuth token's life, batches of 30, errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer

from daemon.carriers.base import Backend, BatchResult
from daemon.carriers.fedex import FedEx
from daemon.config.secrets import Secret
from daemon.errors import AuthError, TransientError
from parsers.model import Eta, Milestone
from tests.daemon.carriers.harness import Case, FakeClock, Outcome, Reply, Step, q, run_case

M = Milestone
CLIENT_ID = "pw-fedex-client"
SECRET = "fedex-SECRET-0005"
TOKEN_A, TOKEN_B = "fedex-token-AAAA", "fedex-token-BBBB"
NUM = "123456789012"
NOT_FOUND = "449044304137"
INVALID = "0000"
TOKEN_PATH = "/oauth/token"
TRACK = "/track/v1/trackingnumbers"
TOKEN_LIFE = timedelta(seconds=3599 - 60)


def make(base_url: str, clock: FakeClock) -> Backend:
    return FedEx(CLIENT_ID, Secret("inline", SECRET), base_url=base_url, clock=clock)


def token(body: Any = "fedex/token.json", status: int = 200) -> Reply:
    return Reply("POST", TOKEN_PATH, body, status=status)


def sent(*numbers: str) -> dict[str, Any]:
    return {
        "includeDetailedScans": True,
        "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": n}} for n in numbers],
    }


def track(body: Any, *numbers: str, bearer: str = TOKEN_A, status: int = 200, **kw: Any) -> Reply:
    return Reply(
        "POST",
        TRACK,
        body,
        status=status,
        json=sent(*numbers),
        headers={"Authorization": f"Bearer {bearer}"},
        **kw,
    )


def not_found(*numbers: str) -> dict[str, Any]:
    error = {
        "code": "TRACKING.TRACKINGNUMBER.NOTFOUND",
        "message": "Tracking number cannot be found.",
    }
    results = [
        {"trackingNumber": n, "trackResults": [{"trackingNumberInfo": {"trackingNumber": n},
                                                 "error": error}]}
        for n in numbers
    ]  # fmt: skip
    return {"transactionId": "t", "output": {"completeTrackResults": results}}


def eta_on(start: int, end: int) -> Any:
    def check(result: BatchResult) -> None:
        assert result.statuses[NUM].eta == Eta(date(2026, 3, start), date(2026, 3, end))

    return check


def delivered_in_full(result: BatchResult) -> None:
    status = result.statuses[NUM]
    assert status.carrier == "fedex"
    assert status.status_text == "Delivered"
    assert status.delivered_at == datetime(2026, 3, 27, 15, 5, tzinfo=UTC)
    assert [e.milestone for e in status.events] == [
        M.SHIPPED, M.IN_TRANSIT, M.IN_TRANSIT, M.IN_TRANSIT, M.OUT_FOR_DELIVERY, M.DELIVERED,
    ]  # fmt: skip
    assert status.events[0].location is None
    assert status.events[0].status_text == "Initiated"
    assert status.events[3].occurred_at == datetime(2026, 3, 27, 8, 10, tzinfo=UTC)
    assert status.events[-1].location == "ALBANY, NY, US"


MANY = [f"7946{n:08d}" for n in range(31)]
IN_TRANSIT = Outcome(statuses={NUM: M.IN_TRANSIT})

CASES = [
    Case("progress to delivered on one token", [
        Step([q(NUM, "fedex")], [token(), track("fedex/track_in_transit.json", NUM)],
             Outcome(statuses={NUM: M.IN_TRANSIT}, then=eta_on(27, 27))),
        Step([q(NUM, "fedex")], [track("fedex/track_out_for_delivery.json", NUM)],
             Outcome(statuses={NUM: M.OUT_FOR_DELIVERY}, then=eta_on(27, 27)),
             advance=timedelta(minutes=20)),
        Step([q(NUM, "fedex")], [track("fedex/track_delivered.json", NUM)],
             Outcome(statuses={NUM: M.DELIVERED}, then=delivered_in_full),
             advance=timedelta(minutes=20)),
    ]),
    Case("known, not found and invalid numbers in one batch", [
        Step([q(NUM), q(NOT_FOUND), q(INVALID)],
             [token(), track("fedex/track_batch.json", NUM, NOT_FOUND, INVALID)],
             Outcome(statuses={NUM: M.IN_TRANSIT}, not_found=[NOT_FOUND],
                     rejected={INVALID: "and resubmit. (TRACKING.TRACKINGNUMBER.INVALID)"})),
    ]),
    Case("31 numbers go as 30 and 1", [
        Step([q(n) for n in MANY],
             [token(), track(not_found(*MANY[:30]), *MANY[:30]),
              track(not_found(*MANY[30:]), *MANY[30:])],
             Outcome(not_found=MANY)),
    ]),
    Case("the token is reused until just before it expires, then renewed", [
        Step([q(NUM)], [token(), track("fedex/track_in_transit.json", NUM)], IN_TRANSIT),
        Step([q(NUM)], [track("fedex/track_in_transit.json", NUM)], IN_TRANSIT,
             advance=TOKEN_LIFE - timedelta(seconds=1)),
        Step([q(NUM)],
             [token("fedex/token_renewed.json"),
              track("fedex/track_in_transit.json", NUM, bearer=TOKEN_B)],
             IN_TRANSIT, advance=timedelta(seconds=1)),
    ]),
    Case("a token refused early is renewed once and the request repeated", [
        Step([q(NUM)], [token(), track("fedex/track_in_transit.json", NUM)], IN_TRANSIT),
        Step([q(NUM)],
             [track("fedex/unauthorized.json", NUM, status=401),
              token("fedex/token_renewed.json"),
              track("fedex/track_in_transit.json", NUM, bearer=TOKEN_B)],
             IN_TRANSIT, advance=timedelta(minutes=10)),
    ]),
    Case("a fresh token refused again is an AuthError", [
        Step([q(NUM)],
             [token(), track("fedex/unauthorized.json", NUM, status=401),
              token("fedex/token_renewed.json"),
              track("fedex/unauthorized.json", NUM, bearer=TOKEN_B, status=401)],
             Outcome(raises=AuthError, message=[
                 "fedex: the access token was refused (401); "
                 "check carriers.fedex.client_id and carriers.fedex.client_secret"])),
    ]),
    Case("refused client credentials name both keys", [
        Step([q(NUM)], [token("fedex/token_refused.json", status=401)],
             Outcome(raises=AuthError, message=[
                 "fedex: the client ID and secret were refused (401); "
                 "check carriers.fedex.client_id and carriers.fedex.client_secret"])),
    ]),
    Case("429 with Retry-After as an HTTP-date", [
        Step([q(NUM)],
             [token(), track({"errors": [{"code": "TOO.MANY.REQUESTS",
                                          "message": "We have received too many requests."}]},
                             NUM, status=429,
                             reply_headers={"Retry-After": "Wed, 25 Mar 2026 12:10:00 GMT"})],
             Outcome(raises=TransientError, retry_after=600.0,
                     message=["fedex: rate limited (429): We have received too many requests."])),
    ]),
    Case("5xx is transient", [
        Step([q(NUM)], [token(), track("fedex/server_error.json", NUM, status=500)],
             Outcome(raises=TransientError, message=["fedex: server error 500"])),
    ]),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_fedex(case: Case, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture) -> None:
    run_case(case, make, httpserver, caplog, secrets=[SECRET, TOKEN_A, TOKEN_B])


def test_the_token_request_is_a_client_credentials_form(
    httpserver: HTTPServer, clock: FakeClock
) -> None:
    httpserver.expect_ordered_request(TOKEN_PATH, method="POST").respond_with_json(
        {"access_token": TOKEN_A, "token_type": "bearer", "expires_in": 3599, "scope": "CXS"}
    )
    httpserver.expect_ordered_request(TRACK, method="POST").respond_with_json(not_found(NUM))
    backend = FedEx(
        CLIENT_ID, Secret("inline", SECRET), base_url=httpserver.url_for(""), clock=clock
    )
    try:
        assert backend.check([q(NUM)]).not_found == (NUM,)
    finally:
        backend.close()
    httpserver.check_assertions()
    request, _ = httpserver.log[0]
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = parse_qs(request.get_data(as_text=True))
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": [CLIENT_ID],
        "client_secret": [SECRET],
    }
