"""Two deliverers on one database: every notification arrives exactly once.

This is what the outbox's claim exists for: `parcelwatch sync` from a timer or
a terminal while `run` is up, or two daemons sharing a database. The receiver
answers no request before both deliverers are in the middle of one, so the
race happens every time: each has read the due rows, and each must skip the
rows the other claimed in the meantime.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from daemon.app import App, build
from daemon.config.settings import load_settings
from daemon.store.recorder import Recorder
from parsers.model import Item, Milestone, ShipmentEvent
from tests.conftest import general_section
from tests.support.receiver import Receiver

pytestmark = pytest.mark.storage

REPO = Path(__file__).resolve().parents[3]
PARCELS = 8


def write_config(tmp_path: Path, receiver: Receiver, database_url: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        general_section(tmp_path / "state", database_url)
        + f'[[notify.target]]\nname = "hook"\nurl = "{receiver.url()}"\n'
    )
    return config


def app_for(config: Path, tmp_path: Path) -> App:
    return build(load_settings(config, {"HOME": str(tmp_path)}, required=True))


def queue_parcels(app: App) -> list[str]:
    """One fresh "shipped" per parcel, queued and not sent; their titles."""
    now = datetime.now(UTC)
    with app.store.writing() as connection:
        recorder = Recorder(connection, app.routing, now, "home")
        for n in range(PARCELS):
            recorder.record(
                ShipmentEvent(
                    Milestone.SHIPPED,
                    order_ids=(f"113-0000000-00000{n:02d}",),
                    marketplace="amazon.com",
                    tracking_number=f"TBA00000000{n:04d}",
                    items=(Item(f"Parcel {n}"),),
                    occurred_at=now,
                ),
                "email",
                None,
            )
    return [f"Shipped: Parcel {n}" for n in range(PARCELS)]


def test_two_threads_deliver_each_notification_once(
    tmp_path: Path, receiver: Receiver, database_url: str
) -> None:
    config = write_config(tmp_path, receiver, database_url)
    first, second = app_for(config, tmp_path), app_for(config, tmp_path)
    try:
        titles = queue_parcels(first)
        receiver.hold = 2
        threads = [threading.Thread(target=app.deliver) for app in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert Counter(receiver.titles()) == Counter(titles)
        assert first.outbox.counts() == {"sent": PARCELS}
    finally:
        first.close()
        second.close()


def test_two_processes_deliver_each_notification_once(
    tmp_path: Path, receiver: Receiver, database_url: str
) -> None:
    config = write_config(tmp_path, receiver, database_url)
    app = app_for(config, tmp_path)
    try:
        titles = queue_parcels(app)
    finally:
        app.close()
    receiver.hold = 2
    command = [sys.executable, "-m", "daemon.cli", "--config", str(config), "sync"]
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    runs = [subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT) for _ in range(2)]  # fmt: skip
    outputs = [run.communicate(timeout=120)[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert Counter(receiver.titles()) == Counter(titles)
    assert all("interrupted" not in out for out in outputs), outputs
