"""The one-time delivery password is not a pickup code: a notification never
announces it as one (how it is announced belongs to the notification texts)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from daemon.app import build
from daemon.config.settings import load_settings
from daemon.mail.raw import RawMessage
from tests.support.receiver import Receiver

EMAILS = Path(__file__).resolve().parents[2] / "emails"


def test_a_delivery_password_is_not_sent_as_a_pickup_code(
    tmp_path: Path, receiver: Receiver
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[general]\nstate_dir = "{tmp_path / "state"}"\n[notify]\nphotos = false\n'
        f'[[notify.target]]\nname = "hook"\nurl = "{receiver.url()}"\n'
    )
    settings = load_settings(config, {"HOME": str(tmp_path)}, required=True)
    app = build(settings, lambda: datetime(2026, 4, 7, 14, 0, tzinfo=UTC))
    for name in ("amazon_com/delivery_otp.eml", "amazon_uk/ready_for_collection_locker.eml"):
        data = (EMAILS / name).read_bytes()
        app.pipeline.process(RawMessage(data, "maildir:inbox", name))
    assert app.deliver().sent == 2
    messages = {r.json()["title"].split(":")[0]: r.json()["message"] for r in receiver.requests}
    assert "615207" not in messages["Out for delivery"]
    assert "Pickup code" not in messages["Out for delivery"]
    assert "Pickup code: 739204" in messages["Ready for pickup"]
    (otp,) = [s for s in app.store.shipments(include_finished=True) if s.delivery_code]
    assert (otp.delivery_code, otp.pickup_code) == ("615207", None)
    app.close()
