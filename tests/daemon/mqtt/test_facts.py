"""What Home Assistant is told about one parcel (its sensor's attributes and
each event's data): read from a store on disk, no broker needed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from daemon.app import build
from daemon.config.settings import load_settings
from daemon.mqtt.entities import parcel_facts
from daemon.store.recorder import Recorder
from parsers.model import Eta, Item, Milestone, ShipmentEvent

NOW = datetime(2026, 4, 2, 16, 0, tzinfo=UTC)


def test_a_waiting_parcel_says_where_until_when_and_with_which_code(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[general]\nstate_dir = "{tmp_path / "state"}"\ntimezone = "UTC"\n')
    app = build(load_settings(config, {"HOME": str(tmp_path)}, required=True), lambda: NOW)
    try:
        event = ShipmentEvent(
            milestone=Milestone.AVAILABLE_FOR_PICKUP,
            order_ids=("113-0000000-0000001",),
            marketplace="amazon.com",
            eta=Eta.day(date(2026, 4, 2)),
            items=(Item("Desk lamp"),),
            pickup_code="482913",
            pickup_location="Amazon Hub Locker - Maple, 12 Main St",
            pickup_deadline=date(2026, 4, 5),
            occurred_at=NOW,
        )
        with app.store.writing() as connection:
            Recorder(connection, app.routing, NOW).record(event, "email", None)
        (view,) = app.store.shipments()
        facts = parcel_facts(view, lambda _: None, UTC)
    finally:
        app.close()
    assert {key: facts[key] for key in (
        "status", "pickup_code", "pickup_location", "pickup_deadline", "delivery_code",
        "eta_start", "items",
    )} == {
        "status": "available_for_pickup",
        "pickup_code": "482913",
        "pickup_location": "Amazon Hub Locker - Maple, 12 Main St",
        "pickup_deadline": "2026-04-05",
        "delivery_code": None,
        "eta_start": "2026-04-02",
        "items": ["Desk lamp"],
    }  # fmt: skip
