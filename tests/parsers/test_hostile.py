"""Hostile mail against the parsers (issue 13): what one email from a stranger may
not do. The corpus is generated (tests/support/hostile.py); that every email of it
parses within its budget is checked through the parse workers, in
tests/daemon/parsing/test_hostile_mail.py. Here: nothing forged is claimed, no
email yields more events than MAX_EVENTS, and a structure too big to read is an
error with its reason, not "not an order email".
"""

from __future__ import annotations

import pytest

from parsers.limits import MAX_EVENTS, MAX_MIME_CONTAINERS
from parsers.message import parse_message
from parsers.model import Milestone
from parsers.registry import Registry, default_registry
from tests.support import hostile

ORDER = hostile.ORDER


@pytest.fixture(scope="module")
def registry() -> Registry:
    """The daemon's registry with a forwarder and the user's authserv-id."""
    return default_registry(forwarders=(hostile.FORWARDER,), authserv_id=hostile.AUTHSERV_ID)


@pytest.fixture(scope="module")
def strict() -> Registry:
    """The same, requiring a pass in the user's server's Authentication-Results."""
    return default_registry(
        forwarders=(hostile.FORWARDER,),
        authserv_id=hostile.AUTHSERV_ID,
        require_authentication=True,
    )


# --- senders ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(hostile.SPOOFS))
def test_no_spoof_passes_as_amazon(registry: Registry, strict: Registry, name: str) -> None:
    raw = hostile.SPOOFS[name]
    for chosen in (registry, strict):
        result = chosen.parse(raw)
        claimed = result.parser is not None and result.error is None
        assert not claimed, (name, result)
        assert result.events == ()


def test_the_spoofs_would_be_claimed_if_they_came_from_amazon(registry: Registry) -> None:
    """The spoofs fail for their From alone: the same email from Amazon's address is
    an ordinary shipping email (so the tests above could fail)."""
    raw = hostile.email("Your package has shipped!\nArriving tomorrow")
    (event,) = registry.parse(raw).events
    assert (event.milestone, event.order_ids) == (Milestone.SHIPPED, (ORDER,))


@pytest.mark.parametrize(
    ("from_header", "address", "disguised"),
    [
        ("=?utf-8?q?shipment-tracking=40amazon.com?= <attacker@evil.example>",
         "attacker@evil.example", False),
        ("<=?utf-8?q?shipment-tracking=40amazon.com?=>", None, None),
        ("Amazon <=?utf-8?q?shipment-tracking?=@amazon.com>",
         "=?utf-8?q?shipment-tracking?=@amazon.com", True),
        ("=?utf-8?q?Amazon=2Ecom?= <shipment-tracking@amazon.com>",
         "shipment-tracking@amazon.com", False),
        ("shipment-tracking@amazon.com <attacker@evil.example>", None, None),
        ("shipment-tracking@amazon.com, attacker@evil.example", None, None),
    ],
    ids=["name-encodes-amazon", "address-is-an-encoded-word", "encoded-local-part",
         "encoded-name-of-amazon", "address-as-name", "two-addresses"],
)  # fmt: skip
def test_the_sender_is_read_from_the_raw_header(
    from_header: str, address: str | None, disguised: bool | None
) -> None:
    message = parse_message(hostile.email("x", from_header=from_header))
    sender = message.sender
    if address is None:
        assert sender is None
        return
    assert sender is not None
    assert (sender.address, sender.disguised) == (address, disguised)


def test_only_display_names_are_decoded() -> None:
    header = "=?utf-8?q?Amazon=2Ecom_=E2=9C=93?= <shipment-tracking@amazon.com>"
    sender = parse_message(hostile.email("x", from_header=header)).sender
    assert sender is not None
    assert (sender.display_name, sender.address) == ("Amazon.com ✓", "shipment-tracking@amazon.com")


def test_two_from_headers_make_no_sender() -> None:
    raw = hostile.email("x", headers=("From: Amazon <shipment-tracking@amazon.com>",))
    assert parse_message(raw).sender is None


# --- how much one email may say ------------------------------------------------------------


def _track_links(count: int) -> bytes:
    link = '<a href="' + hostile.TRACK + '">Track package</a>\n'
    body = "".join(link.format(order=ORDER, shipment=f"S{n:07d}") for n in range(count))
    return hostile.email("", html_body=body)


def test_an_email_with_more_shipments_than_the_cap_is_refused(registry: Registry) -> None:
    """300 distinct Track package links used to queue 300 notifications."""
    result = registry.parse(_track_links(300))
    assert result.parser == "amazon"
    assert result.events == ()
    assert result.error == "unreadable: more than 20 shipments in one email"


def test_an_email_just_over_the_cap_is_refused_whole(registry: Registry) -> None:
    result = registry.parse(_track_links(MAX_EVENTS + 1))
    assert result.error == f"unreadable: more than {MAX_EVENTS} shipments in one email"
    assert result.events == ()


def test_an_email_at_the_cap_is_read_whole(registry: Registry) -> None:
    events = registry.parse(_track_links(MAX_EVENTS)).events
    assert [e.shipment_id for e in events] == [f"S{n:07d}" for n in range(MAX_EVENTS)]


def test_an_email_naming_more_orders_than_the_cap_is_refused(registry: Registry) -> None:
    text = "\n".join(f"Order # 113-{n:07d}-{n:07d}" for n in range(MAX_EVENTS + 5))
    raw = hostile.email(text, subject="Ordered: your order", headline="Thanks for your order")
    result = registry.parse(raw)
    assert result.error == f"unreadable: more than {MAX_EVENTS} orders in one email"
    assert result.events == ()


def test_deep_mime_nesting_is_an_error_with_its_reason(registry: Registry) -> None:
    """1,000 levels of multipart used to decode to an empty email, recorded as
    'not an order email'."""
    raw = hostile.STRUCTURES["mime-nesting"](120_000)
    result = registry.parse(raw)
    assert result.parser is None
    assert result.error == (
        f"unreadable: more than {MAX_MIME_CONTAINERS} multipart or message parts"
    )
    message = parse_message(raw)
    assert message.subject == 'Shipped: "USB-C cable"'  # the headers are still read
    assert message.message_id == "<deep@example.com>"


def test_nesting_within_the_bound_is_read(registry: Registry) -> None:
    raw = hostile.STRUCTURES["mime-nesting"](120 * (MAX_MIME_CONTAINERS - 1))
    (event,) = registry.parse(raw).events
    assert event.order_ids == (ORDER,)


def test_html_too_deep_to_read_whole_is_an_error(registry: Registry) -> None:
    """libxml2 stops at 256 levels and drops what is below: said, not hidden."""
    result = registry.parse(hostile.STRUCTURES["html-nesting"](12 * 300))
    assert (result.parser, result.error) == (
        None,
        "unreadable: HTML nested too deeply to read whole",
    )


def test_html_within_the_depth_is_read_to_the_bottom() -> None:
    message = parse_message(hostile.STRUCTURES["html-nesting"](12 * 200))
    assert message.problem is None
    assert "Arriving tomorrow" in message.html_text


def test_a_huge_subject_is_read_up_to_the_header_bound(registry: Registry) -> None:
    message = parse_message(hostile.STRUCTURES["subject-rfc2047"](1_000_000))
    assert message.subject.startswith('Shipped: "cable" Shipped: "cable"')
    assert len(message.subject) < 16_000


def test_forged_authentication_results_are_not_believed(strict: Registry) -> None:
    result = strict.parse(hostile.FORGED_RESULTS)
    assert result.error == (
        "rejected: no DKIM or DMARC pass for an Amazon domain in Authentication-Results "
        f"from {hostile.AUTHSERV_ID} (amazon.require_authentication is on)"
    )


def test_the_users_own_authentication_results_are(strict: Registry) -> None:
    own = f"Authentication-Results: {hostile.AUTHSERV_ID}; dkim=pass header.d=amazon.com"
    raw = hostile.email("Your package has shipped!", headers=(own,))
    (event,) = strict.parse(raw).events
    assert event.milestone is Milestone.SHIPPED


# --- the corpus, in this process ---------------------------------------------------------


@pytest.mark.parametrize("name", sorted(hostile.STRUCTURES))
def test_no_structure_yields_more_events_than_the_cap(registry: Registry, name: str) -> None:
    result = registry.parse(hostile.STRUCTURES[name](100_000))
    assert len(result.events) <= MAX_EVENTS
    assert result.error is None or result.error.startswith("unreadable: "), result.error
