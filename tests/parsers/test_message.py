"""The decoded view of an email: `parse_message`, `html_content`, `unwrap_redirect`.

Emails are built here with the standard library or written as literal bytes, so
each test states exactly which MIME shape, transfer encoding and charset it covers.
"""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

from parsers.message import (
    Address,
    Image,
    Link,
    MailMessage,
    html_content,
    parse_message,
    unwrap_redirect,
)

SENDER = "Amazon.com <shipment-tracking@amazon.com>"


def _email(subject: str = "Your package has shipped") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = "Jane Doe <jane@example.org>"
    msg["Subject"] = subject
    msg["Date"] = "Wed, 25 Mar 2026 14:02:11 +0000"
    msg["Message-ID"] = "<0100abc@email.amazonses.com>"
    return msg


def _single_part(ctype: str, charset: str, cte: str, body: bytes) -> bytes:
    """A one-part email with exactly these labels, body bytes written as given."""
    return (
        b"From: " + SENDER.encode() + b"\r\n"
        b"Subject: charset test\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: " + ctype.encode() + b"; charset=" + charset.encode() + b"\r\n"
        b"Content-Transfer-Encoding: " + cte.encode() + b"\r\n"
        b"\r\n" + body + b"\r\n"
    )


# --- MIME structure -------------------------------------------------------------------


def test_multipart_alternative_keeps_plain_text_and_html_apart() -> None:
    msg = _email()
    msg.set_content("Hello Jane,\nArriving Friday\n")
    msg.add_alternative(
        "<html><body><p>Hello Jane,</p><p>Arriving <b>Saturday</b></p>"
        '<a href="https://www.amazon.com/track">Track package</a></body></html>',
        subtype="html",
    )
    view = parse_message(msg.as_bytes())
    assert view.text == "Hello Jane,\nArriving Friday"
    assert view.html_text == "Hello Jane,\nArriving Saturday\nTrack package"
    assert "<b>Saturday</b>" in view.html
    assert view.all_text == view.text + "\n" + view.html_text
    assert view.links == (Link("Track package", "https://www.amazon.com/track"),)
    assert view.attached == ()


def test_headers_are_decoded() -> None:
    msg = _email()
    msg["X-Amazon-Rte-Version"] = "2.0"
    msg.set_content("body")
    view = parse_message(msg.as_bytes())
    assert view.subject == "Your package has shipped"
    assert view.sender == Address("Amazon.com", "shipment-tracking@amazon.com")
    assert view.sender.domain == "amazon.com"
    assert view.to == (Address("Jane Doe", "jane@example.org"),)
    assert view.message_id == "<0100abc@email.amazonses.com>"
    assert view.header("x-amazon-rte-version") == ["2.0"]
    assert view.header("X-Not-There") == []


def test_html_only_text_comes_from_the_html() -> None:
    msg = _email()
    msg.set_content(
        "<html><body><h1>Shipped!</h1><div>Arriving <b>Friday</b></div>"
        "<table><tr><td>Qty:</td><td>2</td></tr><tr><th>Total</th><td>$9.99</td></tr></table>"
        "<p>line one<br>line two</p><ul><li>USB-C cable</li><li>Charger</li></ul>"
        "</body></html>",
        subtype="html",
    )
    view = parse_message(msg.as_bytes())
    assert view.text == (
        "Shipped!\nArriving Friday\nQty: 2\nTotal $9.99\nline one\nline two\nUSB-C cable\nCharger"
    )
    assert view.html_text == view.text
    assert view.all_text == view.text


def test_text_only_message_has_no_html() -> None:
    msg = _email()
    msg.set_content("Hello Jane,\n\n\n   Arriving   Friday\n")
    view = parse_message(msg.as_bytes())
    assert view.text == "Hello Jane,\nArriving Friday"
    assert view.html == ""
    assert view.html_text == ""
    assert view.links == ()
    assert view.images == ()


def test_text_attachment_is_not_body_text() -> None:
    msg = _email()
    msg.set_content("Arriving Friday")
    msg.add_attachment("secret invoice text", filename="invoice.txt")
    view = parse_message(msg.as_bytes())
    assert view.text == "Arriving Friday"


def test_attached_message_is_parsed_as_its_own_message() -> None:
    inner = EmailMessage()
    inner["From"] = "Amazon.co.uk <dispatch-confirmation@amazon.co.uk>"
    inner["Subject"] = "Dispatched: USB-C cable"
    inner["Date"] = "Fri, 27 Mar 2026 09:30:00 +0000"
    inner.set_content("Arriving Saturday")
    outer = MIMEMultipart("mixed")
    outer["From"] = "Jane Doe <jane@example.org>"
    outer["Subject"] = "Fwd: Dispatched: USB-C cable"
    outer.attach(MIMEText("See the forwarded email.", "plain", "utf-8"))
    outer.attach(MIMEMessage(inner))

    view = parse_message(outer.as_bytes())
    assert view.subject == "Fwd: Dispatched: USB-C cable"
    assert view.text == "See the forwarded email."
    assert len(view.attached) == 1
    attached = view.attached[0]
    assert isinstance(attached, MailMessage)
    assert attached.subject == "Dispatched: USB-C cable"
    assert attached.sender == Address("Amazon.co.uk", "dispatch-confirmation@amazon.co.uk")
    assert attached.text == "Arriving Saturday"
    assert attached.date == datetime(2026, 3, 27, 9, 30, tzinfo=UTC)


# --- transfer encodings and charsets ----------------------------------------------------


def test_quoted_printable_body() -> None:
    body = b"It=E2=80=99s on its way: arriving Fri=\r\nday, caf=C3=A9 grinder"
    view = parse_message(_single_part("text/plain", "utf-8", "quoted-printable", body))
    assert view.text == "It\u2019s on its way: arriving Friday, caf\u00e9 grinder"


def test_base64_body() -> None:
    msg = _email()
    msg.set_content("Arriving Friday \u2014 caf\u00e9 grinder\n", cte="base64")
    raw = msg.as_bytes()
    assert b"Content-Transfer-Encoding: base64" in raw
    assert parse_message(raw).text == "Arriving Friday \u2014 caf\u00e9 grinder"


def test_base64_html_body() -> None:
    html = "<p>Arriving <b>Friday</b></p><p>Ca\u00f1on</p>".encode()
    body = base64.encodebytes(html)
    view = parse_message(_single_part("text/html", "utf-8", "base64", body))
    assert view.text == "Arriving Friday\nCa\u00f1on"


@pytest.mark.parametrize(
    ("charset", "cte", "body", "expected"),
    [
        pytest.param(
            "utf-8",
            "8bit",
            "Caf\u00e9 \u2713 \u20ac5".encode(),
            "Caf\u00e9 \u2713 \u20ac5",
            id="utf-8",
        ),
        pytest.param(
            "iso-8859-1",
            "8bit",
            b"It\x92s here: \xe9t\xe9",
            "It\u2019s here: \u00e9t\u00e9",
            id="iso-8859-1-read-as-windows-1252",
        ),
        pytest.param(
            "ISO-8859-1", "8bit", b"Fa\xe7ade", "Fa\u00e7ade", id="iso-8859-1-upper-case-label"
        ),
        pytest.param(
            "windows-1252",
            "quoted-printable",
            b"=93Quoted=94 =80 9.99 =96 na=EFve",
            "\u201cQuoted\u201d \u20ac 9.99 \u2013 na\u00efve",
            id="windows-1252-qp",
        ),
        pytest.param(
            "Shift_JIS",
            "base64",
            base64.encodebytes("お届け予定日：3月27日（金）".encode("shift_jis")),
            "お届け予定日：3月27日（金）",
            id="shift-jis-base64",
        ),
        pytest.param(
            "ISO-2022-JP",
            "7bit",
            "ご注文の商品を発送しました。お届け予定：明日".encode("iso2022_jp"),
            "ご注文の商品を発送しました。お届け予定：明日",
            id="iso-2022-jp",
        ),
    ],
)
def test_charsets(charset: str, cte: str, body: bytes, expected: str) -> None:
    view = parse_message(_single_part("text/plain", charset, cte, body))
    assert view.text == expected


def test_iso_2022_jp_html_part() -> None:
    html = "<p>配達予定日</p><p>3月27日</p>".encode("iso2022_jp")
    view = parse_message(_single_part("text/html", "iso-2022-jp", "7bit", html))
    assert view.text == "配達予定日\n3月27日"


def test_rfc2047_encoded_subject() -> None:
    raw = (
        b"From: " + SENDER.encode() + b"\r\n"
        b"Subject: =?utf-8?q?Shipped:_caf=C3=A9_grinder?= and\r\n"
        b" =?utf-8?b?4oCcbW9yZeKAnQ==?=\r\n"
        b"\r\nbody\r\n"
    )
    assert parse_message(raw).subject == "Shipped: caf\u00e9 grinder and \u201cmore\u201d"


def test_rfc2047_iso_2022_jp_subject() -> None:
    encoded = base64.b64encode("発送のお知らせ".encode("iso2022_jp"))
    raw = b"Subject: =?ISO-2022-JP?B?" + encoded + b"?=\r\n\r\nbody\r\n"
    assert parse_message(raw).subject == "発送のお知らせ"


@pytest.mark.parametrize(
    ("label", "text", "codec"),
    [
        # cp932's circled digit and half-width kana are not in strict Shift_JIS.
        ("Shift_JIS", "発送済み: 「ノート①」 ｱﾏｿﾞﾝ", "cp932"),
        # \x81 is undefined in cp1252: the declared Latin-1 still decodes it.
        ("ISO-8859-1", "caf\u00e9 \x81", "latin-1"),
    ],
)
def test_rfc2047_words_outside_the_strict_charset(label: str, text: str, codec: str) -> None:
    encoded = base64.b64encode(text.encode(codec)).decode()
    raw = f"Subject: =?{label}?B?{encoded}?=\r\n\r\nbody\r\n".encode()
    assert parse_message(raw).subject == text


def test_unknown_charset_label_keeps_readable_text() -> None:
    body = "Arriving Friday \u2014 caf\u00e9".encode()
    view = parse_message(_single_part("text/plain", "x-unknown-8bit", "8bit", body))
    assert view.text == "Arriving Friday \u2014 caf\u00e9"


def test_wrong_charset_label_keeps_readable_text() -> None:
    # Labelled UTF-8, written in windows-1252: 0xE9 alone is not valid UTF-8.
    body = b"Caf\xe9 grinder \x96 arriving Friday"
    view = parse_message(_single_part("text/plain", "utf-8", "8bit", body))
    assert view.text == "Caf\u00e9 grinder \u2013 arriving Friday"


def test_wrong_charset_label_on_html_part() -> None:
    body = b"<p>Caf\xe9 grinder</p><p>Arriving Friday</p>"
    view = parse_message(_single_part("text/html", "utf-8", "8bit", body))
    assert view.text == "Caf\u00e9 grinder\nArriving Friday"


def test_non_text_charset_name_does_not_raise() -> None:
    # "rot13" and "base64" are codec names, but not text encodings.
    for label in ("rot13", "base64"):
        view = parse_message(_single_part("text/plain", label, "8bit", b"Arriving Friday"))
        assert view.text == "Arriving Friday"


def test_charset_label_with_nul_byte_does_not_raise() -> None:
    raw = b'Content-Type: text/plain; charset="utf\x00-8"\r\n\r\nArriving Friday\r\n'
    assert parse_message(raw).text == "Arriving Friday"


# --- HTML: text, links, images ----------------------------------------------------------


def test_style_script_and_head_are_not_text() -> None:
    html = (
        "<html><head><title>Amazon.com</title><style>p { color: red; }</style></head>"
        "<body><script>var tracking = 1;</script><p>Arriving Friday</p>"
        "<style>.x { display: none }</style><p>Order #113</p></body></html>"
    )
    text, _, _ = html_content(html)
    assert text == "Arriving Friday\nOrder #113"


def test_links_with_their_text_and_image_alt() -> None:
    html = (
        "<html><body>"
        '<div><a href=" https://www.amazon.com/track?id=1 ">Track <b>package</b></a></div>'
        '<div><a href="https://www.amazon.com/dp/B0001">'
        '<img src="https://m.media-amazon.com/p.jpg" alt=" USB-C cable, 2m "></a></div>'
        '<div><a name="anchor-without-href">not a link</a></div>'
        '<img src="https://m.media-amazon.com/logo.png">'
        "</body></html>"
    )
    text, links, images = html_content(html)
    assert links == (
        Link("Track package", "https://www.amazon.com/track?id=1", ""),
        Link("", "https://www.amazon.com/dp/B0001", "USB-C cable, 2m"),
    )
    assert images == (
        Image("https://m.media-amazon.com/p.jpg", "USB-C cable, 2m"),
        Image("https://m.media-amazon.com/logo.png", ""),
    )
    assert text == "Track package\nnot a link"


def test_html_links_and_images_reach_the_message() -> None:
    msg = _email()
    msg.set_content(
        '<p><a href="https://www.amazon.com/gp/your-account/order-details?orderID=113">'
        'View order</a></p><p><img src="https://img/photo.jpg" alt="Photo of your package">'
        "</p>",
        subtype="html",
    )
    view = parse_message(msg.as_bytes())
    assert view.links == (
        Link("View order", "https://www.amazon.com/gp/your-account/order-details?orderID=113"),
    )
    assert view.images == (Image("https://img/photo.jpg", "Photo of your package"),)


def test_html_entities_and_non_breaking_spaces() -> None:
    text, _, _ = html_content("<p>Arriving&nbsp;Friday &amp; Saturday&#8203;</p>")
    assert text == "Arriving Friday & Saturday"


def test_empty_html_gives_nothing() -> None:
    assert html_content("   ") == ("", (), ())


def test_xhtml_with_encoding_declaration_keeps_text() -> None:
    msg = _email()
    msg.set_content(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Arriving Friday</p>'
        '<a href="https://www.amazon.com/track">Track package</a></body></html>',
        subtype="html",
    )
    view = parse_message(msg.as_bytes())
    assert view.text == "Arriving Friday\nTrack package"
    assert view.links == (Link("Track package", "https://www.amazon.com/track"),)


# --- the Date header --------------------------------------------------------------------


def test_date_with_zone_is_aware() -> None:
    raw = b"Date: Wed, 25 Mar 2026 14:02:11 +0900\r\nSubject: x\r\n\r\nbody\r\n"
    when = parse_message(raw).date
    assert when == datetime(2026, 3, 25, 14, 2, 11, tzinfo=timezone(timedelta(hours=9)))
    assert when is not None
    assert when.utcoffset() == timedelta(hours=9)
    assert when.astimezone(UTC) == datetime(2026, 3, 25, 5, 2, 11, tzinfo=UTC)


def test_date_with_unknown_zone_is_utc() -> None:
    raw = b"Date: Wed, 25 Mar 2026 14:02:11 -0000\r\nSubject: x\r\n\r\nbody\r\n"
    when = parse_message(raw).date
    assert when == datetime(2026, 3, 25, 14, 2, 11, tzinfo=UTC)
    assert when is not None
    assert when.utcoffset() == timedelta(0)


def test_missing_date_is_none() -> None:
    assert parse_message(b"Subject: x\r\n\r\nbody\r\n").date is None


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(b"next Friday", id="words"),
        pytest.param(b"Wed, 25 Mar 2026 25:61:00 +0000", id="hour-25"),
        pytest.param(b"Wed, 25 Mar 99999 10:00:00 +0000", id="year-99999"),
        pytest.param(b"Wed, 25 Mar 2026 10:00:00 +9999", id="offset-too-large"),
    ],
)
def test_unreadable_date_is_none(value: bytes) -> None:
    raw = b"Date: " + value + b"\r\nSubject: still here\r\n\r\nbody\r\n"
    view = parse_message(raw)
    assert view.date is None
    assert view.subject == "still here"


# --- garbage in, never an exception -----------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_random_binary_does_not_raise(seed: int) -> None:
    rng = random.Random(seed)
    raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4000)))
    view = parse_message(raw)
    assert isinstance(view, MailMessage)
    assert isinstance(view.text, str)


def test_empty_message() -> None:
    view = parse_message(b"")
    assert view == MailMessage(
        subject="",
        sender=None,
        to=(),
        date=None,
        message_id=None,
        headers=(),
        text="",
        html="",
        html_text="",
        links=(),
        images=(),
        attached=(),
    )


def test_header_only_message() -> None:
    raw = b"From: " + SENDER.encode() + b"\r\nSubject: Only\r\n  a header\r\n"
    view = parse_message(raw)
    assert view.subject == "Only a header"
    assert view.sender == Address("Amazon.com", "shipment-tracking@amazon.com")
    assert view.text == ""
    assert view.html == ""


def test_broken_multipart_does_not_raise() -> None:
    raw = (
        b"Content-Type: multipart/alternative; boundary=XX\r\n\r\n"
        b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        b"QXJyaXZpbmcgRnJpZGF5!!!not base64\r\n"
        b"--XX\r\nContent-Type: text/html\r\n\r\n<p>Arriving <b>Sat"
    )
    view = parse_message(raw)
    assert view.html_text == "Arriving Sat"


def test_deeply_nested_html_does_not_raise() -> None:
    html = "<html><body><p>Top line</p>" + "<div>" * 5000 + "deep" + "</div>" * 5000
    html += "<p>Bottom line</p></body></html>"
    text, links, images = html_content(html)
    assert text.startswith("Top line")
    assert links == ()
    assert images == ()

    msg = _email()
    msg.set_content(html, subtype="html")
    view = parse_message(msg.as_bytes())
    assert view.text.startswith("Top line")


def test_malformed_from_header_does_not_raise() -> None:
    view = parse_message(b"From: a@\r\nSubject: x\r\n\r\nArriving Friday\r\n")
    assert view.text == "Arriving Friday"
    assert view.sender is None


def test_malformed_to_header_does_not_raise() -> None:
    view = parse_message(b'To: "\r\nSubject: x\r\n\r\nArriving Friday\r\n')
    assert view.text == "Arriving Friday"
    assert view.to == ()


# --- Amazon's click-tracking redirect ---------------------------------------------------


def test_unwrap_redirect_follows_amazon_r_html() -> None:
    href = (
        "https://www.amazon.com/gp/r.html?C=2KXO8JCOTB5QF&K=3BK2IIV7VMPN0&M=urn:rtn:msg:1"
        "&R=1RHCS5YSK7NT1&T=C&U=https%3A%2F%2Fwww.amazon.com%2Fprogress-tracker%2Fpackage"
        "%2Fref%3Dpe_tracker%3F_encoding%3DUTF8%26orderId%3D113-1234567-1234567"
        "%26shipmentId%3DAbCdEf123&H=HASHVALUE&ref_=pe_track"
    )
    assert unwrap_redirect(href) == (
        "https://www.amazon.com/progress-tracker/package/ref=pe_tracker?_encoding=UTF8"
        "&orderId=113-1234567-1234567&shipmentId=AbCdEf123"
    )


def test_unwrap_redirect_target_first_parameter() -> None:
    href = "https://www.amazon.co.uk/gp/f.html?U=https%3A%2F%2Fwww.amazon.co.uk%2Fyo&H=X"
    assert unwrap_redirect(href) == "https://www.amazon.co.uk/yo"


@pytest.mark.parametrize(
    "href",
    [
        pytest.param(
            "https://www.amazon.com/gp/your-account/order-details?orderID=113-1234567-1234567",
            id="ordinary-amazon-link",
        ),
        pytest.param(
            "https://example.com/track?id=1&U=https%3A%2F%2Fevil.example", id="u-param-elsewhere"
        ),
        pytest.param("https://www.amazon.com/gp/r.html?C=1&H=2", id="redirect-without-target"),
        pytest.param("mailto:help@amazon.com", id="mailto"),
    ],
)
def test_unwrap_redirect_leaves_other_links_unchanged(href: str) -> None:
    assert unwrap_redirect(href) == href
