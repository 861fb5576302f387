"""End to end: a shipping email creates the shipment, 17TRACK (served on loopback,
in its documented response shape) moves it through out for delivery to
delivered, and each milestone is notified exactly once, whether the email or the
carrier says it first."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from daemon.app import App, build
from daemon.cli.main import main
from daemon.config.settings import load_settings
from daemon.mail.raw import RawMessage
from tests.daemon.carriers.harness import FakeClock, fixture, moved
from tests.support.receiver import Receiver

EMAILS = Path(__file__).resolve().parents[2] / "emails" / "amazon_com"
NUMBER = "1Z999AA10123456784"  # the UPS parcel of order 113-4829105-7730624
KEY = "17track-key-not-for-logs"


# 17TRACK's documented answer for a registered number without any scan yet.
NO_INFO_YET = {
    "code": 0,
    "data": {
        "accepted": [],
        "rejected": [
            {"number": NUMBER, "error": {"code": -18019909, "message": "No tracking information."}}
        ],
    },
}


class Carrier:
    """17TRACK on loopback: registers anything, answers gettrackinfo with the
    fixture of the moment, and counts requests."""

    def __init__(self, httpserver: HTTPServer) -> None:
        self.info: str | dict[str, Any] = "17track/info_in_transit.json"
        self.requests: Counter[str] = Counter()
        httpserver.expect_request("/track/v2.2/register").respond_with_handler(self._register)
        httpserver.expect_request("/track/v2.2/gettrackinfo").respond_with_handler(self._info)

    def _register(self, request: Request) -> Response:
        assert request.headers["17token"] == KEY
        self.requests["register"] += 1
        return _json(fixture("17track/register_one.json"))

    def _info(self, request: Request) -> Response:
        assert [n["number"] for n in request.get_json()] == [NUMBER]
        self.requests["gettrackinfo"] += 1
        return _json(fixture(self.info) if isinstance(self.info, str) else self.info)


def _json(body: Any) -> Response:
    return Response(json.dumps(body), 200, content_type="application/json")


@pytest.fixture
def carrier(httpserver: HTTPServer) -> Carrier:
    return Carrier(httpserver)


def make_app(tmp_path: Path, httpserver: HTTPServer, receiver: Receiver, clock: FakeClock) -> App:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[general]\nstate_dir = "{tmp_path / "state"}"\n\n'
        "[notify]\nphotos = false\n"
        f'[[notify.target]]\nname = "hook"\nurl = "{receiver.url()}"\n\n'
        '[carriers.17track]\napi_key = { env = "KEY" }\nrequests_per_second = 1000\n'
        f'base_url = "{httpserver.url_for("/").rstrip("/")}"\n'
    )
    settings = load_settings(config, {"HOME": str(tmp_path), "KEY": KEY}, required=True)
    return build(settings, clock)


def email(app: App, name: str) -> None:
    path = EMAILS / name
    app.pipeline.process(RawMessage(path.read_bytes(), "test", name))


def titles(app: App, receiver: Receiver) -> list[str]:
    app.deliver()
    return [t.split(":")[0] for t in receiver.titles()]


def test_email_then_carrier_each_milestone_once(
    tmp_path: Path, httpserver: HTTPServer, receiver: Receiver, carrier: Carrier
) -> None:
    clock = FakeClock()
    app = make_app(tmp_path, httpserver, receiver, clock)
    email(app, "order1_shipped_pkg0.eml")
    assert titles(app, receiver) == ["Shipped"]

    report = app.refresher.run_due()  # in transit: recorded, not notified
    assert (report.checked, report.notifications) == (1, 0)
    assert carrier.requests == {"register": 1, "gettrackinfo": 1}
    [ship] = app.store.find_shipments(NUMBER)
    assert ship.carrier_check is not None and ship.carrier_check.backend == "17track"
    assert any(line.source == "carrier" for line in ship.timeline)

    assert app.refresher.run_due().checked == 0  # not due yet: no request
    assert carrier.requests["gettrackinfo"] == 1

    carrier.info = "17track/info_out_for_delivery.json"
    clock.advance(timedelta(days=2))
    app.refresher.run_due()
    clock.advance(timedelta(hours=1))
    app.refresher.run_due()  # the same answer again
    email(app, "order1_out_for_delivery_pkg0.eml")  # and Amazon's email about it
    assert titles(app, receiver) == ["Shipped", "Out for delivery"]

    carrier.info = "17track/info_delivered.json"
    clock.advance(timedelta(hours=1))
    app.refresher.run_due()
    email(app, "order1_delivered_pkg0.eml")
    assert titles(app, receiver) == ["Shipped", "Out for delivery", "Delivered"]

    asked = carrier.requests["gettrackinfo"]
    clock.advance(timedelta(days=1))
    assert app.refresher.run_due().checked == 0  # delivered: never asked again
    assert carrier.requests == {"register": 1, "gettrackinfo": asked}
    app.close()


def test_amazon_logistics_stays_email_only(
    tmp_path: Path, httpserver: HTTPServer, receiver: Receiver, carrier: Carrier
) -> None:
    app = make_app(tmp_path, httpserver, receiver, FakeClock())
    email(app, "shipped_and_2_more_items.eml")  # Amazon Logistics, TBA number
    report = app.refresher.run_due()
    assert (report.checked, report.email_only) == (0, 1)
    assert sum(carrier.requests.values()) == 0
    [ship] = app.store.shipments()
    assert ship.tracking_number is not None and ship.tracking_number.startswith("TBA")
    assert ship.carrier_check is not None
    assert ship.carrier_check.note == "Amazon Logistics parcels are tracked by email only"
    assert app.refresher.run_due().email_only == 0  # decided once
    app.close()


def test_a_refused_key_is_one_line_and_stops_that_backend(
    tmp_path: Path, httpserver: HTTPServer, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_request("/track/v2.2/register").respond_with_json(
        fixture("17track/error_invalid_key.json"), status=401
    )
    app = make_app(tmp_path, httpserver, receiver, FakeClock())
    email(app, "order1_shipped_pkg0.eml")
    report = app.refresher.run_due()
    assert report.failed == 1
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "check carriers.17track.api_key" in record.getMessage()
    assert KEY not in caplog.text
    assert app.refresher.run_due().failed == 0  # disabled: not asked again
    app.close()


def test_track_and_refresh_commands(
    tmp_path: Path,
    httpserver: HTTPServer,
    receiver: Receiver,
    carrier: Carrier,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = make_app(tmp_path, httpserver, receiver, FakeClock())
    app.close()
    config = ["--config", str(tmp_path / "config.toml")]
    env = {"HOME": str(tmp_path), "KEY": KEY}

    assert main([*config, "track", "1z999aa1 0123456784", "--label", "Birthday gift"], env) == 0
    out = capsys.readouterr().out
    assert "Tracking 1Z999AA10123456784 (UPS)" in out
    assert "carriers: 1 checked" in out
    assert "Carrier updates: 17track, last asked" in out

    # The CLI runs the real clock: the parcel was delivered an hour ago.
    delivered = fixture("17track/info_delivered.json")
    scanned = datetime(2026, 3, 27, 18, 15, tzinfo=UTC)  # the fixture's delivery scan
    carrier.info = moved(delivered, datetime.now(UTC) - timedelta(hours=1) - scanned)
    assert main([*config, "refresh", NUMBER], env) == 0
    assert "carriers: 1 checked" in capsys.readouterr().out
    assert main([*config, "show", NUMBER], env) == 0
    shown = capsys.readouterr().out
    assert "Delivered" in shown and "Carrier updates" not in shown
    assert main([*config, "refresh", "999-0000000-0000000"], env) == 1
    assert receiver.titles()[-1] == "Delivered: Birthday gift"


def test_a_new_process_does_not_register_again_and_events_are_not_repeated(
    tmp_path: Path, httpserver: HTTPServer, receiver: Receiver, carrier: Carrier
) -> None:
    clock = FakeClock()
    first = make_app(tmp_path, httpserver, receiver, clock)
    email(first, "order1_shipped_pkg0.eml")
    first.refresher.run_due()
    first.close()

    clock.advance(timedelta(days=1))
    second = make_app(tmp_path, httpserver, receiver, clock)  # as after a restart
    assert second.refresher.run_due().checked == 1
    [ship] = second.store.find_shipments(NUMBER)
    carrier_lines = [line for line in ship.timeline if line.source == "carrier"]
    assert carrier.requests == {"register": 1, "gettrackinfo": 2}
    # The same carrier history twice: each scan once in the timeline.
    assert len(carrier_lines) == len(
        {(line.occurred_at, line.description) for line in carrier_lines}
    )
    history = fixture("17track/info_in_transit.json")["data"]["accepted"][0]["track_info"]
    assert len(carrier_lines) == len(history["tracking"]["providers"][0]["events"])
    second.close()


def test_no_news_for_stale_days_is_told_once(
    tmp_path: Path, httpserver: HTTPServer, receiver: Receiver, carrier: Carrier
) -> None:
    clock = FakeClock()
    app = make_app(tmp_path, httpserver, receiver, clock)
    email(app, "order1_shipped_pkg0.eml")
    carrier.info = NO_INFO_YET  # the carrier never says anything
    app.refresher.run_due()
    for _ in range(12):
        clock.advance(timedelta(days=1))
        app.refresher.run_due()
        app.end_stories()  # what `run` does every hour, and `sync` each time
    assert titles(app, receiver) == ["Shipped", "No news"]
    app.close()
