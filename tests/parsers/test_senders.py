"""Who speaks for Amazon, stated rule by rule: the sender as written, the one
Authentication-Results header believed (RFC 8601), and what a DKIM or DMARC
verdict in it means for an Amazon domain. The golden corpus and the hostile
tests run these rules through whole emails; here each is pinned on its own,
with headers written by hand."""

from __future__ import annotations

import pytest

from parsers.amazon.senders import Verdict, authentication, is_pickup_sender, marketplace_of
from parsers.auth_results import ServerResults, authserv_id_of, server_results
from parsers.message import MailMessage, parse_message

ENABLED = frozenset({"amazon.com", "amazon.de"})
MX = "mx.example.org"


def mail(sender: str, *results: str) -> MailMessage:
    lines = [f"Authentication-Results: {value}" for value in results]
    lines += [f"From: {sender}", "To: me@example.org", "Subject: Your order", "", "Hello"]
    return parse_message("\r\n".join(lines).encode())


# --- the sender -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sender", "market"),
    [
        ("Amazon.com <shipment-tracking@amazon.com>", "amazon.com"),
        ("<auto-confirm@amazon.de>", "amazon.de"),
        ("<Shipment-Tracking@Marketplace.Amazon.com>", "amazon.com"),  # case, subdomain
        ("<thehub@amazon.com>", "amazon.com"),  # a pickup sender is claimed too
        ("<shipment-tracking@amazon.fr>", None),  # a marketplace not enabled
        ("<store-news@amazon.com>", None),  # marketing
        ("<shipment-tracking@fakeamazon.com>", None),
        ("=?utf-8?q?shipment-tracking=40amazon.com?= <attacker@evil.example>", None),
        ("<=?utf-8?q?shipment-tracking?=@amazon.com>", None),  # an encoded address
    ],
)
def test_the_marketplace_an_email_comes_from(sender: str, market: str | None) -> None:
    found = marketplace_of(mail(sender), ENABLED)
    assert (found.domain if found else None) == market


@pytest.mark.parametrize(
    ("sender", "pickup"),
    [
        ("<thehub@amazon.com>", True),
        ("<AmazonLockers@amazon.co.uk>", True),
        ("<shipment-tracking@amazon.com>", False),
        ("<hub@amazon.com>", False),
    ],
)
def test_pickup_senders(sender: str, pickup: bool) -> None:
    assert is_pickup_sender(mail(sender)) is pickup


def test_an_email_without_a_readable_sender_is_nobodys() -> None:
    message = parse_message(b"From: a@amazon.com, b@amazon.com\r\nSubject: x\r\n\r\nx")
    assert message.sender is None
    assert marketplace_of(message, ENABLED) is None
    assert is_pickup_sender(message) is False


# --- the header believed ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "authserv"),
    [
        ("mx.example.org; dkim=pass", "mx.example.org"),
        ("  MX.Example.ORG ; dkim=pass", "mx.example.org"),
        ("mx.example.org 1; none", "mx.example.org"),  # with a version
        ("; dkim=pass", ""),
        ("", ""),
    ],
)
def test_the_authserv_id_a_header_starts_with(value: str, authserv: str) -> None:
    assert authserv_id_of(value) == authserv


def test_with_an_authserv_id_the_topmost_header_carrying_it_is_believed() -> None:
    message = mail(
        "<shipment-tracking@amazon.com>",
        "forged.example; dkim=fail header.d=amazon.com",
        f"{MX}; dkim=pass header.d=amazon.com",
        f"{MX}; dkim=fail header.d=amazon.com",
    )
    believed = server_results(message, MX)
    assert believed.verified is True
    assert [(r.method, r.outcome, r.domain) for r in believed.results] == [
        ("dkim", "pass", "amazon.com")
    ]


def test_with_an_authserv_id_no_header_of_its_own_means_nothing_believed() -> None:
    message = mail(
        "<shipment-tracking@amazon.com>", "forged.example; dkim=pass header.d=amazon.com"
    )
    assert server_results(message, MX) == ServerResults((), verified=False)


def test_without_an_authserv_id_the_topmost_header_is_read_but_not_verified() -> None:
    message = mail(
        "<shipment-tracking@amazon.com>",
        "first.example; dkim=pass header.d=amazon.com",
        "second.example; dkim=fail header.d=amazon.com",
    )
    believed = server_results(message, None)
    assert believed.verified is False
    assert [(r.method, r.outcome) for r in believed.results] == [("dkim", "pass")]
    assert server_results(mail("<a@amazon.com>"), None) == ServerResults((), verified=False)


def test_each_clause_is_read_past_one_that_is_not_a_result() -> None:
    message = mail(
        "<shipment-tracking@amazon.com>",
        f"{MX}; (a comment); spf=pass smtp.mailfrom=amazon.com; DKIM=Fail header.i=@Amazon.COM.",
    )
    (spf, dkim) = server_results(message, MX).results
    assert (spf.method, spf.outcome, spf.domain) == ("spf", "pass", None)
    # the domain as named, lower-cased and without the root's dot; the rest lower-cased
    assert (dkim.method, dkim.outcome, dkim.domain, dkim.detail) == (
        "dkim",
        "fail",
        "amazon.com",
        " header.i=@amazon.com.",
    )


# --- what the verdicts mean -------------------------------------------------------------


@pytest.mark.parametrize(
    ("results", "verdict"),
    [
        ([f"{MX}; dkim=pass header.d=amazon.com"], Verdict(None, passed=True)),
        ([f"{MX}; dmarc=pass header.from=amazon.de"], Verdict(None, passed=True)),
        ([f"{MX}; dkim=pass header.d=bounce.amazonses.com"], Verdict(None, passed=True)),
        ([f"{MX}; dkim=fail header.d=amazon.com"], Verdict("DKIM fail for amazon.com", False)),
        (
            [f"{MX}; spf=pass; dkim=permerror header.d=eu.amazonses.com"],
            Verdict("DKIM permerror for eu.amazonses.com", False),
        ),
        ([f"{MX}; dmarc=softfail"], Verdict("DMARC softfail", False)),  # names no domain
        ([f"{MX}; dkim=none header.d=amazon.com"], Verdict(None, passed=False)),
        ([f"{MX}; dkim=neutral header.d=amazon.com"], Verdict(None, passed=False)),
        ([f"{MX}; dkim=pass"], Verdict(None, passed=False)),  # a pass for no one
        ([f"{MX}; dkim=fail header.d=evil.example"], Verdict(None, passed=False)),
        ([f"{MX}; dkim=pass header.d=amazonses.com.evil.example"], Verdict(None, False)),
        ([f"{MX}; spf=fail smtp.mailfrom=amazon.com"], Verdict(None, passed=False)),
        (
            [f"{MX}; dkim=fail header.d=amazon.com; dkim=fail header.d=amazonses.com"],
            Verdict("DKIM fail for amazon.com", False),  # the first failure
        ),
        (
            [f"{MX}; dkim=fail header.d=amazon.com; dmarc=pass header.from=amazon.com"],
            Verdict("DKIM fail for amazon.com", True),
        ),
        ([], Verdict(None, passed=False)),
    ],
)
def test_what_the_users_server_says_about_amazons_domains(
    results: list[str], verdict: Verdict
) -> None:
    assert authentication(mail("<shipment-tracking@amazon.com>", *results), MX) == verdict


def test_a_pass_in_a_header_not_verified_proves_nothing_but_a_failure_counts() -> None:
    passed = mail("<shipment-tracking@amazon.com>", "anyone.example; dkim=pass header.d=amazon.com")
    failed = mail("<shipment-tracking@amazon.com>", "anyone.example; dkim=fail header.d=amazon.com")
    assert authentication(passed) == Verdict(None, passed=False)
    assert authentication(failed) == Verdict("DKIM fail for amazon.com", passed=False)


def test_whose_domains_count_can_be_chosen() -> None:
    message = mail("<a@shop.example>", f"{MX}; dkim=fail header.d=shop.example")
    assert authentication(message, MX, owns=lambda d: d == "shop.example") == Verdict(
        "DKIM fail for shop.example", passed=False
    )
    assert authentication(message, MX) == Verdict(None, passed=False)
