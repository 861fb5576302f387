"""Notifications end to end: events recorded in SQLite on disk, real Apprise
delivering json:// and ntfy:// to a local receiver, a real HTTPS server for the
delivery photo (under Amazon's photo host name, tests/support/photo_server.py),
and a clock that moves only when a test says so.

Expected texts were worked out by hand from the events below (dates: 2026-04-02
is a Thursday)."""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from daemon.app import App, build
from daemon.cli.main import main
from daemon.config.settings import load_settings
from daemon.errors import ConfigError
from daemon.notify.notifier import OutboxRun, retry_delay
from daemon.notify.photo_net import Network
from daemon.store.recorder import Recorder
from parsers.model import Eta, Item, Milestone, ShipmentEvent
from tests.conftest import general_section
from tests.support import dovecot
from tests.support.photo_server import https_server, loopback_network, make_tls, photo_url
from tests.support.receiver import Receiver

pytestmark = pytest.mark.storage

ORDER = "113-4829105-7730624"
UPS = "1Z999AA10123456784"
UPS2 = "1ZA6W6840396542128"
UPS3 = "1Z12345E0205271688"
DHL = "00340434161094042557"
LATE = "1Z999AA10123456792"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(200))


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 4, 2, 9, 0, tzinfo=UTC))


AppFactory = Callable[..., App]


@pytest.fixture
def make_app(tmp_path: Path, clock: Clock, database_url: str) -> Iterator[AppFactory]:
    """build() from a config: [general] lines, then the [notify] part."""
    apps: list[App] = []

    def make(notify: str, general: str = "", photo_network: Network | None = None) -> App:
        config = tmp_path / "config.toml"
        sections = general_section(tmp_path / "state", database_url)
        config.write_text(f"{sections}{general}\n{notify}")
        settings = load_settings(config, {"HOME": str(tmp_path)}, required=True)
        app = build(settings, clock, photo_network=photo_network)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()


def target(name: str, url: str, tags: str = "", extra: str = "") -> str:
    return f'[[notify.target]]\nname = "{name}"\nurl = "{url}"\ntags = [{tags}]\n{extra}\n'


def record(app: App, event: ShipmentEvent, account: str | None = "home") -> None:
    """Record `event` as news: it happened now, unless it says when."""
    event = replace(event, occurred_at=event.occurred_at or app.clock())
    with app.store.writing() as connection:
        Recorder(connection, app.routing, app.clock(), account).record(event, "email", None)


def shipped(**changes: Any) -> ShipmentEvent:
    fields: dict[str, Any] = {
        "milestone": Milestone.SHIPPED,
        "order_ids": (ORDER,),
        "marketplace": "amazon.com",
        "carrier": "ups",
        "tracking_number": UPS,
        "eta": Eta.day(date(2026, 4, 3)),
        "items": (Item("USB-C cable", 2), Item("Phone case")),
    }
    fields.update(changes)
    return ShipmentEvent(**fields)


def by_path(receiver: Receiver) -> dict[str, list[str]]:
    """Titles that arrived, per receiver path (json:// payloads)."""
    seen: dict[str, list[str]] = {}
    for request in receiver.requests:
        seen.setdefault(request.path, []).append(request.json()["title"])
    return seen


# --- content ----------------------------------------------------------------------


def test_json_and_ntfy_targets_receive_title_and_body(
    make_app: AppFactory, receiver: Receiver
) -> None:
    app = make_app(
        target("hook", receiver.url("json", "/hook"))
        + target("phone", receiver.url("ntfy", "/parcels")),
        general='timezone = "America/New_York"',
    )
    record(app, shipped())
    assert app.deliver().sent == 2
    json_payload = next(r.json() for r in receiver.requests if r.path == "/hook")
    ntfy_payload = next(r.json() for r in receiver.requests if r.path == "/")
    assert json_payload["title"] == "Shipped: USB-C cable (+1 more)"
    assert json_payload["message"] == (
        "Items: USB-C cable; Phone case\n"
        f"Order: {ORDER}\n"
        f"UPS: {UPS}\n"
        "Arriving: tomorrow (Fri 3 Apr)\n"
        f"https://www.amazon.com/gp/your-account/order-details?orderID={ORDER}"
    )
    assert ntfy_payload["topic"] == "parcels"
    assert ntfy_payload["title"] == json_payload["title"]
    assert ntfy_payload["message"] == json_payload["message"]


def test_eta_is_worded_in_the_users_time_zone(
    tmp_path: Path, clock: Clock, receiver: Receiver
) -> None:
    # 02:00 UTC on 3 April is still 2 April (22:00) in New York: the parcel
    # due on the 3rd arrives "tomorrow" there, "today" in Berlin.
    clock.now = datetime(2026, 4, 3, 2, 0, tzinfo=UTC)
    messages = {}
    for zone in ("America/New_York", "Europe/Berlin"):
        config = tmp_path / f"{zone.replace('/', '-')}.toml"
        config.write_text(
            f'[general]\nstate_dir = "{tmp_path / zone}"\ntimezone = "{zone}"\n'
            + target("hook", receiver.url("json", f"/{zone}"))
        )
        app = build(load_settings(config, {"HOME": str(tmp_path)}, required=True), clock)
        record(app, shipped())
        app.deliver()
        app.close()
        request = next(r for r in receiver.requests if r.path == f"/{zone}")
        messages[zone] = request.json()["message"]
    assert "Arriving: tomorrow (Fri 3 Apr)" in messages["America/New_York"]
    assert "Arriving: today (Fri 3 Apr)" in messages["Europe/Berlin"]


def test_pickup_code_and_carrier_link_for_a_parcel_without_order(
    make_app: AppFactory, receiver: Receiver
) -> None:
    app = make_app(target("hook", receiver.url()))
    record(
        app,
        ShipmentEvent(
            milestone=Milestone.AVAILABLE_FOR_PICKUP,
            carrier="ups",
            tracking_number=UPS,
            pickup_code="482913",
        ),
    )
    app.deliver()
    payload = receiver.requests[0].json()
    assert payload["title"] == "Ready for pickup: a parcel"
    assert payload["message"] == (
        f"UPS: {UPS}\nPickup code: 482913\nhttps://www.ups.com/track?tracknum={UPS}"
    )


def test_markdown_for_chat_services_text_elsewhere(make_app: AppFactory) -> None:
    app = make_app(
        target("telegram", "tgram://123456789:abcdefghij/12345")
        + target("discord", "discord://1234567/abcdefghij")
        + target("ntfy", "ntfy://127.0.0.1:9/parcels")
        + target("json", "json://127.0.0.1:9/hook")
        + target("json-md", "json://127.0.0.1:9/hook?format=markdown")
        + target("forced", "tgram://123456789:abcdefghij/12345", extra='format = "text"')
    )
    formats = {name: t.format for name, t in app.notifier.targets.items()}
    assert formats == {
        "telegram": "markdown",
        "discord": "markdown",
        "ntfy": "text",
        "json": "text",
        "json-md": "markdown",
        "forced": "text",
    }


def test_markdown_body(make_app: AppFactory, receiver: Receiver) -> None:
    app = make_app(target("hook", receiver.url(), extra='format = "markdown"'))
    record(app, shipped(items=(Item("Cable [2 m] *braided*"),)))
    app.deliver()
    payload = receiver.requests[0].json()
    assert payload["message"] == (
        f"**Order:** {ORDER}\n"
        f"**UPS:** {UPS}\n"
        "**Arriving:** tomorrow \\(Fri 3 Apr\\)\n"
        "[Track on amazon.com]"
        f"(https://www.amazon.com/gp/your-account/order-details?orderID={ORDER})"
    )
    # The title is Markdown too where the target renders it: escaped like the body.
    assert payload["title"] == "Shipped: Cable \\[2 m\\] \\*braided\\*"


def test_privacy_masks_order_ids_and_tracking_numbers(
    make_app: AppFactory, receiver: Receiver
) -> None:
    app = make_app("[notify]\nprivacy = true\n" + target("hook", receiver.url()))
    record(app, shipped())
    app.deliver()
    body = receiver.requests[0].body.decode()
    payload = receiver.requests[0].json()
    assert "Order: •••-•••••••-•••0624" in payload["message"]
    assert "UPS: …6784" in payload["message"]
    assert "https://www.amazon.com/gp/css/order-history" in payload["message"]
    assert ORDER not in body and UPS not in body and "7730624" not in body


def test_templates_override_title_and_body(make_app: AppFactory, receiver: Receiver) -> None:
    app = make_app(
        "[notify.templates.shipped]\n"
        'title = "{items} left the warehouse"\n'
        'body = "{carrier} {tracking_number}, {eta}; order {order_id} ({account})"\n'
        "[notify.templates.default]\n"
        'title = "parcelwatch: {milestone}"\n' + target("hook", receiver.url())
    )
    record(app, shipped())
    record(app, shipped(milestone=Milestone.OUT_FOR_DELIVERY, eta=Eta.day(date(2026, 4, 2))))
    app.deliver()
    first, second = (r.json() for r in receiver.requests)
    assert first["title"] == "USB-C cable (+1 more) left the warehouse"
    assert first["message"] == f"UPS {UPS}, tomorrow (Fri 3 Apr); order {ORDER} (home)"
    assert second["title"] == "parcelwatch: Out for delivery"
    assert f"Order: {ORDER}" in second["message"]  # built-in body kept


# --- routing ------------------------------------------------------------------------

ROUTED = (
    target("phone", "json://127.0.0.1:{port}/phone", '"phone"')
    + target("family", "json://127.0.0.1:{port}/family", '"family"')
    + target("chat", "json://127.0.0.1:{port}/chat", '"chat"')
    + '[[notify.route]]\ntags = ["phone"]\n'
    + '[[notify.route]]\nmilestones = ["delivered"]\ntags = ["family"]\n'
    + '[[notify.route]]\naccounts = ["work"]\nmilestones = ["shipped"]\ntags = ["chat"]\n'
)


def test_routes_by_milestone_and_account(make_app: AppFactory, receiver: Receiver) -> None:
    app = make_app(ROUTED.replace("{port}", str(receiver.port)))
    record(app, shipped(tracking_number="1Z999AA10123456784"), account="home")
    record(app, shipped(tracking_number="1Z999AA10123456784", milestone=Milestone.DELIVERED))
    record(app, shipped(tracking_number=UPS2, order_ids=()), account="work")
    assert app.deliver().sent == 5
    assert by_path(receiver) == {
        "/phone": [
            "Shipped: USB-C cable (+1 more)",
            "Delivered: USB-C cable (+1 more)",
            "Shipped: USB-C cable (+1 more)",
        ],
        "/family": ["Delivered: USB-C cable (+1 more)"],
        "/chat": ["Shipped: USB-C cable (+1 more)"],
    }


def test_a_milestone_no_route_covers_is_recorded_as_no_match(
    make_app: AppFactory, receiver: Receiver, clock: Clock
) -> None:
    app = make_app(
        target("phone", receiver.url("json", "/phone"), '"phone"')
        + '[[notify.route]]\nmilestones = ["delivered"]\ntags = ["phone"]\n'
        + '[[notify.route]]\nmilestones = ["shipped"]\ntags = ["fmaily"]\n'
    )
    record(app, shipped())
    assert app.deliver().sent == 0
    clock.advance(days=1)
    assert app.deliver().sent == 0
    assert receiver.requests == []
    assert app.outbox.counts() == {"no_match": 1}
    [problem] = app.outbox.problems()
    assert (problem.status, problem.target, problem.title, problem.last_error) == (
        "no_match",
        "-",
        "Shipped: USB-C cable (+1 more)",
        "no target has the tag(s) fmaily routed for shipped from account home",
    )


def test_a_milestone_outside_every_route_reaches_nobody(
    make_app: AppFactory, receiver: Receiver
) -> None:
    app = make_app(
        target("phone", receiver.url("json", "/phone"), '"phone"')
        + '[[notify.route]]\nmilestones = ["delivered"]\ntags = ["phone"]\n'
    )
    record(app, shipped())
    assert app.deliver().sent == 0
    assert receiver.requests == []
    [problem] = app.outbox.problems()
    assert (problem.status, problem.last_error) == (
        "no_match",
        "no [[notify.route]] covers shipped from account home",
    )


def test_apprise_config_file_services_with_their_tags(
    make_app: AppFactory, receiver: Receiver, tmp_path: Path
) -> None:
    config = tmp_path / "apprise.yml"
    config.write_text(
        "urls:\n"
        f"  - {receiver.url('json', '/phone')}:\n      tag: phone\n"
        f"  - {receiver.url('json', '/family')}:\n      tag: family, phone\n"
    )
    app = make_app(
        f'[notify]\napprise_config = "{config}"\n'
        '[[notify.route]]\nmilestones = ["shipped"]\ntags = ["phone"]\n'
        '[[notify.route]]\nmilestones = ["delivered"]\ntags = ["family"]\n'
    )
    names = sorted(app.notifier.target_names)
    assert len(names) == 2 and all(n.startswith("apprise:json-") for n in names)
    record(app, shipped())
    record(app, shipped(milestone=Milestone.DELIVERED))
    app.deliver()
    assert by_path(receiver) == {
        "/phone": ["Shipped: USB-C cable (+1 more)"],
        "/family": ["Shipped: USB-C cable (+1 more)", "Delivered: USB-C cable (+1 more)"],
    }


def test_an_apprise_config_file_without_urls_is_a_config_error(
    make_app: AppFactory, tmp_path: Path
) -> None:
    empty = tmp_path / "apprise.yml"
    empty.write_text("# nothing yet\n")
    with pytest.raises(ConfigError, match="no notification URLs could be read from it"):
        make_app(f'[notify]\napprise_config = "{empty}"\n')
    assert not (tmp_path / "state" / "parcelwatch.db").exists()


# --- delivery guarantee -----------------------------------------------------------


def test_a_receiver_failing_twice_gets_exactly_one_copy(
    make_app: AppFactory, receiver: Receiver, clock: Clock
) -> None:
    app = make_app("[notify]\nretry_seconds = 60\n" + target("hook", receiver.url()))
    record(app, shipped())
    receiver.fail_next = 2
    assert app.deliver().failed == 1
    assert app.deliver().sent == 0  # not due: backing off
    clock.advance(seconds=60)
    assert app.deliver().failed == 1
    clock.advance(seconds=119)
    assert app.deliver().sent == 0
    clock.advance(seconds=1)
    assert app.deliver().sent == 1
    clock.advance(hours=12)
    assert app.deliver().sent == 0
    assert receiver.failures_served == 2
    assert receiver.titles() == ["Shipped: USB-C cable (+1 more)"]
    assert app.outbox.counts() == {"sent": 1}


def test_two_targets_one_failing_each_get_one_copy(
    make_app: AppFactory, receiver: Receiver, clock: Clock
) -> None:
    app = make_app(
        target("a", receiver.url("json", "/a")) + target("b", receiver.url("json", "/b"))
    )
    record(app, shipped())
    receiver.fail_paths.add("/b")
    run = app.deliver()
    assert (run.sent, run.failed) == (1, 1)
    clock.advance(minutes=1)
    assert app.deliver().failed == 1  # b still down; a is not sent again
    receiver.fail_paths.clear()
    clock.advance(minutes=2)
    assert app.deliver().sent == 1
    clock.advance(hours=1)
    assert app.deliver().sent == 0
    assert by_path(receiver) == {
        "/a": ["Shipped: USB-C cable (+1 more)"],
        "/b": ["Shipped: USB-C cable (+1 more)"],
    }


def test_gives_up_after_max_attempts_with_the_reason(
    make_app: AppFactory, receiver: Receiver, clock: Clock
) -> None:
    app = make_app("[notify]\nmax_attempts = 2\n" + target("hook", receiver.url()))
    record(app, shipped())
    receiver.fail_next = 5
    assert app.deliver().failed == 1
    clock.advance(minutes=5)
    assert app.deliver().gave_up == 1
    clock.advance(days=1)
    assert app.deliver().sent == 0
    [problem] = app.outbox.problems()
    assert (problem.status, problem.target, problem.title) == (
        "failed",
        "hook",
        "Shipped: USB-C cable (+1 more)",
    )
    assert problem.last_error is not None and problem.last_error.startswith("failure: ")
    assert receiver.requests == []


def test_a_send_interrupted_by_a_crash_goes_out_again(
    make_app: AppFactory, receiver: Receiver
) -> None:
    app = make_app(target("hook", receiver.url()))
    record(app, shipped())
    (due,) = app.outbox.due(app.clock(), ["hook"])
    assert app.outbox.claim(due.pk)  # what a killed process leaves behind
    assert not app.outbox.claim(due.pk)  # nobody claims it twice
    assert app.deliver().sent == 0
    assert app.notifier.recover(app.outbox) == 1
    assert app.deliver().sent == 1
    assert receiver.titles() == ["Shipped: USB-C cable (+1 more)"]


# --- delivery photo ------------------------------------------------------------------


@pytest.fixture(scope="module")
def photo_tls() -> dovecot.Tls:
    return make_tls()


@pytest.fixture
def photos(photo_tls: dovecot.Tls) -> Iterator[tuple[HTTPServer, Network]]:
    """An HTTPS server for the photo, and the Network that leads Amazon's photo
    host name to it."""
    with https_server(photo_tls) as server:
        yield server, loopback_network(photo_tls, server.port)


def test_delivered_notification_carries_the_photo(
    make_app: AppFactory, receiver: Receiver, photos: tuple[HTTPServer, Network]
) -> None:
    server, network = photos
    server.expect_request("/photo.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    app = make_app(
        target("hook", receiver.url()) + target("phone", receiver.url("ntfy", "/p")),
        photo_network=network,
    )
    url = photo_url("/photo.jpg") + "?sig=secret"
    record(app, shipped(milestone=Milestone.DELIVERED, delivery_photo_url=url))
    assert app.deliver().sent == 2
    hook = next(r.json() for r in receiver.requests if r.path == "/hook")
    (attachment,) = hook["attachments"]
    assert base64.b64decode(attachment["base64"]) == JPEG
    assert attachment["mimetype"] == "image/jpeg"
    ntfy = next(r for r in receiver.requests if r.path.startswith("/p?"))
    assert ntfy.body == JPEG
    assert "filename=delivery-photo.jpg" in ntfy.path
    assert len(server.log) == 1  # fetched once for both targets


def test_a_photo_that_cannot_be_fetched_is_left_out_and_logged(
    make_app: AppFactory,
    receiver: Receiver,
    photos: tuple[HTTPServer, Network],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, network = photos
    server.expect_request("/gone.jpg").respond_with_data("expired", status=403)
    app = make_app(target("hook", receiver.url()), photo_network=network)
    url = photo_url("/gone.jpg") + "?X-Amz-Signature=abc123secret"
    record(app, shipped(milestone=Milestone.DELIVERED, delivery_photo_url=url))
    with caplog.at_level(logging.WARNING):
        assert app.deliver().sent == 1
    assert receiver.requests[0].json()["attachments"] == []
    (warning,) = [r.getMessage() for r in caplog.records if "without its photo" in r.getMessage()]
    assert "403" in warning
    assert "abc123secret" not in caplog.text


def test_the_daemon_fetches_no_photo_from_a_loopback_address(
    make_app: AppFactory,
    receiver: Receiver,
    photos: tuple[HTTPServer, Network],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Built as the commands build it (no Network given): public addresses only, so
    a photo host name that leads to this machine is refused, and the notification
    goes out without it."""
    server, _ = photos
    server.expect_request("/photo.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    app = make_app(target("hook", receiver.url()))
    url = f"https://127.0.0.1:{server.port}/photo.jpg"
    record(app, shipped(milestone=Milestone.DELIVERED, delivery_photo_url=url))
    with caplog.at_level(logging.WARNING):
        assert app.deliver().sent == 1
    assert receiver.requests[0].json()["attachments"] == []
    assert "not an https link to one of Amazon's photo hosts" in caplog.text
    assert server.log == []


def test_a_slow_photo_holds_up_no_other_notification(
    make_app: AppFactory, receiver: Receiver, photos: tuple[HTTPServer, Network]
) -> None:
    """While one thread waits for a photo server that does not answer, another
    thread's notification goes out (the fetch holds no lock the sender takes)."""
    server, network = photos
    entered, release = threading.Event(), threading.Event()

    def hold(_request: Request) -> Response:
        entered.set()
        release.wait(30)
        return Response(JPEG, content_type="image/jpeg")

    server.expect_request("/slow.jpg").respond_with_handler(hold)
    app = make_app(
        "[notify]\nphoto_timeout = 30\n" + target("hook", receiver.url()), photo_network=network
    )
    record(app, shipped(milestone=Milestone.DELIVERED, delivery_photo_url=photo_url("/slow.jpg")))
    first = threading.Thread(target=app.deliver)
    first.start()
    try:
        assert entered.wait(10)  # the first thread is fetching the photo now
        record(app, shipped(order_ids=("113-1111111-2222222",), tracking_number=UPS2))
        assert app.deliver().sent == 1  # does not wait for the photo
        assert receiver.titles() == ["Shipped: USB-C cable (+1 more)"]
    finally:
        release.set()
        first.join(30)
    assert not first.is_alive()
    assert sorted(t.split(":")[0] for t in receiver.titles()) == ["Delivered", "Shipped"]


def test_photos_can_be_turned_off(
    make_app: AppFactory, receiver: Receiver, photos: tuple[HTTPServer, Network]
) -> None:
    server, network = photos
    app = make_app(
        "[notify]\nphotos = false\n" + target("hook", receiver.url()), photo_network=network
    )
    url = photo_url("/photo.jpg")
    record(app, shipped(milestone=Milestone.DELIVERED, delivery_photo_url=url))
    app.deliver()
    assert receiver.requests[0].json()["attachments"] == []
    assert server.log == []


# --- quiet hours -----------------------------------------------------------------


def test_quiet_hours_in_the_users_zone(tmp_path: Path, clock: Clock, receiver: Receiver) -> None:
    clock.now = datetime(2026, 4, 2, 21, 30, tzinfo=UTC)  # 23:30 in Berlin (CEST)
    config = tmp_path / "config.toml"
    config.write_text(
        f'[general]\nstate_dir = "{tmp_path}"\ntimezone = "Europe/Berlin"\n'
        '[notify.quiet_hours]\nstart = "22:00"\nend = "07:00"\nmilestones = ["shipped"]\n'
        + target("hook", receiver.url())
    )
    app = build(load_settings(config, {"HOME": str(tmp_path)}, required=True), clock)
    try:
        record(app, shipped())
        record(app, shipped(milestone=Milestone.OUT_FOR_DELIVERY, tracking_number=UPS2))
        run = app.deliver()
        assert (run.sent, run.held) == (1, 1)
        assert receiver.titles() == ["Out for delivery: USB-C cable (+1 more)"]
        clock.now = datetime(2026, 4, 3, 4, 59, tzinfo=UTC)  # 06:59 in Berlin
        assert app.deliver().sent == 0
        clock.now = datetime(2026, 4, 3, 5, 0, tzinfo=UTC)  # 07:00
        assert app.deliver().sent == 1
        assert receiver.titles()[1] == "Shipped: USB-C cable (+1 more)"
        assert app.outbox.counts() == {"sent": 2}
    finally:
        app.close()


# --- digest -----------------------------------------------------------------------


def test_daily_digest_lists_arriving_waiting_overdue_and_late_once(
    tmp_path: Path, clock: Clock, receiver: Receiver
) -> None:
    clock.now = datetime(2026, 4, 2, 5, 0, tzinfo=UTC)  # 07:00 in Berlin
    config = tmp_path / "config.toml"
    config.write_text(
        f'[general]\nstate_dir = "{tmp_path}"\ntimezone = "Europe/Berlin"\n'
        '[notify]\nmilestones = []\n[notify.digest]\ntime = "07:30"\n'
        + target("hook", receiver.url())
    )
    app = build(load_settings(config, {"HOME": str(tmp_path)}, required=True), clock)
    try:
        today, yesterday = date(2026, 4, 2), date(2026, 4, 1)
        record(app, shipped(eta=Eta(today, date(2026, 4, 3))))
        lamp = ("114-2210934-5561847",)
        record(app, shipped(tracking_number=UPS2, order_ids=lamp, items=(Item("Desk lamp"),),
                            eta=Eta.day(yesterday)))  # fmt: skip
        kettle = ShipmentEvent(Milestone.AVAILABLE_FOR_PICKUP, carrier="dhl", tracking_number=DHL,
                               pickup_code="7731", items=(Item("Kettle"),))  # fmt: skip
        record(app, kettle)
        record(app, shipped(tracking_number=UPS3, milestone=Milestone.DELIVERED,
                            items=(Item("Old news"),), eta=Eta.day(today)))  # fmt: skip
        # Out for delivery, but due a week ago: late, never "arriving today".
        record(app, shipped(milestone=Milestone.OUT_FOR_DELIVERY, tracking_number=LATE,
                            items=(Item("Router"),), eta=Eta.day(date(2026, 3, 26))))  # fmt: skip
        assert app.deliver().sent == 0  # 07:00: not yet
        clock.now = datetime(2026, 4, 2, 5, 30, tzinfo=UTC)  # 07:30
        assert app.deliver().sent == 1
        clock.advance(minutes=30)
        assert app.deliver().sent == 0  # once a day
        (payload,) = (r.json() for r in receiver.requests)
        assert payload["title"] == "Parcels today: 1 arriving, 1 waiting, 1 overdue, 1 late"
        assert payload["message"] == (
            "Arriving today:\n"
            f"• USB-C cable (+1 more) · UPS {UPS} · "
            "expected today (Thu 2 Apr) – tomorrow (Fri 3 Apr)\n"
            "Waiting for pickup:\n"
            f"• Kettle · DHL {DHL} · code 7731\n"
            "Overdue:\n"
            f"• Desk lamp · UPS {UPS2} · expected Wed 1 Apr\n"
            "Late:\n"
            f"• Router · UPS {LATE} · out for delivery, expected Thu 26 Mar"
        )
        clock.now = datetime(2026, 4, 3, 5, 30, tzinfo=UTC)  # next day, 07:30
        assert app.deliver().sent == 1
    finally:
        app.close()


def test_no_digest_on_a_day_with_nothing_to_say(
    tmp_path: Path, clock: Clock, receiver: Receiver
) -> None:
    clock.now = datetime(2026, 4, 2, 7, 45, tzinfo=UTC)
    config = tmp_path / "config.toml"
    config.write_text(
        f'[general]\nstate_dir = "{tmp_path}"\ntimezone = "UTC"\n'
        '[notify.digest]\ntime = "07:30"\n' + target("hook", receiver.url())
    )
    app = build(load_settings(config, {"HOME": str(tmp_path)}, required=True), clock)
    try:
        assert app.digests.run_due(clock()) is False
        assert app.deliver().sent == 0
        assert receiver.requests == []
    finally:
        app.close()


# --- notify-test --------------------------------------------------------------------


def test_notify_test_sends_a_delivered_sample_with_a_photo(
    tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[general]\nstate_dir = "{tmp_path}"\n'
        + target("hook", receiver.url())
        + target("down", "json://127.0.0.1:9/closed")
    )
    code = main(["--config", str(config), "notify-test", "--milestone", "delivered"],
                {"HOME": str(tmp_path)})  # fmt: skip
    assert code == 1
    lines = [line.split(": ", 1) for line in capsys.readouterr().out.splitlines()]
    assert [name for name, _ in lines] == ["hook", "down"]
    assert lines[0][1] == "sent"
    assert lines[1][1].startswith("not sent, failed: ")
    payload = receiver.requests[0].json()
    assert payload["title"] == "Delivered: USB-C cable, 2 m (+1 more)"
    (attachment,) = payload["attachments"]
    assert base64.b64decode(attachment["base64"]).startswith(b"\x89PNG\r\n\x1a\n")


def test_check_config_warns_about_a_route_tag_no_target_has(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[general]\nstate_dir = "{tmp_path}"\n'
        + target("phone", "json://127.0.0.1:9/phone", '"phone"')
        + '[[notify.route]]\ntags = ["phone", "fmaily"]\n'
    )
    with caplog.at_level(logging.WARNING):
        assert main(["--config", str(config), "check-config"], {"HOME": str(tmp_path)}) == 0
    assert "no target has the tag 'fmaily'" in caplog.text
    assert "'phone'" not in caplog.text
    assert "1 notification targets" in capsys.readouterr().out


# --- retry schedule, kinds, halting ---------------------------------------------------


@pytest.mark.parametrize(
    ("attempts", "base", "seconds"),
    [
        (0, 60, 60),  # a first failure waits the base time
        (1, 60, 60),
        (2, 60, 120),
        (3, 60, 240),
        (6, 675, 21_600),  # exactly six hours: not cut
        (7, 675, 21_600),  # would be twelve: six at most
        (40, 60, 21_600),
    ],
)
def test_retry_delay_doubles_from_the_base_up_to_six_hours(
    attempts: int, base: int, seconds: int
) -> None:
    assert retry_delay(attempts, base) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("milestone", "kind"),
    [
        (Milestone.DELIVERED, "success"),
        (Milestone.EXCEPTION, "failure"),
        (Milestone.DELIVERY_ATTEMPTED, "warning"),
        (Milestone.DELAYED, "warning"),
        (Milestone.SHIPPED, "info"),
        (Milestone.OUT_FOR_DELIVERY, "info"),
    ],
)
def test_the_kind_of_message_follows_the_milestone(
    make_app: AppFactory, receiver: Receiver, milestone: Milestone, kind: str
) -> None:
    app = make_app("[notify]\nphotos = false\n" + target("hook", receiver.url()))
    record(app, shipped(milestone=milestone))
    assert app.deliver().sent == 1
    (request,) = receiver.requests
    assert request.json()["type"] == kind


def test_a_halted_notifier_leaves_the_rest_queued(make_app: AppFactory, receiver: Receiver) -> None:
    app = make_app(target("hook", receiver.url()))
    record(app, shipped())
    app.notifier.halt()
    assert app.deliver() == OutboxRun(sent=0, failed=0, gave_up=0, held=0)
    assert receiver.requests == []
    assert app.outbox.counts() == {"pending": 1}
