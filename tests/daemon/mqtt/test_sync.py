"""`sync` with [mqtt]: the sample mailbox read in stages, Home Assistant's view
checked through a test client on a real Mosquitto.

Expected values were worked out by hand from examples/README.md: after emails
1-12 (clock: Tue 31 Mar, noon in Seattle) order 1's two packages are
delivered, order 2's blender is delayed to Mar 31 (so arriving today, in
transit), order 3's filters are shipped for Apr 1 (in transit).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from daemon.app import App
from daemon.cli.mail import publish_once
from daemon.cli.main import main
from daemon.mqtt.board import GROUPS
from daemon.store.export import shipment_json
from tests.daemon.mqtt.conftest import (
    BASE,
    ORDER2,
    ORDER3,
    PREFIX,
    AppFactory,
    Clock,
    Mailbox,
    config_text,
)
from tests.support import mosquitto
from tests.support.mqtt_watch import Watcher, watching

COUNTS = [f"{PREFIX}/sensor/{BASE}/{name}/config" for name, _ in GROUPS]
EVENT_CONFIG = f"{PREFIX}/event/{BASE}/milestone/config"
MARKER = f"{BASE}/test-marker"


def sync(app: App) -> None:
    assert app.settings.mqtt is not None
    assert publish_once(app, app.settings.mqtt)


def parcel_of(app: App, order_id: str) -> int:
    return next(s.pk for s in app.store.shipments(include_finished=True) if order_id in s.order_ids)


def test_sync_leaves_retained_discovery_configs(
    tmp_path: Path, broker: mosquitto.Mosquitto, watcher: Watcher, mailbox: Mailbox
) -> None:
    mailbox.add(1, 16)
    config = tmp_path / "config.toml"
    config.write_text(config_text(tmp_path, broker.url))
    assert main(["--config", str(config), "sync"], {"HOME": str(tmp_path)}) == 0
    watcher.wait_for(lambda: all(t in watcher.retained for t in [*COUNTS, EVENT_CONFIG]),
                     "the discovery configs")  # fmt: skip
    # Home Assistant starting later gets them too: they are retained.
    with watching(broker.port, f"{PREFIX}/#", f"{BASE}/status") as late:
        expected = [*COUNTS, EVENT_CONFIG, f"{BASE}/status"]
        late.wait_for(lambda: all(t in late.retained for t in expected), "the retained configs")
        assert late.retained[f"{BASE}/status"] == b"online"
        configs = {topic: json.loads(late.retained[topic]) for topic in [*COUNTS, EVENT_CONFIG]}
    for config_of in configs.values():
        assert config_of["device"]["identifiers"] == [BASE]
        assert {"name", "manufacturer", "model", "sw_version"} <= set(config_of["device"])
        assert config_of["availability"] == [
            {"topic": f"{BASE}/status", "payload_available": "online",
             "payload_not_available": "offline"}
        ]  # fmt: skip
        assert config_of["state_topic"].startswith(f"{BASE}/")
    assert len({c["unique_id"] for c in configs.values()}) == len(configs)
    event = configs[EVENT_CONFIG]
    assert {"delivered", "available_for_pickup", "out_for_delivery"} <= set(event["event_types"])
    assert configs[COUNTS[0]]["json_attributes_topic"] == f"{BASE}/arriving_today/attributes"


def test_parcel_sensors_and_counts_match_list(
    make_app: AppFactory, mailbox: Mailbox, watcher: Watcher
) -> None:
    mailbox.add(1, 12)
    app = make_app()
    mailbox.read_into(app)
    sync(app)
    listed = {tuple(s["order_ids"]): s["status"] for s in
              map(shipment_json, app.store.shipments())}  # fmt: skip
    assert listed == {(ORDER2,): "delayed", (ORDER3,): "shipped"}
    watcher.settle(MARKER)
    for (order_id,), status in listed.items():
        pk = parcel_of(app, order_id)
        config = watcher.json(f"{PREFIX}/sensor/{BASE}/parcel_{pk}/config")
        assert config["state_topic"] == f"{BASE}/parcel_{pk}"
        assert config["unique_id"] == f"{BASE}_parcel_{pk}"
        assert watcher.retained[f"{BASE}/parcel_{pk}"] == status.encode()
        attributes = watcher.json(f"{BASE}/parcel_{pk}/attributes")
        assert attributes["order_id"] == order_id
        assert attributes["link"].endswith(f"orderID={order_id}")
    counts = {name: watcher.retained[f"{BASE}/{name}"] for name, _ in GROUPS}
    assert counts == {
        "arriving_today": b"1", "out_for_delivery": b"0", "waiting_for_pickup": b"0",
        "delivered_today": b"0", "in_transit": b"2", "late": b"0",
    }  # fmt: skip
    arriving = watcher.json(f"{BASE}/arriving_today/attributes")["parcels"]
    assert [(p["order_id"], p["eta_start"]) for p in arriving] == [(ORDER2, "2026-03-31")]


def test_a_delivered_parcel_is_removed_even_by_a_new_process(
    make_app: AppFactory, mailbox: Mailbox, watcher: Watcher, clock: Clock
) -> None:
    mailbox.add(1, 12)
    first = make_app()
    mailbox.read_into(first)
    sync(first)
    blender, filters = parcel_of(first, ORDER2), parcel_of(first, ORDER3)
    blender_config = f"{PREFIX}/sensor/{BASE}/parcel_{blender}/config"
    watcher.wait_for(lambda: blender_config in watcher.retained, "the blender's sensor")
    clock.set(datetime(2026, 3, 31, 23, 0, tzinfo=UTC))
    mailbox.add(13, 14)  # the blender: out for delivery, then delivered
    second = make_app()  # a new process knows nothing of what the first one published
    mailbox.read_into(second)
    sync(second)
    watcher.settle(MARKER)
    for topic in (
        blender_config,
        f"{BASE}/parcel_{blender}",
        f"{BASE}/parcel_{blender}/attributes",
    ):
        assert topic not in watcher.retained
        assert watcher.on(topic)[-1] == b""  # an empty retained message clears it
    assert watcher.retained[f"{BASE}/parcel_{filters}"] == b"shipped"
    assert watcher.retained[f"{BASE}/delivered_today"] == b"1"
    assert watcher.retained[f"{BASE}/in_transit"] == b"1"


def test_each_milestone_fires_once_and_not_again_after_a_restart(
    make_app: AppFactory, mailbox: Mailbox, watcher: Watcher, clock: Clock
) -> None:
    def fired() -> list[tuple[str, str]]:
        watcher.settle(MARKER)
        events = [json.loads(p) for p in watcher.on(f"{BASE}/event")]
        return [(e["event_type"], e["order_id"]) for e in events]

    mailbox.add(1, 12)
    app = make_app()
    mailbox.read_into(app)
    sync(app)
    # Only order 3's "shipped" (7 hours old) is news; the rest is days old.
    assert fired() == [("shipped", ORDER3)]
    clock.set(datetime(2026, 3, 31, 23, 0, tzinfo=UTC))
    mailbox.add(13, 14)
    after_restart = make_app()
    mailbox.read_into(after_restart)
    sync(after_restart)
    sync(after_restart)
    sync(make_app())
    assert fired() == [("shipped", ORDER3), ("out_for_delivery", ORDER2), ("delivered", ORDER2)]
    assert all(not m.retain for m in watcher.messages if m.topic == f"{BASE}/event")
