"""Each fix made for one language holds in its siblings: a phrase fixed in German has
its Dutch, Swedish, Polish... counterparts (issue 15). Small emails, one sentence
each, in the words each marketplace uses."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from parsers.model import Milestone, ShipmentEvent
from parsers.registry import default_registry

REGISTRY = default_registry()

SENDERS = {
    "com": '"Amazon.com" <shipment-tracking@amazon.com>',
    "de": '"Amazon.de" <shipment-tracking@amazon.de>',
    "nl": '"Amazon.nl" <shipment-tracking@amazon.nl>',
    "fr": '"Amazon.fr" <shipment-tracking@amazon.fr>',
    "it": '"Amazon.it" <shipment-tracking@amazon.it>',
    "es": '"Amazon.es" <shipment-tracking@amazon.es>',
    "br": '"Amazon.com.br" <shipment-tracking@amazon.com.br>',
    "pl": '"Amazon.pl" <shipment-tracking@amazon.pl>',
    "se": '"Amazon.se" <shipment-tracking@amazon.se>',
    "jp": '"Amazon.co.jp" <shipment-tracking@amazon.co.jp>',
}
ORDER = "\nOrder # 405-1111111-2222222"


def events(market: str, subject: str, text: str) -> tuple[ShipmentEvent, ...]:
    msg = EmailMessage()
    msg["From"] = SENDERS[market]
    msg["To"] = "someone@example.com"
    msg["Subject"] = subject
    msg["Date"] = "Wed, 01 Apr 2026 08:00:00 +0000"
    msg.set_content(text + ORDER)
    result = REGISTRY.parse(msg.as_bytes())
    assert result.error is None, result.error
    return result.events


def parse(market: str, subject: str, text: str) -> tuple[Milestone, ...]:
    return tuple(event.milestone for event in events(market, subject, text))


def first_event(market: str, subject: str, text: str) -> ShipmentEvent:
    (event,) = events(market, subject, text)
    return event


# The one-time delivery password, said to the driver: a delivery code, never a pickup code.
DELIVERY_CODES = [
    ("com", "Your delivery requires a one-time password",
     "Your package is out for delivery.\nYour one-time password is 482913"),
    ("de", "Einmalpasswort für deine Zustellung",
     "Dein Paket wird heute zugestellt. Dein Einmalpasswort lautet 482913"),
    ("nl", "Je bezorgcode", "Je pakket wordt vandaag bezorgd. Je eenmalige wachtwoord is 482913"),
    ("fr", "Votre mot de passe", "Votre colis est en cours de livraison.\n"
     "Votre mot de passe à usage unique est 482913"),
    ("it", "La tua password", "Il tuo pacco è in consegna.\nLa tua password monouso è 482913"),
    ("es", "Tu contraseña", "Tu paquete está en reparto.\n"
     "Tu contraseña de un solo uso es 482913"),
    ("br", "Sua senha", "Seu pacote saiu para entrega.\nSua senha de uso único é 482913"),
    ("pl", "Twoje hasło", "Przesyłka jest w doręczeniu.\nTwoje hasło jednorazowe to 482913"),
    ("se", "Ditt engångslösenord", "Ditt paket är ute för leverans.\n"
     "Ditt engångslösenord är 482913"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("market", "subject", "text"), DELIVERY_CODES, ids=[c[0] for c in DELIVERY_CODES]
)
def test_the_delivery_password_is_a_delivery_code(market: str, subject: str, text: str) -> None:
    event = first_event(market, subject, text)
    assert event.milestone is Milestone.OUT_FOR_DELIVERY
    assert (event.delivery_code, event.pickup_code) == ("482913", None)


# A failed delivery, as German's "Deine Zustellung wurde versucht" and its siblings say it.
ATTEMPTS = [
    ("de", "Versuchte Zustellung", "Deine Zustellung wurde versucht."),
    ("com", "Delivery update", "A delivery was attempted. We tried to deliver your package."),
    ("nl", "Poging tot bezorging", "We hebben geprobeerd je pakket te bezorgen."),
    ("fr", "Tentative de livraison", "Nous avons tenté de vous livrer."),
    ("es", "Intento de entrega", "Intentamos entregar tu paquete."),
]  # fmt: skip


@pytest.mark.parametrize(("market", "subject", "text"), ATTEMPTS, ids=[c[0] for c in ATTEMPTS])
def test_an_attempted_delivery_in_each_language(market: str, subject: str, text: str) -> None:
    assert parse(market, subject, text) == (Milestone.DELIVERY_ATTEMPTED,)


# The carrier named before the verb, as German and Dutch put it.
CARRIER_BEFORE_VERB = [
    ("de", "Versandt", "Die Sendung wurde mit Hermes versandt.", "hermes"),
    ("de", "Versandt", "Dein Paket wird heute mit DHL zugestellt.", "dhl"),
    ("nl", "Verzonden", "Je pakket is met PostNL verzonden.", "postnl"),
    ("nl", "Verzonden", "Je pakket wordt vandaag met DHL bezorgd.", "dhl"),
    ("it", "Spedito", "Il tuo ordine è stato spedito con il corriere BRT.", "brt"),
    ("fr", "Expédié :", "Votre colis a été expédié avec le transporteur Colissimo.", "colissimo"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("market", "subject", "text", "carrier"),
    CARRIER_BEFORE_VERB,
    ids=[f"{c[0]}-{c[3]}" for c in CARRIER_BEFORE_VERB],
)
def test_the_carrier_is_found_wherever_the_language_puts_it(
    market: str, subject: str, text: str, carrier: str
) -> None:
    assert first_event(market, subject, text).carrier == carrier


# "Your Amazon order has arrived!" and "Consegna effettuata": delivered, not ordered.
ARRIVED = [
    ("com", "Your Amazon order has arrived!", "Your package was delivered."),
    ("it", "Consegna effettuata: il tuo ordine Amazon.it", "Il tuo pacco è stato consegnato."),
    ("de", "Deine Bestellung ist angekommen", "Dein Paket wurde zugestellt."),
    ("es", "Entrega realizada: tu pedido de Amazon.es", "Tu paquete se ha entregado."),
    ("br", "Entrega realizada: seu pedido na Amazon.com.br", "Seu pacote foi entregue."),
    ("fr", "Livraison effectuée : votre commande Amazon.fr", "Votre colis a été livré."),
]  # fmt: skip


@pytest.mark.parametrize(("market", "subject", "text"), ARRIVED, ids=[c[0] for c in ARRIVED])
def test_an_arrival_is_a_delivery_not_an_order(market: str, subject: str, text: str) -> None:
    assert parse(market, subject, text) == (Milestone.DELIVERED,)


def test_a_parcel_that_arrived_at_a_locker_waits_for_pickup() -> None:
    assert parse(
        "com", "Your package has arrived at the Amazon Hub Locker", "Pick up by Friday."
    ) == (Milestone.AVAILABLE_FOR_PICKUP,)


# "Arriving Friday" alone: a shipped parcel; "Arriving today": out for delivery.
ARRIVING = [
    ("com", "Arriving Friday: \"USB cable\"", Milestone.SHIPPED),
    ("com", "Arriving today: \"USB cable\"", Milestone.OUT_FOR_DELIVERY),
    ("it", "Arriverà venerdì: «Cavo USB»", Milestone.SHIPPED),
    ("it", "Arriverà oggi: «Cavo USB»", Milestone.OUT_FOR_DELIVERY),
    ("es", "Llega el viernes: «Cable USB»", Milestone.SHIPPED),
    ("es", "Llega hoy: «Cable USB»", Milestone.OUT_FOR_DELIVERY),
]  # fmt: skip


@pytest.mark.parametrize(
    ("market", "subject", "milestone"), ARRIVING, ids=[f"{c[0]}-{c[2].value}" for c in ARRIVING]
)
def test_an_arriving_subject_alone(market: str, subject: str, milestone: Milestone) -> None:
    assert parse(market, subject, "Track package") == (milestone,)
