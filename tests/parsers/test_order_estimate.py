"""An order-level event speaks for the whole order: an order confirmation that
announces several deliveries gives the order an estimate from the earliest
delivery to the latest (issue 20, amazon_be/fr_order_confirmation_cp1252), in
every language, while a parcel's own email keeps the one estimate it states."""

from __future__ import annotations

from datetime import date

import pytest

from parsers.model import Eta, Milestone, ShipmentEvent
from tests.support.mail import amazon_mail, only_event

# The deliveries fall on Tuesday 7 April and on Thursday 9 to Friday 10 April; the
# emails are dated Wednesday 1 April.
SPAN = Eta(date(2026, 4, 7), date(2026, 4, 10))


def event_from(domain: str, subject: str, text: str, sender: str = "auto-confirm") -> ShipmentEvent:
    return only_event(amazon_mail(domain, subject, text, sender=sender))


# Each marketplace's order confirmation, with its two deliveries as it writes them.
TWO_DELIVERIES = [
    ("amazon.com", 'Ordered: "USB cable" and 1 more item',
     "Thanks for your order.\nArriving Apr 7\nUSB cable\nArriving Apr 9 - Apr 10\nLamp"),
    ("amazon.com.be", "Votre commande Amazon.com.be de « Câble USB » et 1 autre article",
     "Merci pour votre commande.\nLivraison 1 sur 2\nDate de livraison estimée :\n"
     "mardi 7 avril 2026\nLivraison 2 sur 2\nDate de livraison estimée :\n"
     "jeudi 9 avril 2026 - vendredi 10 avril 2026"),
    ("amazon.fr", "Commandé : « Câble USB » et 1 autre article",
     "Merci pour votre commande.\nArrivée : mardi 7 avril\n"
     "Arrivée : jeudi 9 avril - vendredi 10 avril"),
    ("amazon.de", "Bestellt: „USB-Kabel“ und 1 weiterer Artikel",
     "Danke für Ihre Bestellung.\nZustellung:\nDienstag, 7. April\n"
     "Zustellung:\nDonnerstag, 9. April - Freitag, 10. April"),
    ("amazon.nl", 'Bestelling geplaatst: "USB-kabel" en 1 ander artikel',
     "Bedankt voor je bestelling.\nVerwachte levering: dinsdag 7 april\n"
     "Verwachte levering: donderdag 9 april - vrijdag 10 april"),
    ("amazon.it", "Il tuo ordine Amazon.it di «Cavo USB» e 1 altro articolo",
     "Grazie per il tuo ordine.\nConsegna prevista: martedì 7 aprile\n"
     "Consegna prevista: giovedì 9 aprile - venerdì 10 aprile"),
    ("amazon.es", "Pedido realizado: «Cable USB» y 1 artículo más",
     "Gracias por tu pedido.\nLlegada: martes, 7 de abril\n"
     "Llegada: jueves, 9 de abril – viernes, 10 de abril"),
    ("amazon.com.br", 'Pedido confirmado: "Cabo USB" e mais 1 item',
     "Obrigado pelo seu pedido.\nEntrega prevista: terça-feira, 7 de abril\n"
     "Entrega prevista: quinta-feira, 9 de abril - sexta-feira, 10 de abril"),
    ("amazon.pl", "Zamówione: „Kabel USB” i 1 inny produkt",
     "Dziękujemy za złożenie zamówienia!\nDostawa:\nwtorek, 7 kwietnia\n"
     "Dostawa:\nczwartek, 9 kwietnia – piątek, 10 kwietnia"),
    ("amazon.se", "Beställning bekräftad: ”USB-kabel”",
     "Tack för din beställning.\nBeräknad leverans:\ntisdag 7 april\n"
     "Beräknad leverans:\ntorsdag 9 april – fredag 10 april"),
    ("amazon.co.jp", "注文済み: 「USBケーブル」ほか1点",
     "ご注文ありがとうございます。\nお届け予定:\n4月7日(火)\nお届け予定:\n4月9日(木) - 10日(金)"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("domain", "subject", "text"), TWO_DELIVERIES, ids=[c[0] for c in TWO_DELIVERIES]
)
def test_an_order_in_two_deliveries_is_expected_from_the_first_to_the_last(
    domain: str, subject: str, text: str
) -> None:
    event = event_from(domain, subject, text)
    assert event.milestone is Milestone.ORDERED
    assert event.eta == SPAN


def test_the_later_delivery_may_be_written_first() -> None:
    event = event_from(
        "amazon.com",
        'Ordered: "USB cable" and 1 more item',
        "Thanks for your order.\nArriving Apr 9 - Apr 10\nLamp\nArriving Apr 7\nUSB cable",
    )
    assert event.eta == SPAN


def test_an_order_in_one_delivery_keeps_its_estimate() -> None:
    event = event_from(
        "amazon.com", 'Ordered: "USB cable"', "Thanks for your order.\nArriving Apr 9 - Apr 10"
    )
    assert event.eta == Eta(date(2026, 4, 9), date(2026, 4, 10))


def test_a_parcel_keeps_the_newest_estimate_it_states() -> None:
    """A parcel's own email is not an order-level event: the newer estimate of a
    delay wins over the original, which is never spanned."""
    event = event_from(
        "amazon.com",
        'Delivery update: "USB cable"',
        "Your package is running late.\nNow arriving Apr 9 - Apr 10\n"
        "Previously expected: arriving Apr 7",
        sender="shipment-tracking",
    )
    assert event.milestone is Milestone.DELAYED
    assert event.eta == Eta(date(2026, 4, 9), date(2026, 4, 10))
