"""The JSON API and /metrics over HTTP on loopback: the API answers with the
very objects `show --json` prints; the metrics are the store's counts, read
at scrape time."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from daemon.cli.main import main
from daemon.mail.raw import RawMessage
from daemon.store.views import MessageRecord
from parsers.model import Milestone, ParseResult
from tests.daemon.web.conftest import (
    DELIVERED,
    OUT,
    TRANSIT,
    AppFactory,
    Clock,
    ServeFactory,
    event,
    household,
    record,
)
from tests.support.replay import replay

EMAILS = Path(__file__).resolve().parents[2] / "emails" / "amazon_com"


def test_shipments_are_the_active_ones_and_all_with_all(
    make_app: AppFactory, serve: ServeFactory
) -> None:
    app = make_app()
    household(app)
    served = serve(app)
    active = served.get("/api/shipments").json()
    numbers = {row["tracking_number"] for row in active}
    assert DELIVERED not in numbers and {OUT, TRANSIT} <= numbers and len(active) == 5
    everything = served.get("/api/shipments", params={"all": "1"}).json()
    assert len(everything) == 6 and DELIVERED in {r["tracking_number"] for r in everything}
    row = next(r for r in active if r["tracking_number"] == OUT)
    assert row["status"] == "out_for_delivery" and row["carrier"] == "ups"
    assert row["eta"] == {"start": "2026-04-02", "end": "2026-04-02"}
    assert row["order_ids"] == ["113-4829105-7730624"]
    assert row["timeline"][0]["milestone"] == "out_for_delivery"
    assert row["timeline"][0]["occurred_at"] == "2026-04-02T07:00:00+00:00"


def test_the_api_answers_what_show_json_prints(
    make_app: AppFactory,
    serve: ServeFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = make_app()
    household(app)
    served = serve(app)
    base = ["--config", str(tmp_path / "config.toml")]
    env = {"HOME": str(tmp_path)}

    assert main([*base, "show", "--json", "113-4829105-7730624"], env) == 0
    shown = json.loads(capsys.readouterr().out)
    assert served.get("/api/orders/113-4829105-7730624").json() == shown
    assert [s["tracking_number"] for s in shown["shipments"]] == [OUT]

    assert main([*base, "show", "--json", OUT.lower()], env) == 0
    [line] = capsys.readouterr().out.splitlines()
    by_number = json.loads(line)
    assert served.get(f"/api/shipments/{by_number['key']}").json() == by_number
    assert main([*base, "list", "--json"], env) == 0
    assert json.loads(capsys.readouterr().out) == served.get("/api/shipments").json()
    assert served.get("/api/shipments/not-a-key").status_code == 404


def scrape(served_get: object) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = served_get.text  # type: ignore[attr-defined]
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_metrics_count_what_the_database_holds(
    make_app: AppFactory, serve: ServeFactory, clock: Clock
) -> None:
    app = make_app()
    # Two readings per email: reading it (in the parse worker) starts, ends.
    # The first takes 3 ms, the second 40 ms.
    timings = iter([0.0, 0.003, 0.010, 0.050])
    app.pipeline.timer = lambda: next(timings)
    shipping, video = (
        RawMessage((EMAILS / name).read_bytes(), "test", name)
        for name in ("order1_shipped_pkg0.eml", "negative_prime_video.eml")
    )
    replay(app.pipeline, [shipping], clock)  # read when it came: news
    app.pipeline.process(video)
    app.store.record_message(
        MessageRecord("test", "odd.eml", "f" * 64, subject="Your order"),
        ParseResult(parser="amazon", error="unrecognised: Your order"), app.routing, clock(),
    )  # fmt: skip
    app.store.account_succeeded("home", clock())
    household(app)
    app.deliver()
    samples = scrape(serve(app).get("/metrics"))

    def value(name: str, **labels: str) -> float:
        return samples[(name, tuple(sorted(labels.items())))]

    assert value("parcelwatch_shipments", status="out_for_delivery", archived="false") == 1
    # the shipping email is about OUT: its shipment moved on to out for delivery
    assert value("parcelwatch_shipments", status="shipped", archived="false") == 2
    assert value("parcelwatch_shipments", status="delivered", archived="false") == 1
    # shipped (the email), out for delivery, ready for pickup, shipped twice (late,
    # today), delivered; in transit is not announced by default
    assert value("parcelwatch_notifications_sent_total", target="phone") == 6
    assert value("parcelwatch_notifications_failed_total", target="phone") == 0
    assert value("parcelwatch_emails_total", outcome="read") == 1
    assert value("parcelwatch_emails_total", outcome="ignored") == 1
    assert value("parcelwatch_unrecognised_emails_total") == 1
    assert value("parcelwatch_parse_errors_total") == 0
    assert value("parcelwatch_mail_last_success_timestamp_seconds", account="home") == (
        clock().timestamp()
    )
    assert value("parcelwatch_parse_duration_seconds_count") == 2
    assert value("parcelwatch_parse_duration_seconds_bucket", le="0.005") == 1
    assert value("parcelwatch_parse_duration_seconds_bucket", le="0.05") == 2
    assert value("parcelwatch_parse_duration_seconds_sum") == pytest.approx(0.003 + 0.040)
    clock.advance(timedelta(minutes=1))
    record(app, event(Milestone.DELIVERED, OUT))
    app.deliver()
    again = scrape(serve(app).get("/metrics"))
    assert again[("parcelwatch_notifications_sent_total", (("target", "phone"),))] == 7


def test_the_calendar_feed_is_the_calendar_modules(
    make_app: AppFactory, serve: ServeFactory
) -> None:
    app = make_app()
    household(app)
    answer = serve(app).get("/calendar.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert answer.content == app.calendar_feed()
    text = answer.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    # every parcel with an expected day or a delivery day: all but the pickup one
    assert text.count("BEGIN:VEVENT") == 5
