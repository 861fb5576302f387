"""The one-time delivery password is not a pickup code: a notification never
announces it as one. It is told as what it is, the code to tell the driver,
while the parcel is coming; the pickup notice says where, until when and with
which code the parcel is collected."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from daemon.app import build
from daemon.config.settings import load_settings
from daemon.mail.raw import RawMessage
from tests.support.receiver import Receiver
from tests.support.replay import replay

EMAILS = Path(__file__).resolve().parents[2] / "emails"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_delivery_password_is_not_sent_as_a_pickup_code(
    tmp_path: Path, receiver: Receiver
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[general]\nstate_dir = "{tmp_path / "state"}"\n[notify]\nphotos = false\n'
        f'[[notify.target]]\nname = "hook"\nurl = "{receiver.url()}"\n'
    )
    settings = load_settings(config, {"HOME": str(tmp_path)}, required=True)
    clock = Clock(datetime(2026, 4, 7, 14, 0, tzinfo=UTC))
    app = build(settings, clock)
    names = ("amazon_com/delivery_otp.eml", "amazon_uk/ready_for_collection_locker.eml")
    raws = [RawMessage((EMAILS / n).read_bytes(), "maildir:inbox", n) for n in names]
    replay(app.pipeline, raws, clock)  # each read when it came
    assert app.deliver().sent == 2
    messages = {r.json()["title"].split(":")[0]: r.json()["message"] for r in receiver.requests}
    coming, waiting = messages["Out for delivery"], messages["Ready for pickup"]
    assert "\nDelivery code (tell the driver): 615207\n" in coming
    assert "Pickup" not in coming
    # Where, until when and with which code the locker parcel is collected.
    assert (
        "\nPickup at: Amazon Locker - Juniper, Co-op Food, 112 Wilmslow Road, Manchester M14 5AJ\n"
        "Pick up by: Thu 2 Apr\nPickup code: 739204\n" in waiting
    )
    assert "Delivery code" not in waiting
    (otp,) = [s for s in app.store.shipments(include_finished=True) if s.delivery_code]
    assert (otp.delivery_code, otp.pickup_code) == ("615207", None)
    app.close()
