"""17TRACK v2.2 on loopback: registration once, batches of 40, and the errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from daemon.carriers.base import Backend, BatchResult
from daemon.carriers.seventeen_track import SeventeenTrack
from daemon.config.secrets import Secret
from daemon.errors import AuthError, TransientError
from parsers.model import Eta, Milestone
from tests.daemon.carriers.harness import Case, FakeClock, Outcome, Reply, Step, q, run_case

M = Milestone
KEY = "17tk-SECRET-0001"
UPS = "1Z999AA10123456784"
ROYAL = "RR123456789GB"
USPS = "9400111899223818218407"
BAD = "NOT-A-NUMBER"
REGISTER = "/track/v2.2/register"
INFO = "/track/v2.2/gettrackinfo"
UPS_ITEM = {"number": UPS, "carrier": 100002}


def make(base_url: str, clock: FakeClock) -> Backend:
    return SeventeenTrack(Secret("inline", KEY), base_url=base_url, clock=clock)


def register(body: Any, items: list[dict[str, Any]], **kwargs: Any) -> Reply:
    return Reply("POST", REGISTER, body, json=items, headers={"17token": KEY}, **kwargs)


def info(body: Any, items: list[dict[str, Any]], **kwargs: Any) -> Reply:
    return Reply("POST", INFO, body, json=items, headers={"17token": KEY}, **kwargs)


def delivered_in_full(result: BatchResult) -> None:
    status = result.statuses[UPS]
    assert status.carrier == "ups"
    assert status.status_text == "DELIVERED"
    assert status.eta == Eta.day(date(2026, 3, 27))
    assert status.delivered_at == datetime(2026, 3, 27, 18, 15, tzinfo=UTC)
    assert [e.milestone for e in status.events] == [
        M.SHIPPED, M.IN_TRANSIT, M.IN_TRANSIT, M.IN_TRANSIT, M.OUT_FOR_DELIVERY, M.DELIVERED,
    ]  # fmt: skip
    times = [e.occurred_at for e in status.events]
    assert times == sorted(t for t in times if t is not None)
    first, last = status.events[0], status.events[-1]
    assert first.occurred_at == datetime(2026, 3, 25, 14, 2, tzinfo=UTC)
    assert first.status_text == "InfoReceived"
    assert last.location == "Albany, NY, US"
    assert last.description == "DELIVERED"


def detected_carrier(result: BatchResult) -> None:
    assert result.statuses[UPS].carrier == "ups"


def numbers(count: int) -> list[str]:
    return [f"LX{n:09d}DE" for n in range(count)]


def accepted_all(batch: list[str]) -> dict[str, Any]:
    return {
        "code": 0,
        "data": {
            "accepted": [
                {"origin": 1, "number": n, "carrier": 7041, "email": None, "tag": None}
                for n in batch
            ],
            "rejected": [],
        },
    }


def no_info_yet(batch: list[str]) -> dict[str, Any]:
    error = {"code": -18019909, "message": "No tracking information at this time."}
    return {
        "code": 0,
        "data": {"accepted": [], "rejected": [{"number": n, "error": error} for n in batch]},
    }


MANY = numbers(41)
MANY_ITEMS = [{"number": n} for n in MANY]

CASES = [
    Case("progress to delivered, registered once", [
        Step([q(UPS, "ups")],
             [register("17track/register_one.json", [UPS_ITEM]),
              info("17track/info_in_transit.json", [UPS_ITEM])],
             Outcome(statuses={UPS: M.IN_TRANSIT})),
        Step([q(UPS, "ups")],
             [info("17track/info_out_for_delivery.json", [UPS_ITEM])],
             Outcome(statuses={UPS: M.OUT_FOR_DELIVERY}), advance=timedelta(hours=20)),
        Step([q(UPS, "ups")],
             [info("17track/info_delivered.json", [UPS_ITEM])],
             Outcome(statuses={UPS: M.DELIVERED}, then=delivered_in_full),
             advance=timedelta(minutes=20)),
    ]),
    Case("accepted, already registered, rejected and not yet tracked in one batch", [
        Step([q(UPS, "ups"), q(ROYAL, "royal_mail"), q(USPS, "usps"), q(BAD), q(UPS, "ups")],
             [register("17track/register_mixed.json",
                       [UPS_ITEM, {"number": ROYAL, "carrier": 11031},
                        {"number": USPS, "carrier": 21051}, {"number": BAD}]),
              info("17track/info_mixed.json",
                   [UPS_ITEM, {"number": ROYAL, "carrier": 11031}, {"number": USPS}])],
             Outcome(statuses={UPS: M.SHIPPED}, not_found=[ROYAL, USPS],
                     rejected={BAD: "is invalid. (-18010012)"})),
    ]),
    Case("an unknown carrier is left to 17TRACK to detect", [
        Step([q(UPS)],
             [register("17track/register_one.json", [{"number": UPS}]),
              info("17track/info_in_transit.json", [{"number": UPS}])],
             Outcome(statuses={UPS: M.IN_TRANSIT}, then=detected_carrier)),
    ]),
    Case("a lapsed registration is registered again", [
        Step([q(UPS, "ups")],
             [register("17track/register_one.json", [UPS_ITEM]),
              info("17track/info_not_registered.json", [UPS_ITEM])],
             Outcome(not_found=[UPS])),
        Step([q(UPS, "ups")],
             [register("17track/register_one.json", [UPS_ITEM]),
              info("17track/info_in_transit.json", [UPS_ITEM])],
             Outcome(statuses={UPS: M.IN_TRANSIT})),
    ]),
    Case("41 numbers go as 40 and 1, and are registered once", [
        Step([q(n) for n in MANY],
             [register(accepted_all(MANY[:40]), MANY_ITEMS[:40]),
              register(accepted_all(MANY[40:]), MANY_ITEMS[40:]),
              info(no_info_yet(MANY[:40]), MANY_ITEMS[:40]),
              info(no_info_yet(MANY[40:]), MANY_ITEMS[40:])],
             Outcome(not_found=MANY)),
        Step([q(n) for n in MANY],
             [info(no_info_yet(MANY[:40]), MANY_ITEMS[:40]),
              info(no_info_yet(MANY[40:]), MANY_ITEMS[40:])],
             Outcome(not_found=MANY)),
    ]),
    Case("401 names the backend and the key to check", [
        Step([q(UPS, "ups")],
             [register({"code": 401, "data": {"errors": []}}, [UPS_ITEM], status=401)],
             Outcome(raises=AuthError, message=[
                 "17track: the API key was refused (401); check carriers.17track.api_key"])),
    ]),
    Case("a refused key reported in the body is an AuthError too", [
        Step([q(UPS, "ups")],
             [register("17track/error_invalid_key.json", [UPS_ITEM])],
             Outcome(raises=AuthError, message=[
                 "17track: the API key was refused (-18010002); "
                 "check carriers.17track.api_key"])),
    ]),
    Case("429 with Retry-After in seconds", [
        Step([q(UPS, "ups")],
             [register("17track/error_rate_limited.json", [UPS_ITEM], status=429,
                       reply_headers={"Retry-After": "30"})],
             Outcome(raises=TransientError, message=["17track: rate limited (429)"],
                     retry_after=30.0)),
    ]),
    Case("429 with Retry-After as an HTTP-date", [
        Step([q(UPS, "ups")],
             [register("17track/error_rate_limited.json", [UPS_ITEM], status=429,
                       reply_headers={"Retry-After": "Wed, 25 Mar 2026 12:02:00 GMT"})],
             Outcome(raises=TransientError, retry_after=120.0)),
    ]),
    Case("5xx is transient, and the next check carries on", [
        Step([q(UPS, "ups")],
             [register("17track/register_one.json", [UPS_ITEM]),
              info(None, [UPS_ITEM], status=503, raw="Service Unavailable")],
             Outcome(raises=TransientError, message=["17track: server error 503"])),
        Step([q(UPS, "ups")],
             [info("17track/info_in_transit.json", [UPS_ITEM])],
             Outcome(statuses={UPS: M.IN_TRANSIT}), advance=timedelta(minutes=5)),
    ]),
    Case("malformed JSON is transient", [
        Step([q(UPS, "ups")],
             [register(None, [UPS_ITEM], raw="<html>502 Bad Gateway</html>")],
             Outcome(raises=TransientError, message=["17track: malformed JSON", REGISTER])),
    ]),
    Case("an answer of the wrong shape is transient", [
        Step([q(UPS, "ups")],
             [register({"code": 0, "data": {"accepted": "none"}}, [UPS_ITEM])],
             Outcome(raises=TransientError, message=["17track: unexpected answer"])),
    ]),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_seventeen_track(
    case: Case, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    run_case(case, make, httpserver, caplog, secrets=[KEY])


def test_registered_numbers_can_be_carried_over(httpserver: HTTPServer, clock: FakeClock) -> None:
    backend = SeventeenTrack(
        Secret("inline", KEY), base_url=httpserver.url_for(""), clock=clock, registered=[UPS]
    )
    httpserver.expect_ordered_request(
        INFO, method="POST", json=[{"number": UPS}]
    ).respond_with_json({"code": 0, "data": {"accepted": [], "rejected": []}})
    try:
        assert backend.check([q(UPS, "ups")]).not_found == (UPS,)
        assert backend.registered == frozenset({UPS})
    finally:
        backend.close()
    httpserver.check_assertions()


def test_repr_hides_the_key() -> None:
    backend = SeventeenTrack(Secret("inline", KEY))
    try:
        assert KEY not in repr(backend.__dict__)
    finally:
        backend.close()
