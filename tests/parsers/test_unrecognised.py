"""Never a wrong milestone: Amazon mail in a template no rule knows, or whose signals
disagree, is reported as unrecognised (with the orders it names), never guessed.

The invented templates below are what a template change looks like from here: an
Amazon order sender, an order id (or a "Track package" link), and wording that no
table of any language holds. Each must come out `unrecognised`, with no event.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from parsers.model import Milestone, Unread
from parsers.registry import default_registry

REGISTRY = default_registry()
DATE = "Wed, 01 Apr 2026 16:00:00 +0000"


def mail(sender: str, subject: str, text: str, html: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "jane@example.com"
    msg["Subject"] = subject
    msg["Date"] = DATE
    msg["Message-ID"] = "<invented@example.com>"
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg.as_bytes()


def track_html(domain: str, order_id: str, words: str) -> str:
    link = (
        f"https://www.{domain}/gp/r.html?C=X&U=https%3A%2F%2Fwww.{domain}%2Fprogress-tracker"
        f"%2Fpackage%3ForderId%3D{order_id}%26packageIndex%3D0%26shipmentId%3DQx7Tb2Lm"
    )
    return f'<html><body><h1>{words}</h1><p><a href="{link}">&#10140;</a></p></body></html>'


# (case, From, Subject, text, the order the email is about). Wording no rule knows,
# in each language family, from each kind of order sender.
INVENTED = [
    ("en-us", '"Amazon.com" <shipment-tracking@amazon.com>', "Good news about 113-1111111-2222222",
     "Your items are making progress.\nOrder #113-1111111-2222222", "113-1111111-2222222"),
    ("en-uk", '"Amazon.co.uk" <auto-confirm@amazon.co.uk>', "A note on order 202-1111111-2222222",
     "Things are moving along nicely.\nOrder #202-1111111-2222222", "202-1111111-2222222"),
    ("en-hub", '"Amazon Hub" <thehub@amazon.com>', "News from Amazon Hub",
     "Your Amazon Hub has something for order 113-3333333-4444444.", "113-3333333-4444444"),
    ("de", '"Amazon.de" <versandbestaetigung@amazon.de>', "Neuigkeiten zu 302-1111111-2222222",
     "Es tut sich etwas bei deinem Einkauf.\nBestellnummer 302-1111111-2222222",
     "302-1111111-2222222"),
    ("fr", '"Amazon.fr" <confirmation-commande@amazon.fr>', "Du nouveau pour 405-1111111-2222222",
     "Les choses avancent.\nN° de commande 405-1111111-2222222", "405-1111111-2222222"),
    ("it", '"Amazon.it" <conferma-spedizione@amazon.it>', "Aggiornamenti sul 403-1111111-2222222",
     "Le cose si muovono.\nOrdine n. 403-1111111-2222222", "403-1111111-2222222"),
    ("es", '"Amazon.es" <confirmar-envio@amazon.es>', "Novedades de 406-1111111-2222222",
     "Todo avanza.\nN.º de pedido 406-1111111-2222222", "406-1111111-2222222"),
    ("nl", '"Amazon.nl" <shipment-tracking@amazon.nl>', "Nieuws over 404-1111111-2222222",
     "Het schiet op.\nBestelnummer 404-1111111-2222222", "404-1111111-2222222"),
    ("pl", '"Amazon.pl" <shipment-tracking@amazon.pl>', "Wieści o 405-3333333-4444444",
     "Wszystko idzie naprzód.\nNr zamówienia 405-3333333-4444444", "405-3333333-4444444"),
    ("sv", '"Amazon.se" <shipment-tracking@amazon.se>', "Nytt om 408-1111111-2222222",
     "Det går framåt.\nBeställningsnummer 408-1111111-2222222", "408-1111111-2222222"),
    ("pt", '"Amazon.com.br" <shipment-tracking@amazon.com.br>', "Novidades de 701-1111111-2222222",
     "Tudo avança.\nPedido 701-1111111-2222222", "701-1111111-2222222"),
    ("ja", '"Amazon.co.jp" <shipment-tracking@amazon.co.jp>', "250-1111111-2222222 のお知らせ",
     "順調に進んでいます。\n注文番号 250-1111111-2222222", "250-1111111-2222222"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("sender", "subject", "text", "order_id"),
    [pytest.param(*case[1:], id=case[0]) for case in INVENTED],
)
def test_an_invented_template_is_unrecognised_never_a_milestone(
    sender: str, subject: str, text: str, order_id: str
) -> None:
    result = REGISTRY.parse(mail(sender, subject, text))
    assert result.to_json() == {
        "parser": "amazon",
        "error": f"unrecognised: {subject}",
        "events": [],
    }
    assert result.unread is not None
    assert result.unread.order_ids == (order_id,)


def test_a_track_link_alone_makes_an_email_about_an_order() -> None:
    html = track_html("amazon.com", "114-5555555-6666666", "Something happened")
    result = REGISTRY.parse(mail('"Amazon.com" <shipment-tracking@amazon.com>', "Hello", "", html))
    assert result.error == "unrecognised: Hello"
    assert result.unread == Unread(("114-5555555-6666666",), "amazon.com")


CONFLICTS = [
    # The subject says shipped, the body's headline says delivered.
    ("subject-and-body", 'Shipped: "USB cable"',
     "Order #113-1111111-2222222\nYour package was delivered.", None),
    # An order confirmation whose "Track package" link names a shipment: a shipment
    # exists only once a parcel has left, so one of the two signals is wrong.
    ("confirmation-with-shipment", "Your Amazon.com order #113-5555555-6666666", "",
     track_html("amazon.com", "113-5555555-6666666", "Thanks for your order")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("subject", "text", "html"), [pytest.param(*c[1:], id=c[0]) for c in CONFLICTS]
)
def test_signals_that_disagree_are_unrecognised(subject: str, text: str, html: str | None) -> None:
    result = REGISTRY.parse(
        mail('"Amazon.com" <shipment-tracking@amazon.com>', subject, text, html)
    )
    assert (result.parser, result.error, result.events) == (
        "amazon",
        f"unrecognised: {subject}",
        (),
    )


def test_when_the_signals_agree_the_milestone_is_read() -> None:
    text = "Order #113-1111111-2222222\nYour package was delivered."
    result = REGISTRY.parse(mail('"Amazon.com" <shipment-tracking@amazon.com>', "Delivered", text))
    assert [event.milestone for event in result.events] == [Milestone.DELIVERED]


NOT_ABOUT_AN_ORDER = [
    # An order sender writing about no order (no order id, no Track link).
    ("account-notice", '"Amazon.com" <no-reply@amazon.com>', "Your account settings",
     "You changed your notification preferences."),
    # A marketing sender, whatever it says.
    ("marketing", '"Amazon.com" <store-news@amazon.com>', "Deals on 113-1111111-2222222",
     "Order #113-1111111-2222222 is eligible for deals."),
    # A review request the tables know and skip.
    ("review-request", '"Amazon.com" <order-update@amazon.com>', "Rate your purchase",
     "Order #113-1111111-2222222"),
    # A look-alike domain.
    ("look-alike-domain", '"Amazon.com" <shipment-tracking@amazon-orders.example>',
     "Good news about 113-1111111-2222222", "Order #113-1111111-2222222"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("sender", "subject", "text"), [pytest.param(*c[1:], id=c[0]) for c in NOT_ABOUT_AN_ORDER]
)
def test_mail_that_is_not_about_an_order_is_not_claimed(
    sender: str, subject: str, text: str
) -> None:
    assert REGISTRY.parse(mail(sender, subject, text)).to_json() == {
        "parser": None,
        "error": None,
        "events": [],
    }


@pytest.mark.parametrize(
    ("sender", "subject"),
    [
        ('"Amazon.com" <return@amazon.com>', "Your refund for 113-1111111-2222222 is delayed"),
        ('"Amazon.de" <shipment-tracking@amazon.de>', "Deine Erstattung verzögert sich"),
        ('"Amazon.it" <shipment-tracking@amazon.it>', "Il tuo rimborso è in ritardo"),
        ('"Amazon.fr" <shipment-tracking@amazon.fr>', "Votre remboursement est retardé"),
        ('"Amazon.es" <shipment-tracking@amazon.es>', "Tu reembolso está retrasado"),
    ],
)
def test_a_delayed_refund_is_read_as_no_milestone(sender: str, subject: str) -> None:
    """Not "refunded" (the refund has not happened) and not "delayed" (no parcel is)."""
    text = "Order #113-1111111-2222222\nBestellnummer 302-1111111-2222222"
    result = REGISTRY.parse(mail(sender, subject, text))
    assert (result.parser, result.error, result.events) == ("amazon", None, ())


def test_dragonfly_mail_in_unknown_words_is_unrecognised() -> None:
    raw = mail(
        "Dragonfly <notifications@nl.dragonflyinternational.com>",
        "Er is nieuws over je pakket",
        "Hoi Sanne, er is nieuws.\nTrack & trace: AMZNL012345678901",
    )
    result = REGISTRY.parse(raw)
    assert (result.parser, result.error) == (
        "dragonfly",
        "unrecognised: Er is nieuws over je pakket",
    )


def test_dragonfly_mail_without_one_of_its_numbers_is_not_claimed() -> None:
    raw = mail(
        "Dragonfly <notifications@nl.dragonflyinternational.com>",
        "Vandaag bezorgen we je pakket",
        "Hoi Sanne, je pakket wordt vandaag bezorgd.",
    )
    assert REGISTRY.parse(raw).parser is None


def test_a_dragonfly_look_alike_is_rejected() -> None:
    msg = mail(
        "Dragonfly <notifications@nl.dragonflyinternational.com>",
        "Vandaag bezorgen we je pakket",
        "Je pakket wordt vandaag bezorgd.\nTrack & trace: AMZNL012345678901",
    )
    forged = msg.replace(
        b"Subject:",
        b"Authentication-Results: mx.example.nl; dkim=fail "
        b"header.d=nl.dragonflyinternational.com\nSubject:",
        1,
    )
    result = REGISTRY.parse(forged)
    assert result.error is not None and result.error.startswith("rejected: look-alike")
