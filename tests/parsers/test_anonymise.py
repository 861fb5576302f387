"""`parcelwatch report` anonymises an email so that it can be attached to a bug report:
its copy must parse the way the original does (or the report would not show the
bug), and must carry nothing that identifies the person it was sent to."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from typing import Any

import pytest

from parsers.anonymise import Anonymiser
from parsers.message import parse_message
from parsers.registry import default_registry

CORPUS = Path(__file__).resolve().parent.parent / "emails"
CASES = sorted(CORPUS.rglob("*.eml"))
IDS = [str(p.relative_to(CORPUS)) for p in CASES]
FORWARDERS = ("tom.doe@example.com",)  # as in test_golden.py


# Fields whose values are replaced, so only whether they are there must not change.
PRESENT = (
    "shipment_id", "tracking_number", "pickup_code", "pickup_location", "delivery_code",
    "delivery_location", "delivery_photo_url",
)  # fmt: skip


def shape(result: dict[str, Any]) -> tuple[Any, ...]:
    """What must survive anonymisation: everything but the identities themselves."""
    events = [
        (
            e["milestone"],
            e["marketplace"],
            e["carrier"],
            e["eta"],
            [item["title"] for item in e["items"]],
            e["pickup_deadline"],
            len(e["order_ids"]),
            *(bool(e[key]) for key in PRESENT),
        )
        for e in result["events"]
    ]
    error = (result["error"] or "").partition(":")[0]
    return result["parser"], error, events


@pytest.mark.parametrize("path", CASES, ids=IDS)
def test_the_anonymised_copy_parses_like_the_original(path: Path) -> None:
    raw = path.read_bytes()
    anonymiser = Anonymiser()
    copy = anonymiser.anonymise(raw)
    original = default_registry(forwarders=FORWARDERS).parse(raw).to_json()
    forwarders = tuple(anonymiser.address(a) for a in FORWARDERS)
    anonymised = default_registry(forwarders=forwarders).parse(copy).to_json()
    assert shape(anonymised) == shape(original)


@pytest.mark.parametrize("path", CASES, ids=IDS)
def test_nothing_that_identifies_the_recipient_survives(path: Path) -> None:
    raw = path.read_bytes()
    copy = Anonymiser().anonymise(raw)
    result = default_registry(forwarders=FORWARDERS).parse(raw).to_json()
    secrets = set()
    for event in result["events"]:
        secrets |= set(event["order_ids"])
        secrets |= {event[key] for key in ("tracking_number", "shipment_id") if event[key]}
    view = parse_message(raw)
    for person in view.to:
        secrets.add(person.address)
        secrets |= {word for word in person.display_name.split() if len(word) > 2}
    decoded = parse_message(copy)
    seen = "\n".join(
        [decoded.subject, decoded.text, decoded.html, *(v for _, v in decoded.headers)]
        + [link.href for link in decoded.links]
    )
    assert [secret for secret in secrets if secret in seen] == []


def test_each_value_is_replaced_the_same_way_everywhere() -> None:
    raw = (CORPUS / "amazon_com" / "order2_shipped.eml").read_bytes()
    anonymiser = Anonymiser()
    (event,) = default_registry().parse(anonymiser.anonymise(raw)).events
    # The order id of the subject-less body, of the order link and of the Track link
    # must still be one order, and the shipment id still one shipment.
    assert len(event.order_ids) == 1
    new_id = event.order_ids[0]
    assert new_id != "114-2210934-5561847" and new_id.startswith("114-")
    assert event.shipment_id not in (None, "BkW9xTq3Ln")
    assert anonymiser.text("Order 114-2210934-5561847") == f"Order {new_id}"
    assert Anonymiser().anonymise(raw) == anonymiser.anonymise(raw)  # deterministic


def test_the_mime_structure_and_encodings_are_kept() -> None:
    for name in (
        "amazon_uk/dispatched_evri_base64.eml",
        "amazon_pl/order_b_out_for_delivery_cp1250.eml",
    ):
        raw = (CORPUS / name).read_bytes()
        before = email.message_from_bytes(raw, policy=email.policy.compat32)
        after = email.message_from_bytes(Anonymiser().anonymise(raw), policy=email.policy.compat32)

        def layout(msg: email.message.Message) -> list[tuple[str, str | None, str]]:
            return [
                (part.get_content_type(), part.get_content_charset(),
                 str(part.get("Content-Transfer-Encoding", "")))
                for part in msg.walk()
            ]  # fmt: skip

        assert layout(after) == layout(before)


def test_travel_headers_and_the_users_server_are_gone() -> None:
    raw = (CORPUS / "amazon_com" / "order2_shipped.eml").read_bytes()
    copy = Anonymiser().anonymise(raw).decode()
    assert "Received:" not in copy and "DKIM-Signature:" not in copy
    assert "mx.example.net" not in copy
    assert "Authentication-Results: mx.example.invalid;" in copy
    assert "dkim=pass header.i=@amazon.com" in copy  # what the parser trusts is kept
