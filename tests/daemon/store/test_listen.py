"""Who follows the store (Home Assistant, the calendar file) hears of every
committed change to what the views show, and of nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from daemon.app import App, build
from daemon.carriers.base import CarrierStatus
from daemon.carriers.ledger import DueCheck
from daemon.config.settings import load_settings
from daemon.mail import local
from daemon.store import housekeeping
from parsers.model import Milestone
from tests.conftest import general_section

pytestmark = pytest.mark.storage

SAMPLE = Path(__file__).resolve().parents[3] / "daemon" / "cli" / "sample_mailbox"
NOW = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[App]:
    config = tmp_path / "config.toml"
    config.write_text(general_section(tmp_path, database_url))
    built = build(load_settings(config, {"HOME": str(tmp_path)}, required=True), lambda: NOW)
    yield built
    built.close()


def test_emails_carrier_answers_tracking_and_archiving_are_heard(app: App) -> None:
    heard: list[int] = []
    stop = app.store.listen(lambda: heard.append(1))
    tally = app.pipeline.process_all(local.read(SAMPLE, "sample"))
    assert len(heard) == tally.events == 15  # each email with events; not the marketing one
    app.pipeline.process_all(local.read(SAMPLE, "sample"))  # all duplicates
    assert len(heard) == 15
    pk, _ = app.store.add_tracked("1Z999AA10123456784", "ups", "lamp", NOW)
    assert len(heard) == 16
    due = DueCheck(pk, "ups", "1Z999AA10123456784", None)
    app.checks.record(due, "ups", CarrierStatus("1Z999AA10123456784", "ups",
                                                Milestone.DELIVERED, "Delivered"), NOW)  # fmt: skip
    assert len(heard) == 17
    assert housekeeping.archive_finished(app.store, NOW + timedelta(days=400), 30) > 0
    assert len(heard) == 18
    stop()
    app.store.add_tracked("1Z999AA10123456784", None, None, NOW)
    assert len(heard) == 18
