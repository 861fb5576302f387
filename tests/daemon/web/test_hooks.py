"""Carrier webhooks end to end: 17TRACK's and AfterShip's documented push
bodies (built from the same documented answers the polling tests use: a
17TRACK push's data is a gettrackinfo entry, an AfterShip webhook's msg is a
tracking object), signed as each service signs them, POSTed to the real
server on loopback; notifications arrive at the loopback receiver. A
wrong, missing or replayed signature changes nothing; a scan is notified once
whether it was pushed or polled; polling falls back to a safety net."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from daemon.app import App
from daemon.carriers.push import aftership_signature, seventeen_track_signature
from daemon.mail.raw import RawMessage
from daemon.store.export import shipment_json
from parsers.model import Milestone
from tests.daemon.carriers.harness import fixture
from tests.daemon.web.conftest import (
    AFTERSHIP_SECRET,
    SEVENTEEN_KEY,
    AppFactory,
    Clock,
    Served,
    ServeFactory,
    event,
    record,
)
from tests.support.receiver import Receiver
from tests.support.replay import replay_one

EMAILS = Path(__file__).resolve().parents[2] / "emails" / "amazon_com"
UPS = "1Z999AA10123456784"  # order 113-4829105-7730624's UPS parcel, 17TRACK's fixtures
USPS = "9400111899223818218407"  # AfterShip's fixtures

# Late on 27 March 2026, UTC: the carrier fixtures' scans (out for delivery that
# morning, delivered in the afternoon) are news then.
PUSHED = datetime(2026, 3, 27, 20, 0, tzinfo=UTC)


class Carriers:
    """17TRACK and AfterShip on loopback, answering polls with a fixture of the
    moment, counting the requests."""

    def __init__(self, httpserver: HTTPServer) -> None:
        self.info = "17track/info_out_for_delivery.json"
        self.requests: Counter[str] = Counter()
        httpserver.expect_request("/track/v2.2/register").respond_with_handler(
            self._answer("register", "17track/register_one.json")
        )
        httpserver.expect_request("/track/v2.2/gettrackinfo").respond_with_handler(self._info)

    def _answer(self, name: str, body: str) -> Any:
        def handler(request: Request) -> Response:
            self.requests[name] += 1
            return Response(json.dumps(fixture(body)), 200, content_type="application/json")

        return handler

    def _info(self, request: Request) -> Response:
        return self._answer("gettrackinfo", self.info)(request)  # type: ignore[no-any-return]


@pytest.fixture
def carriers(httpserver: HTTPServer) -> Carriers:
    return Carriers(httpserver)


def pushing_app(make_app: AppFactory, httpserver: HTTPServer) -> App:
    base = httpserver.url_for("/").rstrip("/")
    return make_app(
        extra=f'[carriers.17track]\napi_key = {{ env = "KEY17" }}\nwebhook = true\n'
        f'base_url = "{base}"\nrequests_per_second = 1000\n'
        f'[carriers.aftership]\napi_key = {{ env = "AS_KEY" }}\n'
        f'webhook_secret = {{ env = "AS_SECRET" }}\nbase_url = "{base}"\n'
        "requests_per_second = 1000\n"
    )


def seventeen_track_body(info_fixture: str) -> bytes:
    entry = fixture(info_fixture)["data"]["accepted"][0]
    return json.dumps({"event": "TRACKING_UPDATED", "data": entry}).encode()


def aftership_body(list_fixture: str) -> bytes:
    tracking = fixture(list_fixture)["data"]["trackings"][0]
    return json.dumps({
        "event": "tracking_update", "event_id": "5a1f2d9e-8c4b-4e1a-9f0e-3b7c2d1e0f4a",
        "is_tracking_first_tag": True, "msg": tracking, "ts": 1774609800,
    }).encode()  # fmt: skip


def push_17track(served: Served, body: bytes, sign: str | None = "right") -> int:
    headers = {"Content-Type": "application/json"}
    if sign == "right":
        headers["sign"] = seventeen_track_signature(body, SEVENTEEN_KEY)
    elif sign is not None:
        headers["sign"] = sign
    return served.client.post("/hooks/17track", content=body, headers=headers).status_code


def push_aftership(served: Served, body: bytes, signature: str | None = "right") -> int:
    headers = {"Content-Type": "application/json"}
    if signature == "right":
        headers["aftership-hmac-sha256"] = aftership_signature(body, AFTERSHIP_SECRET)
    elif signature is not None:
        headers["aftership-hmac-sha256"] = signature
    return served.client.post("/hooks/aftership", content=body, headers=headers).status_code


def everything(app: App) -> tuple[Any, ...]:
    """What a push could change: every shipment as the API shows it (timeline
    and carrier schedule included), the change stamp, the outbox."""
    ships = app.store.shipments(include_finished=True)
    checks = [(s.pk, s.carrier_check) for s in ships]
    return ([shipment_json(s) for s in ships], checks, app.store.change_stamp(),
            app.outbox.counts())  # fmt: skip


def titles(receiver: Receiver) -> list[str]:
    return [t.split(":")[0] for t in receiver.titles()]


def test_17track_pushes_move_a_parcel_and_notify_each_milestone_once(
    make_app: AppFactory, serve: ServeFactory, httpserver: HTTPServer, carriers: Carriers,
    receiver: Receiver, clock: Clock,
) -> None:  # fmt: skip
    app = pushing_app(make_app, httpserver)
    path = EMAILS / "order1_shipped_pkg0.eml"
    replay_one(app.pipeline, RawMessage(path.read_bytes(), "test", path.name), clock)
    app.deliver()
    served = serve(app)
    assert titles(receiver) == ["Shipped"]
    clock.now = PUSHED  # the scans pushed below are hours old: news

    out = seventeen_track_body("17track/info_out_for_delivery.json")
    assert push_17track(served, out) == 200
    [ship] = app.store.find_shipments(UPS)
    assert ship.status is Milestone.OUT_FOR_DELIVERY
    assert any(line.source == "carrier" for line in ship.timeline)
    assert receiver.wait_for(2) and titles(receiver) == ["Shipped", "Out for delivery"]

    before = everything(app)
    clock.advance(timedelta(minutes=5))
    assert push_17track(served, out) == 200  # the same push again
    assert everything(app) == before
    assert app.refresher.run_due().notifications == 0  # and the same scan polled
    app.deliver()
    assert titles(receiver) == ["Shipped", "Out for delivery"]

    assert push_17track(served, seventeen_track_body("17track/info_delivered.json")) == 200
    assert receiver.wait_for(3)
    assert titles(receiver) == ["Shipped", "Out for delivery", "Delivered"]
    [ship] = app.store.find_shipments(UPS)
    assert ship.status is Milestone.DELIVERED
    assert ship.carrier_check is not None and ship.carrier_check.next_check_at is None
    assert app.refresher.run_due().checked == 0  # delivered by push: never asked again


def test_aftership_webhooks_move_a_parcel_and_notify_each_milestone_once(
    make_app: AppFactory,
    serve: ServeFactory,
    httpserver: HTTPServer,
    receiver: Receiver,
    clock: Clock,
) -> None:
    clock.now = PUSHED  # the scans pushed below are hours old: news
    app = pushing_app(make_app, httpserver)
    shipped = event(Milestone.SHIPPED, USPS, carrier="usps", order_ids=("114-2210934-5561847",))
    record(app, replace(shipped, occurred_at=PUSHED - timedelta(days=1)))
    app.deliver()
    served = serve(app)
    out = aftership_body("aftership/list_out_for_delivery.json")
    assert push_aftership(served, out) == 200
    assert receiver.wait_for(2)
    assert push_aftership(served, out) == 200  # replayed
    assert push_aftership(served, aftership_body("aftership/list_delivered.json")) == 200
    assert receiver.wait_for(3)
    assert titles(receiver) == ["Shipped", "Out for delivery", "Delivered"]
    [ship] = app.store.find_shipments(USPS)
    assert ship.status is Milestone.DELIVERED and ship.delivered_at is not None


@pytest.mark.parametrize(
    ("backend", "signature"),
    [("17track", None), ("17track", "0" * 64), ("17track", "sign-of-another-body"),
     ("aftership", None), ("aftership", "AAAA"), ("aftership", "key-of-another")],
)  # fmt: skip
def test_a_wrong_or_missing_signature_is_401_and_changes_nothing(
    make_app: AppFactory, serve: ServeFactory, httpserver: HTTPServer, receiver: Receiver,
    backend: str, signature: str | None,
) -> None:  # fmt: skip
    app = pushing_app(make_app, httpserver)
    record(app, event(Milestone.SHIPPED, UPS))
    record(app, event(Milestone.SHIPPED, USPS, carrier="usps", order_ids=("114-2210934-5561847",)))
    app.deliver()
    served = serve(app)
    before = everything(app)
    if backend == "17track":
        body = seventeen_track_body("17track/info_delivered.json")
        if signature == "sign-of-another-body":
            signature = seventeen_track_signature(body + b" ", SEVENTEEN_KEY)
        assert push_17track(served, body, signature) == 401
    else:
        body = aftership_body("aftership/list_delivered.json")
        if signature == "key-of-another":
            signature = aftership_signature(body, "someone else's secret")
        assert push_aftership(served, body, signature) == 401
    assert everything(app) == before
    assert len(receiver.requests) == 2  # the two "Shipped" only
    metrics = served.get("/metrics").text
    assert f'parcelwatch_webhooks_total{{backend="{backend}",outcome="refused"}} 1.0' in metrics


def test_pushes_that_say_nothing_to_record_are_acknowledged(
    make_app: AppFactory, serve: ServeFactory, httpserver: HTTPServer
) -> None:
    app = pushing_app(make_app, httpserver)
    served = serve(app)
    stopped = json.dumps({"event": "TRACKING_STOPPED", "data": {
        "number": UPS, "carrier": 100002, "param": None, "tag": None}}).encode()  # fmt: skip
    assert push_17track(served, stopped) == 200
    stranger = seventeen_track_body("17track/info_delivered.json")  # no shipment has it
    assert push_17track(served, stranger) == 200
    assert app.store.shipments(include_finished=True) == []
    assert push_17track(served, b"not json") == 400  # signed, but not the documented shape
    assert push_17track(served, json.dumps({"event": "TRACKING_UPDATED"}).encode()) == 400
    assert served.client.get("/hooks/17track").status_code == 405
    assert push_17track(served, stopped.replace(b"TRACKING", b"X")) == 200
    assert served.client.post("/hooks/dhl", content=b"{}").status_code == 404


def test_with_a_webhook_polling_is_a_rare_safety_net(
    make_app: AppFactory, httpserver: HTTPServer, carriers: Carriers, clock: Clock
) -> None:
    app = pushing_app(make_app, httpserver)
    record(app, event(Milestone.OUT_FOR_DELIVERY, UPS))
    app.refresher.run_due()
    [ship] = app.store.find_shipments(UPS)
    assert ship.carrier_check is not None and ship.carrier_check.next_check_at is not None
    wait = ship.carrier_check.next_check_at - clock()
    # out for delivery is watched every 20 minutes when polled; pushed: 12 h less jitter
    assert timedelta(hours=10, minutes=48) <= wait <= timedelta(hours=12)
    assert carriers.requests == {"register": 1, "gettrackinfo": 1}
    samples = app.carrier_usage()
    assert samples["17track"].requests == 2 and samples["17track"].errors == 0
