"""`run` with [mqtt]: the service follows the store in a thread of its own,
survives a broker that is down or restarts, republishes when Home Assistant
comes online, and says "offline" when it stops or dies (its last will)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from daemon.app import App
from daemon.service.runner import Service
from tests.daemon.mqtt.conftest import BASE, ORDER2, PREFIX, AppFactory, Mailbox
from tests.support import mosquitto
from tests.support.mqtt_watch import Watcher, watching

COUNT = f"{PREFIX}/sensor/{BASE}/in_transit/config"
STATUS = f"{BASE}/status"


@contextmanager
def running(app: App) -> Iterator[Service]:
    service = Service(app, [])
    service.start()
    try:
        yield service
    finally:
        service.stop()


def parcel_config(app: App, order_id: str) -> str:
    pk = next(s.pk for s in app.store.shipments(include_finished=True) if order_id in s.order_ids)
    return f"{PREFIX}/sensor/{BASE}/parcel_{pk}/config"


def test_run_follows_the_store_and_says_offline_when_stopped(
    make_app: AppFactory, mailbox: Mailbox, watcher: Watcher
) -> None:
    app = make_app()
    with running(app):
        watcher.wait_for(lambda: watcher.retained.get(STATUS) == b"online", "online")
        watcher.wait_for(lambda: watcher.retained.get(f"{BASE}/in_transit") == b"0", "counts")
        mailbox.add(1, 12)
        mailbox.read_into(app)
        blender = parcel_config(app, ORDER2)
        watcher.wait_for(lambda: blender in watcher.retained, "the blender's sensor")
        watcher.wait_for(lambda: watcher.retained.get(f"{BASE}/in_transit") == b"2", "2 on the way")
        mailbox.add(13, 14)
        mailbox.read_into(app)
        watcher.wait_for(lambda: blender not in watcher.retained, "the blender's sensor removed")
        watcher.wait_for(lambda: watcher.retained.get(f"{BASE}/delivered_today") == b"1",
                         "delivered today")  # fmt: skip
    watcher.wait_for(lambda: watcher.retained.get(STATUS) == b"offline", "offline")


def test_home_assistant_coming_online_gets_everything_again(
    make_app: AppFactory, watcher: Watcher
) -> None:
    with running(make_app()):
        watcher.wait_for(lambda: COUNT in watcher.retained, "the configs")
        before = len(watcher.on(COUNT))
        watcher.client.publish(f"{PREFIX}/status", b"online", qos=1)
        watcher.wait_for(lambda: len(watcher.on(COUNT)) == before + 1, "the config again")


def test_a_broker_restart_is_survived(
    make_app: AppFactory, broker: mosquitto.Mosquitto, watcher: Watcher, mailbox: Mailbox
) -> None:
    app = make_app()
    mailbox.add(1, 12)
    mailbox.read_into(app)
    with running(app):
        blender = parcel_config(app, ORDER2)
        watcher.wait_for(lambda: blender in watcher.retained, "the blender's sensor")
        broker.restart()  # without persistence: it forgets every retained message
        watcher.retained.clear()
        watcher.wait_for(lambda: blender in watcher.retained and COUNT in watcher.retained,
                         "everything published again")  # fmt: skip
        watcher.wait_for(lambda: watcher.retained.get(STATUS) == b"online", "online again")


def test_a_broker_that_is_down_never_blocks_reading_mail(
    make_app: AppFactory, mailbox: Mailbox
) -> None:
    later = mosquitto.Mosquitto()  # its port is chosen; nothing listens on it yet
    try:
        app = make_app(url=later.url)
        with running(app):
            mailbox.add(1, 12)
            mailbox.read_into(app)  # returns: nothing waits for the broker
            assert len(app.store.shipments()) == 2
            later.start()
            with watching(later.port, f"{PREFIX}/#", f"{BASE}/#") as watcher:
                blender = parcel_config(app, ORDER2)
                watcher.wait_for(lambda: blender in watcher.retained, "published once it is up")
    finally:
        later.close()
