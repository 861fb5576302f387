"""Fixtures for the Home Assistant tests: a real Mosquitto on loopback, a test
client subscribed as Home Assistant would be, and apps built from a config that
points `[mqtt]` at the broker, reading the sample mailbox in stages.

Mosquitto must be installed (Debian's `mosquitto`; `.ci/run` installs it).
Under CI a missing broker fails the run instead of skipping these tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from daemon.app import App, build
from daemon.config.settings import load_settings
from daemon.mail import local
from daemon.notify.photo_net import Network
from tests.support import mosquitto
from tests.support.mqtt_watch import Watcher, watching

SAMPLE = Path(__file__).resolve().parents[3] / "daemon" / "cli" / "sample_mailbox" / "cur"
SAMPLE_FILES = sorted(SAMPLE.iterdir())
ORDER1, ORDER2, ORDER3 = "113-4829105-7730624", "114-2210934-5561847", "112-9037712-4401958"
PREFIX, BASE = "homeassistant", "parcelwatch"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> None:
        self.now = when


@pytest.fixture
def clock() -> Clock:
    # Tue 31 Mar 2026, noon in Seattle (the sample's marketplace zone).
    return Clock(datetime(2026, 3, 31, 19, 0, tzinfo=UTC))


@pytest.fixture
def broker() -> Iterator[mosquitto.Mosquitto]:
    if not mosquitto.available():
        if os.environ.get("CI") == "true":
            pytest.fail("mosquitto is not installed; .ci/run must apt-get install mosquitto")
        pytest.skip("mosquitto is not installed (apt-get install mosquitto)")
    with mosquitto.running() as running:
        yield running


@pytest.fixture
def watcher(broker: mosquitto.Mosquitto) -> Iterator[Watcher]:
    with watching(broker.port, f"{PREFIX}/#", f"{BASE}/#") as client:
        yield client


class Mailbox:
    """A Maildir the sample emails are added to, a few at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for name in ("cur", "new", "tmp"):
            (root / name).mkdir(parents=True)

    def add(self, first: int, last: int) -> None:
        """Sample emails `first` to `last` (1-based, as U=1 ... U=16 in their names)."""
        for path in SAMPLE_FILES[first - 1 : last]:
            shutil.copy(path, self.root / "cur" / path.name)

    def read_into(self, app: App) -> None:
        app.pipeline.process_all(local.read(self.root, "sample"))


@pytest.fixture
def mailbox(tmp_path: Path) -> Mailbox:
    return Mailbox(tmp_path / "Maildir")


AppFactory = Callable[..., App]


def config_text(tmp_path: Path, url: str, mqtt: str = "", *, photo: bool = False) -> str:
    # The sample links its photo on Amazon's servers: not fetched unless a test
    # records a parcel whose photo is on a loopback server.
    return (
        f'[general]\nstate_dir = "{tmp_path / "state"}"\ntimezone = "America/Los_Angeles"\n'
        f"[notify]\nphotos = false\n"
        f'[[mailbox]]\nname = "sample"\npath = "{tmp_path / "Maildir"}"\n'
        f'[mqtt]\nurl = "{url}"\ndelivery_photo = {str(photo).lower()}\n{mqtt}\n'
    )


@pytest.fixture
def make_app(
    tmp_path: Path, broker: mosquitto.Mosquitto, clock: Clock, mailbox: Mailbox
) -> Iterator[AppFactory]:
    """A new app (as a new process would build it) on the same database."""
    apps: list[App] = []

    def make(
        mqtt: str = "",
        *,
        url: str | None = None,
        photo: bool = False,
        photo_network: Network | None = None,
    ) -> App:
        config = tmp_path / "config.toml"
        config.write_text(config_text(tmp_path, url or broker.url, mqtt, photo=photo))
        settings = load_settings(config, {"HOME": str(tmp_path)}, required=True)
        app = build(settings, clock, photo_network=photo_network)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
