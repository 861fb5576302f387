"""Fuzzing the parse entry point: whatever bytes a mailbox holds, `Registry.parse`
returns a result (a parse error in it is allowed) and never raises, and that result
prints the way `parcelwatch parse --json` prints it: one line of valid UTF-8 JSON in
DESIGN.md's shape.

Why: a mailbox holds whatever anyone sent. One mangled or hostile email must not
take the daemon down, and must not make `parse --json` print something a script
reading it cannot load. Three kinds of input: arbitrary bytes; emails built from
random headers, charsets, transfer encodings, multipart trees and HTML around
Amazon's own vocabulary (so the parser claims them and reads deep); and the golden
corpus, damaged the ways real mail is damaged. Runs are derandomized, so CI sees the
same examples every time.
"""

from __future__ import annotations

import base64
import json
import quopri
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from parsers.message import MailMessage, parse_message
from parsers.model import Milestone, ParseResult
from parsers.registry import Registry, default_registry

CORPUS = Path(__file__).resolve().parent.parent / "emails"
GOLDEN = tuple(sorted(CORPUS.rglob("*.eml")))
FORWARDER = "forwarder@example.org"

LINE_KEYS = {"file", "parser", "error", "events"}
EVENT_KEYS = {
    "milestone", "order_ids", "marketplace", "shipment_id", "carrier", "tracking_number",
    "eta", "items", "pickup_code", "pickup_location", "pickup_deadline", "delivery_code",
    "delivery_location", "delivery_photo_url", "occurred_at",
}  # fmt: skip
MILESTONES = {milestone.value for milestone in Milestone}

SENDERS = (
    "shipment-tracking@amazon.com", "auto-confirm@amazon.com", "order-update@amazon.com",
    "ship-confirm@amazon.co.uk", "auto-confirm@amazon.de", "versandbestaetigung@amazon.de",
    "confirmation-commande@amazon.fr", "conferma-spedizione@amazon.it",
    "confirmar-envio@amazon.es", "ship-confirm@amazon.co.jp", "auto-confirm@amazon.in",
    "no-reply@amazon.com.br", "shipment-tracking@marketplace.amazon.de",
    "delivery-notification@amazon.com.au", "store-news@amazon.com",
    "shipment-tracking@amazon.com.evil.example", FORWARDER, "someone@example.org", "",
    "not an address", "@amazon.com", "shipment-tracking@", "a@b@amazon.com",
)  # fmt: skip

ORDER_SENDERS = SENDERS[:14]

# Declared charsets: the usual ones, mislabels, unknown labels, and codecs that are
# no text encoding at all or that decode to odd code points.
CHARSETS = (
    "utf-8", "us-ascii", "iso-8859-1", "latin-1", "windows-1252", "iso-8859-15",
    "shift_jis", "cp932", "iso-2022-jp", "euc-jp", "utf-16", "utf-16-le", "utf-32",
    "koi8-r", "gb2312", "big5", "utf-7", "unicode_escape", "raw_unicode_escape", "idna",
    "rot13", "base64", "hex", "zlib", "unknown-8bit", "x-unknown", "", '"utf-8"',
    "utf-8; format=flowed", "utf-8\x00", "iso-8859-1'en'x", "a" * 300,
)  # fmt: skip

# Encodings to actually write text in; unusable names fall back to UTF-8.
WRITERS = (
    "utf-8", "windows-1252", "shift_jis", "iso-2022-jp", "euc-jp", "utf-16", "utf-7",
    "koi8-r", "gb2312", "unicode_escape",
)  # fmt: skip

DISPOSITIONS: tuple[bytes, ...] = (b"", b"", b"", b"Content-Disposition: attachment\r\n")
TRANSFER_ENCODINGS = ("7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "")

# Words that make the Amazon parser claim a message and read it to the end.
SUBJECTS = (
    "Shipped: \"USB-C cable\" and 1 more item", "Your Amazon.com order #113-1234567-1234567",
    "Out for delivery: USB-C cable", "Delivered: Your Amazon.com order", "Delivery update",
    "Your package is running late", "Ready for pickup", "Delivery attempted",
    "Your order has been cancelled", "Refund issued", "Your return request",
    "Versandbestätigung", "Zugestellt: Ihre Amazon.de-Bestellung", "Commande expédiée",
    "発送のお知らせ", "お届け済み", "Rate your purchase", "Deals for you", "",
)  # fmt: skip
FRAGMENTS = (
    "Order #113-1234567-1234567", "Order # 302-7654321-7654321", "D01-1234567-1234567",
    "113-1234567-12345678", "Your package has shipped.", "Your package was delivered.",
    "Your package is out for delivery.", "Arriving Friday", "Arriving tomorrow",
    "Arriving today", "Now expected March 31 - April 2", "Estimated delivery: 27/03/2026",
    "Arriving 29 February", "Arriving December 31 - January 2", "Arriving 31. April",
    "Voraussichtliche Lieferung: Montag, 30. März", "お届け予定：3月27日",
    "Tracking number 1Z999AA10123456784", "Carrier: UPS", "shipped by Royal Mail",
    "transferred your package to USPS", "Tracking ID: TBA123456789000", "9400111899223197428490",
    "Quantity: 2", "Qty: 999", "Sold by: Amazon", "Your pickup code is 582741",
    "Your delivery OTP is 482913", "photo of your package", "\u202f", "\u00a0", "\ufeff",
    "\r", "\n", "\n\n", "\t", "\x00", "&amp;", "&#xD800;", "&#0;", "&#x110000;", "\ud800",
)  # fmt: skip
URLS = (
    "https://www.amazon.com/gp/your-account/ship-track?orderId=113-1234567-1234567"
    "&shipmentId=Hn4TqWz8k&packageIndex=0",
    "https://www.amazon.com/progress-tracker/package/ref=pe?_encoding=UTF8&orderId="
    "113-1234567-1234567&shipmentId=&packageIndex=\u00b2",
    "https://www.amazon.com/gp/your-account/ship-track?shipmentId=x&packageIndex="
    + "9" * 5000,
    "https://www.amazon.com/gp/r.html?C=1&U=https%3A%2F%2Fwww.amazon.com%2Fgp%2Fcss%2F"
    "order-details%3ForderID%3D113-1234567-1234567",
    "https://www.amazon.com/gp/r.html?U=https%3A%2F%2Fwww.amazon.com%2Fgp%2Fr.html%3FU%3D"
    "%252Fdp%252FB01LZ3TBM8",
    "https://www.amazon.com/gp/r.html?U=%E0%A4%A",
    "https://www.amazon.com/dp/B01LZ3TBM8/ref=pe",
    "https://www.amazon.de/gp/css/order-details?orderID=302-7654321-7654321",
    "https://[::1/broken", "javascript:alert(1)", "", "%",
    "https://m.media-amazon.com/images/I/photo.jpg",
)  # fmt: skip
# What an Amazon email's text part says around whatever else it holds ("{}").
TEXT_ANCHORS = (
    "Your package has shipped.\nOrder #113-1234567-1234567\n{}\nArriving Friday",
    "{}\nYour package was delivered.\nOrder # 113-1234567-1234567 Quantity: 2",
    "Order #113-1234567-1234567\n{}\nOrder #114-7654321-7654321\nArriving tomorrow",
    "Ihr Paket wurde versandt. Bestellung 302-7654321-7654321 {} Zustellung: Montag",
    "注文番号 503-1234567-1234567 {} お届け予定：3月27日",
)
HTML_ANCHORS = (
    '<p>Order #113-1234567-1234567</p><a href="' + URLS[0] + '">Track package</a>{}',
    '{}<a href="' + URLS[1] + '"><img alt="Track"></a><p>Arriving today</p>',
    '<table><tr><td>{}</td><td><a href="' + URLS[3] + '">113-1234567-1234567</a></td></tr>',
)
DATES = (
    "Wed, 25 Mar 2026 14:02:11 +0000", "Sat, 04 Apr 2026 16:20:09 -0700",
    "Sun, 31 Dec 2028 23:59:59 -1200", "Mon, 1 Jan 0001 00:00:00 +0000",
    "Fri, 31 Dec 9999 23:59:59 +2359", "25 Mar 2026 14:02:11 -0000", "not a date",
    "Wed, 32 Mar 2026 25:61:61 +9999", "Thu, 29 Feb 2025 10:00:00 +0100", "",
)  # fmt: skip
AUTH_RESULTS = (
    "mx.example.net; dkim=pass header.i=@amazon.com; dmarc=pass header.from=amazon.com",
    "mx.example.net; dkim=fail header.i=@amazon.com; dmarc=fail header.from=amazon.com",
    "mx.example.net; spf=fail smtp.mailfrom=example.org",
    "mx.example.net; dkim=pass header.d=amazonses.com",
    "mx.example.net;;;; dkim= ; dmarc",
    "",
)  # fmt: skip
TAGS = (
    "div", "p", "span", "table", "tr", "td", "th", "b", "a", "img", "br", "style",
    "script", "head", "title", "li", "center", "font", "svg", "math", "template",
)  # fmt: skip
HTML_BITS = (
    "<!DOCTYPE html>", '<?xml version="1.0" encoding="utf-16"?>', "<!-- comment -->",
    "<![CDATA[x]]>", "</td>", "<", ">", "<a href=", '<img src="', "<p", "</",
    '<meta charset="shift_jis">', "<html xmlns='http://www.w3.org/1999/xhtml'>",
)  # fmt: skip

Draw = st.DrawFn
# Any code point at all, lone surrogates included: UTF-7 and the escape codecs write
# them, and a decoder that declares those charsets gets them back.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=30)


@pytest.fixture(scope="module")
def registries() -> tuple[Registry, Registry]:
    """The registry `parcelwatch parse` uses, and the daemon's with a forwarder and
    authentication required, so forwards and rejections are read as well."""
    return (
        default_registry(),
        default_registry(
            forwarders=(FORWARDER,), require_authentication=True, authserv_id="mx.example.net"
        ),
    )


def fuzz_settings(examples: int) -> Callable[[Any], Any]:
    """Deterministic and without an example database, so CI sees the same run."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- the property -----------------------------------------------------------------


def assert_parses_cleanly(registries: tuple[Registry, Registry], raw: bytes) -> None:
    """Both entry points: `Registry.parse` (what `parse --json` calls) and the
    daemon's path, `parse_message` then `Registry.parse_message`."""
    cli_registry, daemon_registry = registries
    assert_prints_as_json(cli_registry.parse(raw))
    message = parse_message(raw)
    assert_valid_unicode(message)
    assert_prints_as_json(daemon_registry.parse_message(message))


def assert_prints_as_json(result: ParseResult) -> None:
    assert isinstance(result, ParseResult)
    line = {"file": "fuzz.eml", **result.to_json()}
    text = json.dumps(line, ensure_ascii=False)  # exactly as cmd_parse prints it
    text.encode("utf-8")  # a lone surrogate could be neither printed nor stored
    assert "\n" not in text
    assert json.loads(text) == line
    assert_parse_json_shape(line)


def assert_valid_unicode(message: MailMessage) -> None:
    """The decoded view holds text that UTF-8 can encode: the daemon stores the
    subject, sender and Message-ID in the database. (`headers` keeps the raw
    header text, 8-bit bytes escaped, and is only searched.)"""
    texts = [message.subject, message.message_id or "", message.text, message.html]
    texts += [message.html_text]
    texts += [
        part for a in (message.sender, *message.to) if a for part in (a.display_name, a.address)
    ]
    texts += [part for link in message.links for part in (link.text, link.href, link.image_alt)]
    texts += [part for image in message.images for part in (image.src, image.alt)]
    for text in texts:
        text.encode("utf-8")
    for attached in message.attached:
        assert_valid_unicode(attached)


def assert_parse_json_shape(line: dict[str, Any]) -> None:
    """DESIGN.md's `parse --json` interface, field by field."""
    assert set(line) == LINE_KEYS
    assert line["parser"] is None or isinstance(line["parser"], str)
    assert line["error"] is None or isinstance(line["error"], str)
    if line["parser"] is None:
        assert line["events"] == []
    for event in line["events"]:
        assert set(event) == EVENT_KEYS
        assert event["milestone"] in MILESTONES
        assert all(isinstance(order_id, str) for order_id in event["order_ids"])
        for key in ("marketplace", "shipment_id", "carrier", "tracking_number", "pickup_code",
                    "pickup_location", "delivery_code", "delivery_location",
                    "delivery_photo_url"):  # fmt: skip
            assert event[key] is None or isinstance(event[key], str)
        if event["pickup_deadline"] is not None:
            date.fromisoformat(event["pickup_deadline"])
        if event["eta"] is not None:
            start = date.fromisoformat(event["eta"]["start"])
            assert start <= date.fromisoformat(event["eta"]["end"])
        for item in event["items"]:
            assert isinstance(item["title"], str)
            assert isinstance(item["quantity"], int)
        if event["occurred_at"] is not None:
            assert datetime.fromisoformat(event["occurred_at"]).tzinfo is not None


# --- building emails ----------------------------------------------------------------


def encode_text(text: str, codec: str) -> bytes:
    try:
        return text.encode(codec, errors="replace")
    except (LookupError, ValueError, TypeError):  # no such codec, or not a text codec
        return text.encode("utf-8", errors="surrogatepass")


def transfer_encode(data: bytes, encoding: str) -> bytes:
    if encoding == "base64":
        return base64.encodebytes(data)
    if encoding == "quoted-printable":
        return quopri.encodestring(data)
    return data


@st.composite
def prose(draw: Draw) -> str:
    """Text mixing Amazon's vocabulary with anything at all."""
    pieces = draw(
        st.lists(
            st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(SUBJECTS), ANY_TEXT),
            max_size=12,
        )
    )
    return draw(st.sampled_from((" ", "\n", "\r\n", ""))).join(pieces)


def html_leaf() -> st.SearchStrategy[str]:
    return st.one_of(prose(), st.sampled_from(HTML_BITS), st.sampled_from(FRAGMENTS))


def html_node(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    attributes = st.lists(
        st.one_of(
            st.builds(' href="{}"'.format, st.sampled_from(URLS)),
            st.builds(' src="{}"'.format, st.sampled_from(URLS)),
            st.builds(' alt="{}"'.format, st.sampled_from(FRAGMENTS)),
            st.just(" href"),
        ),
        max_size=3,
    ).map("".join)
    closes = st.sampled_from((True, True, False))
    return st.builds(
        lambda tag, attrs, kids, close: (
            f"<{tag}{attrs}>{''.join(kids)}" + (f"</{tag}>" if close else "")
        ),
        st.sampled_from(TAGS),
        attributes,
        st.lists(children, max_size=4),
        closes,
    )


HTML = st.recursive(html_leaf(), html_node, max_leaves=24)


def header_value(draw: Draw, text: str) -> bytes:
    """`text` as a header value: plain, 8-bit raw, or RFC 2047 encoded words."""
    style = draw(st.sampled_from(("plain", "raw", "q", "b", "broken")))
    charset = draw(st.sampled_from(CHARSETS))
    if style == "plain":
        return text.encode("ascii", errors="replace")
    # Written in the declared charset half of the time, in another one otherwise.
    data = encode_text(text, draw(st.sampled_from((charset,) * len(WRITERS) + WRITERS)))
    if style == "raw":
        return data
    if style == "q":
        word = quopri.encodestring(data, header=True).replace(b"\n", b"")
        return b"=?" + charset.encode("ascii", "replace") + b"?Q?" + word + b"?="
    if style == "b":
        word = base64.b64encode(data)
        return b"=?" + charset.encode("ascii", "replace") + b"?B?" + word + b"?="
    return b"=?" + charset.encode("ascii", "replace") + b"?X?" + data[:20] + b"?"


@st.composite
def mime_part(draw: Draw, depth: int, amazonish: bool) -> bytes:
    """One MIME entity (headers and body), possibly a multipart tree. In an
    Amazon-like email every text part names an order and a milestone, so that the
    parser claims it and reads on, through whatever surrounds them."""
    kinds = ("plain", "html", "multipart", "rfc822", "other") if depth > 0 else ("plain", "html")
    kind = draw(st.sampled_from(kinds[:3] if amazonish and depth == 3 else kinds))
    if kind == "multipart":
        boundary = draw(st.sampled_from(("b1", "=_Part_1", "", "x" * 80, "b1 b1", "--")))
        subtype = draw(st.sampled_from(("alternative", "mixed", "related", "digest", "x-odd")))
        parts = draw(st.lists(mime_part(depth - 1, amazonish), max_size=3))
        delimiter = b"\r\n--" + boundary.encode() + b"\r\n"
        body = b"preamble" + b"".join(delimiter + part for part in parts)
        if draw(st.booleans()):
            body += b"\r\n--" + boundary.encode() + b"--\r\n"
        head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n'.encode()
        return head + b"\r\n" + body
    if kind == "rfc822":
        inner = draw(whole_email(depth - 1))
        return b"Content-Type: message/rfc822\r\n\r\n" + inner
    if kind == "other":
        return b"Content-Type: application/octet-stream\r\n\r\n" + draw(st.binary(max_size=64))
    text = draw(HTML) if kind == "html" else draw(prose())
    if amazonish:
        anchors = HTML_ANCHORS if kind == "html" else TEXT_ANCHORS
        text = draw(st.sampled_from(anchors)).format(text)
    declared = draw(
        st.sampled_from(CHARSETS + (("utf-8", "windows-1252") * 8 if amazonish else ()))
    )
    written = draw(st.sampled_from((declared,) * len(WRITERS) + WRITERS))
    encoding = draw(st.sampled_from(TRANSFER_ENCODINGS))
    body = transfer_encode(encode_text(text, written), encoding)
    disposition: bytes = draw(st.sampled_from(DISPOSITIONS))
    return (
        f"Content-Type: text/{kind}; charset={declared}\r\n".encode("utf-8", "surrogatepass")
        + f"Content-Transfer-Encoding: {encoding}\r\n".encode()
        + disposition
        + b"\r\n"
        + body
    )


@st.composite
def whole_email(draw: Draw, depth: int = 3) -> bytes:
    """A random email: its headers, then a random MIME tree. Most are Amazon-like
    (an order sender, a subject that names a milestone); the rest come from anyone."""
    amazonish = draw(st.sampled_from((True, True, True, False)))
    if amazonish:
        sender = draw(st.sampled_from(ORDER_SENDERS))
        subject = (
            draw(st.sampled_from(SUBJECTS)) + draw(st.sampled_from(("", " "))) + draw(ANY_TEXT)
        )
    else:
        sender = draw(st.sampled_from(SENDERS))
        subject = draw(st.one_of(st.sampled_from(SUBJECTS), prose()))
    name = draw(st.sampled_from(("Amazon.com", "Amazon.de", "", '"Amazon', "=?utf-8?Q?=FF?=")))
    lines = [
        b"From: " + header_value(draw, name) + f" <{sender}>".encode(),
        b"Subject: " + header_value(draw, subject),
        b"Date: " + draw(st.sampled_from(DATES)).encode(),
        b"Message-ID: " + header_value(draw, draw(ANY_TEXT)),
        b"Authentication-Results: " + draw(st.sampled_from(AUTH_RESULTS)).encode(),
        b"MIME-Version: 1.0",
    ]
    extra = st.tuples(
        st.sampled_from(("X-Extra", "To", "From", "Content-Type", "Received", " folded")),
        ANY_TEXT,
    )
    for key, value in draw(st.lists(extra, max_size=3)):
        lines.append(key.encode() + b": " + header_value(draw, value))
    head = b"\r\n".join(draw(st.permutations(lines)))
    return head + b"\r\n" + draw(mime_part(depth, amazonish))


# --- damaging real emails -------------------------------------------------------------

Mutation = Callable[[Draw, bytes], bytes]


def _split(data: bytes) -> tuple[list[bytes], bytes, bytes]:
    """Header lines, the separator, and the body of a raw email."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, found, body = data.partition(separator)
        if found:
            return head.split(separator[:-1] if separator == b"\n\n" else b"\r\n"), found, body
    return data.split(b"\n"), b"", b""


def _join(lines: list[bytes], separator: bytes, body: bytes) -> bytes:
    newline = b"\r\n" if separator == b"\r\n\r\n" else b"\n"
    return newline.join(lines) + separator + body


def flip_bytes(draw: Draw, data: bytes) -> bytes:
    if not data:
        return data
    buffer = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(buffer) - 1))
        buffer[at] ^= draw(st.integers(1, 255))
    return bytes(buffer)


def truncate(draw: Draw, data: bytes) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


def delete_header_line(draw: Draw, data: bytes) -> bytes:
    lines, separator, body = _split(data)
    del lines[draw(st.integers(0, len(lines) - 1))]
    return _join(lines, separator, body)


def duplicate_header_line(draw: Draw, data: bytes) -> bytes:
    lines, separator, body = _split(data)
    at = draw(st.integers(0, len(lines) - 1))
    lines.insert(draw(st.integers(0, len(lines))), lines[at])
    return _join(lines, separator, body)


_CHARSET = re.compile(rb'charset\s*=\s*"?[\w.:-]*"?', re.IGNORECASE)
_ENCODED_WORD = re.compile(rb"=\?[^?]*\?", re.IGNORECASE)


def swap_charset(draw: Draw, data: bytes) -> bytes:
    """Declare another charset for a part, or for an encoded word in a header."""
    pattern = draw(st.sampled_from((_CHARSET, _ENCODED_WORD)))
    found = list(pattern.finditer(data))
    if not found:
        return data
    match = found[draw(st.integers(0, len(found) - 1))]
    charset = draw(st.sampled_from(CHARSETS)).encode("utf-8", "surrogatepass")
    replacement = b"charset=" + charset if pattern is _CHARSET else b"=?" + charset + b"?"
    return data[: match.start()] + replacement + data[match.end() :]


_TRANSFER = re.compile(rb"Content-Transfer-Encoding:\s*(base64|quoted-printable)", re.I)
JUNK = (b"=", b"==", b"=Z9", b"=\r\n", b"!@#$", b"\x00", b"====", b"-", b"\xff\xfe", b"=?")


def corrupt_encoded_body(draw: Draw, data: bytes) -> bytes:
    """Damage the body of a base64 or quoted-printable part, or relabel its encoding."""
    found = list(_TRANSFER.finditer(data))
    if not found:
        return data
    match = found[draw(st.integers(0, len(found) - 1))]
    if draw(st.booleans()):
        label = b"quoted-printable" if match.group(1).lower() == b"base64" else b"base64"
        return data[: match.start(1)] + label + data[match.end(1) :]
    at = draw(st.integers(match.end(), len(data)))
    cut = draw(st.integers(0, 16))
    return data[:at] + draw(st.sampled_from(JUNK)) + data[at + cut :]


def nest_as_attachment(draw: Draw, data: bytes) -> bytes:
    """Forward the email as a message/rfc822 attachment (from the forwarder or not)."""
    sender = draw(st.sampled_from((FORWARDER, "someone@example.org", SENDERS[0])))
    return (
        f"From: {sender}\r\nSubject: Fwd: order\r\nDate: {DATES[0]}\r\n".encode()
        + b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="fwd"\r\n\r\n'
        + b"--fwd\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n"
        + b"--fwd\r\nContent-Type: message/rfc822\r\n\r\n"
        + data
        + draw(st.sampled_from((b"\r\n--fwd--\r\n", b"")))
    )


def forward_inline(draw: Draw, data: bytes) -> bytes:
    """Forward the email inline: its raw text quoted under a forwarding header."""
    return (
        f"From: {FORWARDER}\r\nSubject: Fwd: order\r\nDate: {DATES[1]}\r\n".encode()
        + b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        + b"---------- Forwarded message ---------\r\n"
        + draw(st.sampled_from((b"", b"> ", b"*")))
        + data
    )


MUTATIONS: tuple[Mutation, ...] = (
    flip_bytes, truncate, delete_header_line, duplicate_header_line, swap_charset,
    corrupt_encoded_body, nest_as_attachment, forward_inline,
)  # fmt: skip


@st.composite
def damaged_golden(draw: Draw) -> bytes:
    data = draw(st.sampled_from(GOLDEN)).read_bytes()
    for mutate in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3)):
        data = mutate(draw, data)
    return data


# --- what fuzzing found, kept as fixed examples ----------------------------------------


def shipped_email(subject: bytes, content_type: bytes, body: bytes, date: bytes = b"") -> bytes:
    return (
        b'From: "Amazon.com" <shipment-tracking@amazon.com>\r\n'
        + b"Date: "
        + (date or DATES[0].encode())
        + b"\r\nSubject: "
        + subject
        + b"\r\nMessage-ID: <fuzz@example.org>\r\nContent-Type: "
        + content_type
        + b"\r\n\r\n"
        + body
    )


ORDER_TEXT = b"Your package has shipped.\r\nOrder #113-1234567-1234567\r\n"
# A UTF-7 encoded word decodes "+2AA-" to a lone surrogate, which reached the item
# title (from the subject) and made `parse --json` fail to print.
UTF7_SUBJECT = shipped_email(
    b"=?utf-7?Q?Shipped:_=22USB_cable_+2AA-=22?=", b"text/plain; charset=utf-8", ORDER_TEXT
)
# A body declared in an escape codec decodes "\ud800" to a lone surrogate.
ESCAPE_CODEC_BODY = shipped_email(
    b"Shipped: USB cable",
    b"text/plain; charset=unicode_escape",
    ORDER_TEXT + b"1 x USB cable \\udc80\r\n",
)
# A superscript two passes str.isdigit() but not int().
SUPERSCRIPT_PACKAGE_INDEX = shipped_email(
    b"Shipped: USB cable",
    b"text/html; charset=utf-8",
    b"<p>Your package has shipped.</p><a href='" + URLS[1].encode() + b"'>Track package</a>",
)
# A package index larger than any database integer.
HUGE_PACKAGE_INDEX = shipped_email(
    b"Shipped: USB cable",
    b"text/html; charset=utf-8",
    b"<p>Your package has shipped.</p><a href='https://www.amazon.com/gp/your-account/"
    b"ship-track?orderId=113-1234567-1234567&shipmentId=Hn4&packageIndex=99999999999999999999'>"
    b"Track package</a>",
)
# "Arriving Sunday" in an email sent on the last days of the calendar.
LAST_DAY_WEEKDAY = shipped_email(
    b"Shipped: USB cable",
    b"text/plain; charset=utf-8",
    ORDER_TEXT + b"Arriving Sunday\r\n",
    date=b"Fri, 31 Dec 9999 23:59:59 +2359",
)
# One link with an unclosed IPv6 host among the email's links.
BROKEN_IPV6_LINK = shipped_email(
    b"Shipped: USB cable",
    b"text/html; charset=utf-8",
    b"<p>Your package has shipped.</p><p>Order #113-1234567-1234567</p>"
    b"<a href='https://[::1/broken'>Help</a>",
)
FOUND = {
    "utf7-subject": UTF7_SUBJECT,
    "escape-codec-body": ESCAPE_CODEC_BODY,
    "superscript-package-index": SUPERSCRIPT_PACKAGE_INDEX,
    "huge-package-index": HUGE_PACKAGE_INDEX,
    "last-day-weekday": LAST_DAY_WEEKDAY,
    "broken-ipv6-link": BROKEN_IPV6_LINK,
}


@pytest.mark.parametrize("raw", FOUND.values(), ids=FOUND.keys())
def test_what_fuzzing_found_is_read_without_error(
    registries: tuple[Registry, Registry], raw: bytes
) -> None:
    """Each of these once crashed the parser (an error result, the email's events
    lost) or produced output that could not be printed or stored."""
    assert_parses_cleanly(registries, raw)
    result = registries[0].parse(raw)
    assert result.error is None
    (event,) = result.events
    assert event.order_ids == ("113-1234567-1234567",)
    assert event.package_index is None or event.package_index < 2**63


# --- the tests ----------------------------------------------------------------------


def test_the_fuzzed_corpus_is_there() -> None:
    assert len(GOLDEN) >= 100


@fuzz_settings(examples=500)
@given(raw=st.binary(max_size=2048))
def test_arbitrary_bytes_parse_without_raising(
    registries: tuple[Registry, Registry], raw: bytes
) -> None:
    assert_parses_cleanly(registries, raw)


@fuzz_settings(examples=500)
@given(raw=whole_email())
@example(raw=UTF7_SUBJECT)
@example(raw=ESCAPE_CODEC_BODY)
def test_random_emails_parse_without_raising(
    registries: tuple[Registry, Registry], raw: bytes
) -> None:
    assert_parses_cleanly(registries, raw)


@fuzz_settings(examples=700)
@given(raw=damaged_golden())
def test_damaged_golden_emails_parse_without_raising(
    registries: tuple[Registry, Registry], raw: bytes
) -> None:
    assert_parses_cleanly(registries, raw)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\r\n\r\n",
        b"From: shipment-tracking@amazon.com\r\n",
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x\r\n",
        b"Content-Type: message/rfc822\r\n\r\n" * 200,
    ],
    ids=["empty", "blank", "headers-only", "empty-parts", "deep-rfc822"],
)
def test_degenerate_emails_parse_without_raising(
    registries: tuple[Registry, Registry], raw: bytes
) -> None:
    assert_parses_cleanly(registries, raw)
