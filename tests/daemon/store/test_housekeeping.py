"""Housekeeping on a real SQLite file: finished parcels are archived after the
configured days, active ones never; archived ones leave lists, not `show`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from daemon.app import build
from daemon.config.settings import load_settings
from daemon.store import housekeeping
from daemon.store.recorder import Recorder
from daemon.store.tables import CarrierCheck
from parsers.model import Milestone, ShipmentEvent
from tests.conftest import general_section

pytestmark = pytest.mark.storage

NOW = datetime(2026, 11, 21, 3, 30, tzinfo=UTC)


def test_finished_parcels_are_archived_after_the_configured_days(
    tmp_path: Path, database_url: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(general_section(tmp_path, database_url) + "archive_after_days = 30\n")
    app = build(load_settings(config, {"HOME": str(tmp_path)}, required=True), lambda: NOW)
    try:

        def record(number: str, milestone: Milestone, when: datetime) -> None:
            event = ShipmentEvent(milestone, carrier="ups", tracking_number=number)
            with app.store.writing() as connection:
                Recorder(connection, app.routing, when).record(event, "email", None)

        record("1Z999AA10123456784", Milestone.DELIVERED, NOW - timedelta(days=31))
        record("1ZA6W6840396542128", Milestone.DELIVERED, NOW - timedelta(days=29))
        record("1Z12345E0205271688", Milestone.SHIPPED, NOW - timedelta(days=60))
        old = app.store.find_shipments("1Z999AA10123456784")[0]
        with app.store.transaction() as session:
            session.add(CarrierCheck(shipment_pk=old.pk, done=True))

        assert housekeeping.run(app.store, NOW, 30) == 1
        assert housekeeping.run(app.store, NOW, 30) == 0
        listed = {s.tracking_number for s in app.store.shipments(include_finished=True)}
        assert listed == {"1ZA6W6840396542128", "1Z12345E0205271688"}
        assert [s.pk for s in app.store.find_shipments("1Z999AA10123456784")] == [old.pk]
        with app.store.transaction() as session:
            assert session.exec(select(CarrierCheck)).all() == []
    finally:
        app.close()
