"""The web tests' world: an app built from a real config on disk (SQLite file,
Apprise to the loopback receiver), its site served by the real Waitress on a
loopback port, parcels recorded through the real recorder, and a clock that
moves only when a test says so (2026-04-02 is a Thursday)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from daemon.app import App, build
from daemon.config.settings import load_settings
from daemon.config.web import Listen
from daemon.store.recorder import Recorder
from daemon.web.server import WebServer
from daemon.web.site import PhotoSource
from parsers.model import Eta, Item, Milestone, ShipmentEvent
from tests.daemon.carriers.harness import FakeClock
from tests.support.receiver import Receiver

T0 = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 4, 2)
TOKEN = "a-web-token-that-is-long-enough"
SEVENTEEN_KEY = "17track-key-not-for-logs"
AFTERSHIP_SECRET = "aftership-webhook-secret"


Clock = FakeClock


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


def no_photos(url: str) -> tuple[bytes, str] | None:
    """The photos' host is the outside world, which tests do not reach."""
    return None


AppFactory = Callable[..., App]


@pytest.fixture
def make_app(tmp_path: Path, clock: Clock, receiver: Receiver) -> Iterator[AppFactory]:
    """build() from a config file: the receiver as the one target, then `extra`."""
    apps: list[App] = []

    def make(extra: str = "", general: str = 'timezone = "Europe/Berlin"') -> App:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[general]\nstate_dir = "{tmp_path / "state"}"\n{general}\n\n'
            f'[notify]\nphotos = false\n[[notify.target]]\nname = "phone"\n'
            f'url = "{receiver.url()}"\n\n{extra}'
        )
        env = {"HOME": str(tmp_path), "WEB_TOKEN": TOKEN, "KEY17": SEVENTEEN_KEY,
               "AS_SECRET": AFTERSHIP_SECRET, "AS_KEY": "aftership-api-key"}  # fmt: skip
        app = build(load_settings(config, env, required=True), clock)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()


@dataclass
class Served:
    app: App
    server: WebServer
    client: httpx.Client

    @property
    def url(self) -> str:
        return self.server.url

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, **kwargs)


ServeFactory = Callable[..., Served]


@pytest.fixture
def serve() -> Iterator[ServeFactory]:
    """The app's site on a free loopback port; `photos` replaces the photo
    download (the photos' host is the outside world)."""
    running: list[Served] = []

    def start(app: App, *, photos: PhotoSource | None = None) -> Served:
        site = app.web_site(app.deliver, photos=photos or no_photos)
        server = WebServer(site, Listen("127.0.0.1", 0))
        server.start()
        client = httpx.Client(base_url=server.url.rstrip("/"), timeout=10)
        served = Served(app, server, client)
        running.append(served)
        return served

    yield start
    for served in running:
        served.client.close()
        served.server.stop()


def record(app: App, event: ShipmentEvent, account: str | None = "home") -> None:
    with app.store.writing() as connection:
        Recorder(connection, app.routing, app.clock(), account).record(event, "email", None)


def event(milestone: Milestone, number: str, **changes: Any) -> ShipmentEvent:
    fields: dict[str, Any] = {
        "milestone": milestone,
        "order_ids": ("113-4829105-7730624",),
        "marketplace": "amazon.de",
        "carrier": "ups",
        "tracking_number": number,
        "items": (Item("USB-C cable", 2),),
        "occurred_at": T0 - timedelta(hours=2),
    }
    fields.update(changes)
    return ShipmentEvent(**fields)


OUT = "1Z999AA10123456784"
PICKUP = "1ZA6W6840396542128"
LATE = "1Z12345E0205271688"
TODAY_NUMBER = "1Z12345E1305277940"
TRANSIT = "1Z12345E6605272234"
DELIVERED = "1Z12345E0305271640"
HOSTILE_TITLE = "<script>alert('pwned')</script> Lamp & <b>bold</b>"


def household(app: App) -> None:
    """One parcel in every dashboard section, and one with markup in its title."""
    days = timedelta(days=1)
    parcels: list[tuple[Milestone, str, str, str, dict[str, Any]]] = [
        (Milestone.OUT_FOR_DELIVERY, OUT, "113-4829105-7730624", "Anker USB-C cable",
         {"eta": Eta.day(TODAY)}),
        (Milestone.AVAILABLE_FOR_PICKUP, PICKUP, "302-1111111-2222222", "Garden hose",
         {"pickup_code": "482913"}),
        (Milestone.SHIPPED, LATE, "302-3333333-4444444", "Desk lamp",
         {"eta": Eta.day(TODAY - 5 * days)}),  # more than [general] late_after_days
        (Milestone.SHIPPED, TODAY_NUMBER, "302-5555555-6666666", "Coffee beans",
         {"eta": Eta(TODAY, TODAY + days)}),
        (Milestone.IN_TRANSIT, TRANSIT, "302-7777777-8888888", HOSTILE_TITLE,
         {"eta": Eta.day(TODAY + 3 * days)}),
        (Milestone.DELIVERED, DELIVERED, "302-9999999-0000000", "Water filter",
         {"delivery_photo_url": "https://photos.example.com/delivered.jpg"}),
    ]  # fmt: skip
    for milestone, number, order_id, title, extra in parcels:
        record(app, event(milestone, number, order_ids=(order_id,), items=(Item(title),), **extra))


def with_web(app: App, **changes: Any) -> App:
    """The same app with other [web] settings."""
    return replace(app, settings=replace(app.settings, web=replace(app.settings.web, **changes)))
