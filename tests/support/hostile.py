"""Hostile emails, generated: what any stranger can send to the user's mailbox.

Shared by the tests (tests/parsers/test_hostile.py, the daemon's process-level test)
and the benchmark (bench/hostile_parse.py), so that what CI checks and what the
benchmark measures are the same emails.

Three families:

- runs: a long run of one character class (`UNITS`) right after a word that switches
  a pattern on (`TRIGGERS`: "Tracking ID:", "Arriving", "Carrier:", "伝票番号", ...),
  then the same trigger again and again with short runs, in the text and the HTML
  part of a shipping email from the trigger's marketplace. One long run catches a
  pattern that rescans from every position; many triggers catch a scan that re-reads
  what it read before.
- structures (`STRUCTURES`): many links, Track package links, products, orders,
  MIME nesting, HTML nesting, huge headers and subjects, forward headers.
- spoofs (`SPOOFS`): emails that try to pass as Amazon or as a configured forwarder.

Each builder takes the size in bytes the email should roughly have, so the benchmark
can grow one class from 10 KB to 1 MB (and to 5 MB for memory).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from dataclasses import dataclass

FORWARDER = "forwarder@example.org"
AUTHSERV_ID = "mx.example.net"
ORDER = "113-4829105-7730624"
TRACK = (
    "https://www.amazon.com/gp/your-account/ship-track?orderId={order}"
    "&amp;shipmentId={shipment}&amp;packageIndex=0"
)
SIZES = {"10 KB": 10_000, "100 KB": 100_000, "1 MB": 1_000_000}


@dataclass(frozen=True)
class Trigger:
    """Words that switch a pattern on, and the marketplace whose tables read them."""

    name: str
    text: str
    sender: str = "shipment-tracking@amazon.com"
    subject: str = 'Shipped: "USB-C cable"'
    headline: str = "Your package has shipped!"


@dataclass(frozen=True)
class Unit:
    """One character class, as the unit a run repeats."""

    name: str
    text: str


_OUT = "Out for delivery: USB-C cable"
_OUT_HEADLINE = "Your package is out for delivery."

TRIGGERS = (
    Trigger("tracking-label", "Tracking ID: "),
    Trigger("carrier-name", "UPS "),
    Trigger("carrier-label", "Carrier: "),
    Trigger("eta-phrase", "Arriving "),
    Trigger("eta-date", "Now expected Monday, March "),
    Trigger("order-label", "Order # 113-"),
    Trigger("quantity", "Qty: "),
    Trigger("bare-quantity", "Qty"),
    Trigger("bare-carrier", "Carrier"),
    Trigger("bare-code", "OTP", subject=_OUT, headline=_OUT_HEADLINE),
    Trigger("sold-by", "\nSold by: "),
    Trigger("pickup-code", "Your pickup code is ", subject=_OUT, headline=_OUT_HEADLINE),
    Trigger("photo-label", "Photo of your package "),
    Trigger("phone", "+1 "),
    Trigger("quote", '"'),
    Trigger(
        "german", "Sendungsnummer: Voraussichtliche Lieferung: ", "versandbestaetigung@amazon.de"
    ),
    Trigger("japanese", "お届け予定：伝票番号：", "ship-confirm@amazon.co.jp"),
    Trigger("none", ""),
)

UNITS = (
    Unit("capitals", "A "),
    Unit("capitals-unbroken", "A"),
    Unit("mixed-capitals", "QWERTZ "),
    Unit("full-width-letters", "Ｑ "),
    Unit("full-width-digits", "１ "),
    Unit("digits-spaced", "1 "),
    Unit("digits-unbroken", "1"),
    Unit("digit-groups", "4821 "),
    Unit("dashed-groups", "482-"),
    Unit("alphanumeric", "A1 "),
    Unit("lower-case", "a "),
    Unit("spaces", " "),
    Unit("ideographic-spaces", "\u3000"),
    Unit("em-spaces", "\u2003"),
    Unit("newlines", "\n"),
    Unit("blank-lines", " \n \n"),
    Unit("punctuation", "*."),
    Unit("quotes", '"“'),
    Unit("kana", "お"),
    Unit("cjk-dates", "3月27日"),
    Unit("weekdays", "Monday, "),
    Unit("month-days", "March 27 - "),
    Unit("tracking-numbers", "1Z999AA10123456784 "),
)


def _repeat(unit: str, size: int) -> str:
    """`unit` repeated to about `size` UTF-8 bytes."""
    return unit * max(1, size // max(1, len(unit.encode())))


def email(
    text: str,
    *,
    html_body: str | None = None,
    subject: str = 'Shipped: "USB-C cable"',
    sender: str = "shipment-tracking@amazon.com",
    from_header: str | None = None,
    headers: tuple[str, ...] = (),
    headline: str = "Your package has shipped!",
) -> bytes:
    """A shipping email (or what `subject` and `headline` say): the text as a
    text/plain part and (escaped, or `html_body` as given) an HTML part, both
    naming one order."""
    body_html = html_body if html_body is not None else f"<p>{html.escape(text)}</p>"
    boundary = "hostile-boundary-1"
    lines = [
        f"From: {from_header or f'Amazon <{sender}>'}",
        "To: jane@example.com",
        "Date: Sat, 28 Mar 2026 00:52:18 +0000",
        "Message-ID: <hostile@example.com>",
        f"Subject: {subject}",
        *headers,
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        f"{headline}\nOrder # {ORDER}\n{text}",
        f"--{boundary}",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        f"<html><body><p>{headline}</p><p>Order # {ORDER}</p>{body_html}</body></html>",
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(lines).encode()


def run_email(trigger: Trigger, unit: Unit, size: int) -> bytes:
    """Half the text one long run after the trigger, half the trigger repeated with
    short runs; the same in the HTML part."""
    half = size // 4  # the text appears twice: as plain text and as HTML
    # Each run ends in a character no pattern expects, so a pattern that matched
    # into the run must give it back: where it rescans, this is where it shows.
    long_run = trigger.text + _repeat(unit.text, half) + "!"
    short = trigger.text + unit.text * 8 + "! "
    text = long_run + "\n" + _repeat(short, half)
    return email(text, sender=trigger.sender, subject=trigger.subject, headline=trigger.headline)


# --- structures ------------------------------------------------------------------------


def _track_links(size: int) -> bytes:
    link = '<a href="' + TRACK + '">Track package</a>\n'
    count = max(2, size // len(link.format(order=ORDER, shipment="S0000000")))
    body = "".join(link.format(order=ORDER, shipment=f"S{n:07d}") for n in range(count))
    return email("", html_body=body)


def _links(size: int) -> bytes:
    link = '<a href="https://www.amazon.com/gp/help/{n}">help {n}</a>\n'
    count = max(2, size // len(link))
    return email("", html_body="".join(link.format(n=n) for n in range(count)))


def _products(size: int) -> bytes:
    link = '<a href="https://www.amazon.com/dp/B{n:09d}">Product number {n} of many</a>\n'
    count = max(2, size // len(link))
    return email("", html_body="".join(link.format(n=n) for n in range(count)))


def _orders(size: int) -> bytes:
    count = max(2, size // 140)  # a 70-character line, in the text and the HTML
    text = "\n".join(f"Order # 113-{n:07d}-{n:07d} Arriving tomorrow" for n in range(count))
    return email(text, subject="Ordered: your Amazon.com order", headline="Thanks for your order")


def _photos(size: int) -> bytes:
    image = '<img src="https://m.media-amazon.com/images/{n}.jpg" alt="Photo of your package">\n'
    count = max(2, size // len(image))
    body = "".join(image.format(n=n) for n in range(count))
    return email(
        "", html_body=body, subject="Delivered: cable", headline="Your package was delivered."
    )


def _subject_2047(size: int) -> bytes:
    word = "=?utf-8?q?Shipped=3A_=22cable=22_?="
    return email("Arriving tomorrow", subject=" ".join([word] * max(1, size // (len(word) + 1))))


def _huge_header(size: int) -> bytes:
    results = "Authentication-Results: mx.example.net; dkim=pass header.d=" + "a" * size
    return email("Arriving tomorrow", headers=(results,))


def _many_headers(size: int) -> bytes:
    count = max(1, size // 20)
    return email("Arriving tomorrow", headers=tuple(f"X-Filler-{n}: x" for n in range(count)))


def _mime_nesting(size: int) -> bytes:
    depth = max(2, size // 120)
    head = (
        "From: Amazon <shipment-tracking@amazon.com>\r\nTo: jane@example.com\r\n"
        "Date: Sat, 28 Mar 2026 00:52:18 +0000\r\nMessage-ID: <deep@example.com>\r\n"
        'Subject: Shipped: "USB-C cable"\r\nMIME-Version: 1.0\r\n'
    )
    opening = [
        f'Content-Type: multipart/mixed; boundary="b{n}"\r\n\r\n--b{n}\r\n' for n in range(depth)
    ]
    leaf = f"Content-Type: text/plain\r\n\r\nYour package has shipped! Order # {ORDER}\r\n"
    closing = [f"--b{n}--\r\n" for n in reversed(range(depth))]
    return (head + "".join(opening) + leaf + "".join(closing)).encode()


def _mime_parts(size: int) -> bytes:
    count = max(2, size // 60)
    part = "--b\r\nContent-Type: text/plain\r\n\r\nArriving tomorrow\r\n"
    head = (
        "From: Amazon <shipment-tracking@amazon.com>\r\nTo: jane@example.com\r\n"
        "Date: Sat, 28 Mar 2026 00:52:18 +0000\r\nMessage-ID: <parts@example.com>\r\n"
        'Subject: Shipped: "USB-C cable"\r\nMIME-Version: 1.0\r\n'
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        f"--b\r\nContent-Type: text/plain\r\n\r\nOrder # {ORDER}\r\n"
    )
    return (head + part * count + "--b--\r\n").encode()


def _html_nesting(size: int) -> bytes:
    depth = max(2, size // 12)
    body = "<div>" * depth + "Arriving tomorrow" + "</div>" * depth
    return email("", html_body=body)


def _forward_headers(size: int) -> bytes:
    line = "From: a" + "*" * 200 + "x\n"
    text = "---------- Forwarded message ---------\n" + _repeat(line, size // 2)
    return email(text, sender=FORWARDER, subject="Fwd: Shipped")


STRUCTURES: dict[str, Callable[[int], bytes]] = {
    "track-links": _track_links,
    "links": _links,
    "products": _products,
    "orders": _orders,
    "photos": _photos,
    "subject-rfc2047": _subject_2047,
    "huge-header": _huge_header,
    "many-headers": _many_headers,
    "mime-nesting": _mime_nesting,
    "mime-parts": _mime_parts,
    "html-nesting": _html_nesting,
    "forward-headers": _forward_headers,
}


def classes() -> dict[str, Callable[[int], bytes]]:
    """Every adversarial class by name: each unit after each trigger, and the structures."""
    found: dict[str, Callable[[int], bytes]] = {}
    for unit in UNITS:
        for trigger in TRIGGERS:
            found[f"{unit.name} after {trigger.name}"] = functools.partial(run_email, trigger, unit)
    found.update(STRUCTURES)
    return found


# --- spoofs --------------------------------------------------------------------------

_SPOOF_BODY = f"Your package has shipped!\nOrder # {ORDER}\nArriving tomorrow"
_PASSING_RESULTS = (
    "Authentication-Results: attacker.example; dkim=pass header.d=amazon.com; "
    "dmarc=pass header.from=amazon.com"
)

SPOOFS: dict[str, bytes] = {
    # The address is the attacker's; only the display name is an encoded Amazon address.
    "encoded display name": email(
        _SPOOF_BODY,
        from_header="=?utf-8?q?shipment-tracking=40amazon.com?= <attacker@evil.example>",
    ),
    "encoded address": email(
        _SPOOF_BODY, from_header="<=?utf-8?q?shipment-tracking=40amazon.com?=>"
    ),
    "encoded local part": email(
        _SPOOF_BODY, from_header="Amazon <=?utf-8?q?shipment-tracking?=@amazon.com>"
    ),
    "bare encoded word": email(
        _SPOOF_BODY, from_header="=?utf-8?q?shipment-tracking=40amazon.com?="
    ),
    "display name address": email(
        _SPOOF_BODY, from_header="shipment-tracking@amazon.com <attacker@evil.example>"
    ),
    "two addresses": email(
        _SPOOF_BODY, from_header="shipment-tracking@amazon.com, attacker@evil.example"
    ),
    "look-alike domain": email(_SPOOF_BODY, sender="shipment-tracking@amazon.com.evil.example"),
    "encoded forwarder": email(
        "---------- Forwarded message ---------\nFrom: Amazon <shipment-tracking@amazon.com>\n"
        f"Date: Sat, 28 Mar 2026\nSubject: Shipped: cable\n\n{_SPOOF_BODY}",
        from_header=f"=?utf-8?q?{FORWARDER.replace('@', '=40')}?= <attacker@evil.example>",
        subject="Fwd: Shipped: cable",
    ),
}
"""Emails that must not be claimed as Amazon's."""

FORGED_RESULTS = email(_SPOOF_BODY, headers=(_PASSING_RESULTS,))
"""From Amazon's address, with the sender's own Authentication-Results claiming a
pass, above which the user's server wrote none: not to be claimed where a pass is
required (`require_authentication`, with `AUTHSERV_ID`)."""
