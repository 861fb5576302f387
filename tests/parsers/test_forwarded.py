"""Forwards from a configured forwarding address are read as the original email;
anything else that merely contains an Amazon email is not."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest

from parsers.forwarded import Forwards
from parsers.message import parse_message
from parsers.registry import default_registry

ORIGINAL_PATH = (
    Path(__file__).resolve().parent.parent / "emails" / "amazon_uk" / "dispatched_dpd.eml"
)
FORWARDER = "partner@example.org"
REGISTRY = default_registry(forwarders=[FORWARDER.upper()])  # addresses match any case


def original() -> EmailMessage:
    message = email.message_from_bytes(ORIGINAL_PATH.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def body_of(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content


def forward_envelope(sender: str, auth: str | None = None) -> EmailMessage:
    outer = EmailMessage()
    outer["From"] = f"Pat <{sender}>"
    outer["To"] = "jane@example.com"
    outer["Subject"] = "Fwd: " + str(original()["Subject"])
    outer["Date"] = "Thu, 26 Mar 2026 20:15:00 +0000"
    outer["Message-ID"] = "<fwd-1@example.org>"
    if auth:
        outer["Authentication-Results"] = auth
    return outer


def as_attachment(sender: str = FORWARDER, auth: str | None = None) -> bytes:
    outer = forward_envelope(sender, auth)
    outer.set_content("See below.\n")
    outer.add_attachment(original())
    return outer.as_bytes()


def inline(sender: str = FORWARDER, date_line: str | None = None, style: str = "gmail") -> bytes:
    inner = original()
    when = date_line or str(inner["Date"])
    if style == "outlook":
        head = (
            f"From: Amazon.co.uk [mailto:{inner['From'].addresses[0].addr_spec}]\n"
            f"Sent: {when}\nTo: Jane\nSubject: {inner['Subject']}\n"
        )
    else:
        head = (
            f"---------- Forwarded message ---------\nFrom: {inner['From']}\n"
            f"Date: {when}\nSubject: {inner['Subject']}\nTo: <jane@example.com>\n"
        )
    outer = forward_envelope(sender)
    outer.set_content("FYI\n\n" + head + "\n" + body_of(inner, "plain"))
    html_head = head.replace("\n", "<br>\n").replace("<jane@example.com>", "&lt;jane@...&gt;")
    outer.add_alternative(
        f'<div>FYI</div><div class="gmail_quote">{html_head}<br>{body_of(inner, "html")}</div>',
        subtype="html",
    )
    return outer.as_bytes()


def events(raw: bytes) -> list[dict[str, object]]:
    result = REGISTRY.parse(raw)
    assert result.error is None
    return result.to_json()["events"]  # type: ignore[no-any-return]


def test_the_original_has_what_the_forwards_must_keep() -> None:
    [event] = events(ORIGINAL_PATH.read_bytes())
    assert event["milestone"] == "shipped" and event["tracking_number"] and event["eta"]


@pytest.mark.parametrize(
    "forward",
    [as_attachment, inline, lambda: inline(style="outlook")],
    ids=["attachment", "inline-gmail", "inline-outlook"],
)
def test_a_forward_from_a_forwarder_reads_as_the_original(forward: object) -> None:
    assert callable(forward)
    assert events(forward()) == events(ORIGINAL_PATH.read_bytes())


@pytest.mark.parametrize("forward", [as_attachment, inline], ids=["attachment", "inline"])
def test_a_forward_from_anyone_else_is_not_read(forward: object) -> None:
    assert callable(forward)
    result = REGISTRY.parse(forward("stranger@example.net"))
    assert (result.parser, result.events) == (None, ())


def test_a_forward_whose_sender_was_forged_is_not_read() -> None:
    auth = "mx.example.com; spf=fail smtp.mailfrom=example.org; dmarc=fail header.from=example.org"
    result = REGISTRY.parse(as_attachment(auth=auth))
    assert (result.parser, result.events) == (None, ())


def test_gmail_date_line_is_read_in_the_forwarders_zone() -> None:
    raw = inline(date_line="Wed, Mar 25, 2026 at 7:02 PM")
    unwrapped = Forwards([FORWARDER]).unwrap(parse_message(raw))
    assert unwrapped.sender is not None
    assert unwrapped.sender.address.endswith("@amazon.co.uk")
    assert unwrapped.date == datetime(2026, 3, 25, 19, 2, tzinfo=UTC)
    assert unwrapped.subject == str(original()["Subject"])


def test_an_unreadable_date_line_falls_back_to_the_forwards_date() -> None:
    raw = inline(date_line="sometime last week")
    unwrapped = Forwards([FORWARDER]).unwrap(parse_message(raw))
    assert unwrapped.date == datetime(2026, 3, 26, 20, 15, tzinfo=timezone(timedelta(0)))


def test_a_forward_without_a_quoted_header_stays_as_it_is() -> None:
    outer = forward_envelope(FORWARDER)
    outer.set_content("Did you order this? Order #206-3391827-5064419\n")
    message = parse_message(outer.as_bytes())
    assert Forwards([FORWARDER]).unwrap(message) is message
