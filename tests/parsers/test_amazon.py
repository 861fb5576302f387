"""Amazon parser behaviour that the golden corpus does not pin down on its own."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage

import pytest

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


SHIPPED = ('"Amazon.com" <shipment-tracking@amazon.com>', 'Shipped: "Gift card"',
           "Order #113-1111111-2222222\nYour package has shipped.")  # fmt: skip
SERVER = "mx.example.com"
MX = SERVER + "; "
LOOK_ALIKE = "rejected: look-alike: Authentication-Results say "
NO_PASS = (
    "rejected: no DKIM or DMARC pass for an Amazon domain in Authentication-Results "
    "from mx.example.com (amazon.require_authentication is on)"
)

AUTHENTICATION = [
    # (case id, Authentication-Results headers (topmost first), require a pass, error or None)
    ("dkim-and-dmarc-fail",
     [MX + "dkim=fail header.d=amazon.com; dmarc=fail header.from=amazon.com"], False,
     LOOK_ALIKE + "DKIM fail for amazon.com"),
    ("dmarc-fail-only", [MX + "dkim=none; dmarc=fail (p=QUARANTINE) header.from=amazon.com"],
     False, LOOK_ALIKE + "DMARC fail for amazon.com"),
    ("fail-without-domain", [MX + "dkim=permerror"], False,
     LOOK_ALIKE + "DKIM permerror"),
    ("pass", [MX + "dkim=pass header.i=@amazon.com; dmarc=pass header.from=amazon.com"],
     True, None),
    ("ses-signature-passes", [MX + "dkim=pass header.i=@amazonses.com"], True, None),
    # A mailing list's broken signature says nothing about Amazon's.
    ("other-domain-fails", [MX + "dkim=fail header.d=lists.example.org; dkim=pass "
     "header.d=amazon.com"], True, None),
    # Only the header carrying the user's server's id is its own; others came with the mail.
    ("forged-lower-pass", [MX + "dmarc=fail header.from=amazon.com",
     "evil.example; dkim=pass header.d=amazon.com"], False,
     LOOK_ALIKE + "DMARC fail for amazon.com"),
    ("forged-lower-fail-ignored", [MX + "dkim=pass header.d=amazon.com",
     "evil.example; dkim=fail header.d=amazon.com"], True, None),
    # The sender's own header on top, where the user's server wrote none.
    ("forged-topmost-pass", ["evil.example; dkim=pass header.d=amazon.com; "
     "dmarc=pass header.from=amazon.com"], True, NO_PASS),
    ("own-below-a-forged-one", ["evil.example; dkim=pass header.d=amazon.com",
     MX + "dmarc=fail header.from=amazon.com"], False, LOOK_ALIKE + "DMARC fail for amazon.com"),
    ("id-with-version", [SERVER + " 1; dkim=pass header.d=amazon.com"], True, None),
    ("no-header", [], False, None),
    ("no-header-but-required", [], True, NO_PASS),
    ("pass-for-another-domain-only", [MX + "dkim=pass header.d=example.org"], True, NO_PASS),
]  # fmt: skip


@pytest.mark.parametrize(
    ("headers", "required", "error"),
    [pytest.param(h, r, e, id=case) for case, h, r, e in AUTHENTICATION],
)
def test_authentication_results(headers: list[str], required: bool, error: str | None) -> None:
    msg = message_from_bytes(email(*SHIPPED))
    for value in headers:
        msg["Authentication-Results"] = value
    registry = Registry((AmazonParser(require_authentication=required, authserv_id=SERVER),))
    result = registry.parse(msg.as_bytes())
    assert result.parser == "amazon"
    assert result.error == error
    assert [e.milestone for e in result.events] == ([] if error else [Milestone.SHIPPED])


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ([MX + "dkim=pass header.d=amazon.com"], "rejected: no DKIM or DMARC pass for an "
         "Amazon domain in Authentication-Results (no authserv_id set) "
         "(amazon.require_authentication is on)"),
        ([MX + "dmarc=fail header.from=amazon.com"], LOOK_ALIKE + "DMARC fail for amazon.com"),
    ],
)  # fmt: skip
def test_without_authserv_id_the_topmost_header_can_only_fail(
    headers: list[str], error: str
) -> None:
    """Whoever wrote the topmost header, its failure only hurts the sender; its pass
    proves nothing, so requiring one without naming the server rejects everything."""
    msg = message_from_bytes(email(*SHIPPED))
    for value in headers:
        msg["Authentication-Results"] = value
    result = Registry((AmazonParser(require_authentication=True),)).parse(msg.as_bytes())
    assert result.error == error


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


def test_a_return_email_has_no_delivery_estimate() -> None:
    raw = email(
        '"Amazon.com" <return@amazon.com>',
        "Your return request for order 113-1111111-2222222",
        "Order #113-1111111-2222222\nYour return has started. Drop it off by April 10.\n"
        "Arriving at our warehouse by April 14. Refund expected by April 20.",
    )
    (event,) = REGISTRY.parse(raw).events
    assert (event.milestone, event.eta) == (Milestone.RETURN_STARTED, None)
