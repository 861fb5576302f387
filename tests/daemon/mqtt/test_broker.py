"""The broker as users have it: with a password, over TLS, down while `sync`
runs, and a daemon that dies without saying goodbye (its last will)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from daemon.cli.mail import publish_once
from daemon.cli.main import main
from daemon.notify.photo_net import Network
from daemon.store.recorder import Recorder
from parsers.model import Item, Milestone, ShipmentEvent
from tests.daemon.mqtt.conftest import BASE, PREFIX, AppFactory, Clock, Mailbox, config_text
from tests.daemon.mqtt.test_sync import sync
from tests.support import dovecot, mosquitto
from tests.support.mqtt_watch import Watcher
from tests.support.photo_server import https_server, loopback_network, make_tls, photo_url

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(200))
PHOTO_CONFIG = f"{PREFIX}/image/{BASE}/delivery_photo/config"


@pytest.fixture
def photo_site() -> Iterator[tuple[HTTPServer, Network]]:
    """The photo on an HTTPS server under Amazon's photo host name (the daemon
    fetches from nowhere else), and the Network that leads that name to it."""
    tls = make_tls()
    with https_server(tls) as server:
        yield server, loopback_network(tls, server.port)


def test_the_image_topic_carries_the_latest_delivery_photo(
    make_app: AppFactory,
    watcher: Watcher,
    photo_site: tuple[HTTPServer, Network],
    clock: Clock,
) -> None:
    server, network = photo_site
    server.expect_request("/photo.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    app = make_app(photo=True, photo_network=network)
    delivered = ShipmentEvent(
        milestone=Milestone.DELIVERED,
        occurred_at=clock.now,
        order_ids=("113-0000000-0000001",),
        marketplace="amazon.com",
        items=(Item("Desk lamp"),),
        delivery_photo_url=photo_url("/photo.jpg") + "?sig=secret",
    )
    with app.store.writing() as connection:
        Recorder(connection, app.routing, clock.now).record(delivered, "email", None)
    sync(app)
    watcher.wait_for(lambda: f"{BASE}/delivery_photo" in watcher.retained, "the photo")
    assert watcher.retained[f"{BASE}/delivery_photo"] == JPEG
    config = watcher.json(PHOTO_CONFIG)
    assert (config["image_topic"], config["content_type"]) == (f"{BASE}/delivery_photo",
                                                               "image/jpeg")  # fmt: skip
    assert {"unique_id", "device", "availability"} <= set(config)


def test_sync_with_the_broker_down_says_so_and_keeps_the_mail(
    tmp_path: Path, mailbox: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    nobody = f"mqtt://127.0.0.1:{dovecot.free_port()}"
    mailbox.add(1, 12)
    config = tmp_path / "config.toml"
    config.write_text(config_text(tmp_path, nobody))
    assert main(["--config", str(config), "sync"], {"HOME": str(tmp_path)}) == 1
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith(f"home assistant: cannot reach the MQTT broker at {nobody}: ")
    # (All of March's mail: its parcels are stale today, so `list --all` shows them.)
    assert main(["--config", str(config), "list", "--all"], {"HOME": str(tmp_path)}) == 0
    assert "114-2210934-5561847" in capsys.readouterr().out


@pytest.fixture
def guarded_broker() -> Iterator[mosquitto.Mosquitto]:
    if not mosquitto.available():
        pytest.skip("mosquitto is not installed")
    with mosquitto.running(users={"parcelwatch": "s3cret-pw"}) as running:
        yield running


def test_a_password_from_the_environment_logs_in_and_a_wrong_one_is_one_line(
    tmp_path: Path, guarded_broker: mosquitto.Mosquitto, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    auth = 'username = "parcelwatch"\npassword = { env = "MQTT_PASSWORD" }'
    (tmp_path / "Maildir").mkdir()
    config.write_text(config_text(tmp_path, guarded_broker.url, auth))
    env = {"HOME": str(tmp_path), "MQTT_PASSWORD": "s3cret-pw"}
    assert main(["--config", str(config), "sync"], env) == 0
    assert main(["--config", str(config), "sync"], env | {"MQTT_PASSWORD": "wrong-pw"}) == 1
    error = capsys.readouterr().err
    assert "refused the connection: Not authorized (check [mqtt] username and password)" in error
    assert "wrong-pw" not in error


def test_mqtts_verifies_the_broker_against_the_ca_given(
    tmp_path: Path, make_app: AppFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    tls = dovecot.make_tls(Path(tempfile.mkdtemp(prefix="parcelwatch-tls-")))
    with mosquitto.running(tls=tls) as secure:
        app = make_app(f'ca_file = "{tls.ca_file}"', url=secure.url)
        sync(app)  # the broker acknowledged every message over TLS
        untrusting = make_app(url=secure.url)  # the system's CAs do not know this one
        assert untrusting.settings.mqtt is not None
        assert not publish_once(untrusting, untrusting.settings.mqtt)
    assert "certificate verify failed" in capsys.readouterr().err


DAEMON = """
import sys, threading
from pathlib import Path
from daemon.app import build
from daemon.config.settings import load_settings
settings = load_settings(Path(sys.argv[1]), {"HOME": sys.argv[2]}, required=True)
app = build(settings)
app.home_assistant(settings.mqtt, client_id="parcelwatch").start(lambda: None)
threading.Event().wait()
"""


def test_a_daemon_that_dies_is_shown_offline_by_its_last_will(
    tmp_path: Path, broker: mosquitto.Mosquitto, watcher: Watcher
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(config_text(tmp_path, broker.url))
    (tmp_path / "Maildir").mkdir()
    process = subprocess.Popen([sys.executable, "-c", DAEMON, str(config), str(tmp_path)],
                               cwd=Path(__file__).resolve().parents[3])  # fmt: skip
    try:
        watcher.wait_for(lambda: watcher.retained.get(f"{BASE}/status") == b"online", "online")
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    watcher.wait_for(lambda: watcher.retained.get(f"{BASE}/status") == b"offline", "the will")
