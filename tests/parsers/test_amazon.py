"""Amazon parser behaviour that the golden corpus does not pin down on its own."""

from __future__ import annotations

from email.message import EmailMessage

from parsers.amazon import AmazonParser
from parsers.model import Milestone
from parsers.registry import Registry

REGISTRY = Registry((AmazonParser(),))


def email(sender: str, subject: str, text: str, *, auth: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "jane@example.com"
    msg["Subject"] = subject
    msg["Date"] = "Wed, 01 Apr 2026 16:00:00 +0000"
    msg["Message-ID"] = "<test@example.com>"
    if auth:
        msg["Authentication-Results"] = auth
    msg.set_content(text)
    return msg.as_bytes()


def test_ready_for_pickup_with_its_code() -> None:
    raw = email(
        '"Amazon.com" <shipment-tracking@amazon.com>',
        "Your package is ready for pickup",
        "Order #113-1111111-2222222\nYour package is ready for pickup at Amazon Hub Locker - "
        "Kestrel.\nYour pickup code is 483920.\nPick up by Friday, April 3.",
    )
    (event,) = REGISTRY.parse(raw).events
    assert event.milestone is Milestone.AVAILABLE_FOR_PICKUP
    assert event.pickup_code == "483920"
    assert event.order_ids == ("113-1111111-2222222",)


def test_a_look_alike_failing_dmarc_is_not_claimed() -> None:
    raw = email(
        '"Amazon.com" <shipment-tracking@amazon.com>',
        'Shipped: "Gift card"',
        "Order #113-1111111-2222222\nYour package has shipped.",
        auth="mx.example.com; dkim=fail header.d=amazon.com; dmarc=fail header.from=amazon.com",
    )
    assert REGISTRY.parse(raw).parser is None


def test_marketing_senders_and_review_requests_are_not_claimed() -> None:
    marketing = email(
        '"Amazon.com" <store-news@amazon.com>',
        'Shipped: "a deal"',
        "Order #113-1111111-2222222 shipped",
    )
    review = email(
        '"Amazon.com" <order-update@amazon.com>',
        "How was your delivery?",
        "Order #113-1111111-2222222 was delivered. Your package was delivered.",
    )
    assert REGISTRY.parse(marketing).parser is None
    assert REGISTRY.parse(review).parser is None


def test_a_disabled_marketplace_is_not_claimed() -> None:
    raw = email(
        '"Amazon.com" <shipment-tracking@amazon.com>',
        'Shipped: "USB cable"',
        "Order #113-1111111-2222222\nYour package has shipped.",
    )
    only_uk = Registry((AmazonParser(marketplaces=["amazon.co.uk"]),))
    assert only_uk.parse(raw).parser is None
    assert REGISTRY.parse(raw).events[0].milestone is Milestone.SHIPPED
