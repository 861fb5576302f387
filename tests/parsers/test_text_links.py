"""An email without HTML has no anchors: the addresses written in its text are its
links, so its "Track your package" address names the shipment as an anchor would
(issue 20, amazon_com/forwarded_apple_mail), in every language."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from parsers.model import ShipmentEvent
from tests.support.mail import ORDER, amazon_mail, only_event


def track_url(domain: str, shipment: str) -> str:
    return (
        f"https://www.{domain}/gp/your-account/ship-track?ie=UTF8&orderId={ORDER}"
        f"&packageIndex=0&shipmentId={shipment}"
    )


def redirected(domain: str, url: str) -> str:
    """Amazon's click-tracking redirect around `url`, as its plain-text mails write it."""
    return f"https://www.{domain}/gp/r.html?C=ABC&M=urn:rtn:msg:1&U={quote(url, safe='')}&H=XYZ"


def shipped_event(domain: str, subject: str, text: str, html: str | None = None) -> ShipmentEvent:
    return only_event(amazon_mail(domain, subject, text, sender="shipment-tracking", html=html))


# Each marketplace's plain-text shipping confirmation, its tracking address written
# out under the language's own label, plain or behind the click-tracking redirect.
TEXT_ONLY = [
    ("amazon.com", "Your Amazon.com order has shipped", "Track your package:\n{url}"),
    ("amazon.co.uk", "Your Amazon.co.uk order has been dispatched", "Track your parcel: {url}."),
    ("amazon.de", "Versandt: „USB-Kabel“", "Ihr Paket wurde versandt.\nSendung verfolgen:\n{url}"),
    ("amazon.fr", "Expédié : « Câble USB »",
     "Votre colis a été expédié.\nSuivre votre colis : {url}"),
    ("amazon.it", "Spedito: «Cavo USB»", "Il tuo pacco è stato spedito.\nTraccia il pacco:\n{url}"),
    ("amazon.es", "Enviado: «Cable USB»", "Tu paquete se ha enviado.\nSeguir paquete: <{url}>"),
    ("amazon.nl", 'Verzonden: "USB-kabel"', "Je pakket is verzonden.\nPakket volgen:\n{url}"),
    ("amazon.pl", "Wysłano: „Kabel USB”",
     "Twoja przesyłka została wysłana.\nŚledź przesyłkę: {url}"),
    ("amazon.se", "Skickat: ”USB-kabel”", "Ditt paket har skickats.\nSpåra paket:\n{url}"),
    ("amazon.co.jp", "発送済み: 「USBケーブル」",
     "ご注文の商品を発送しました。\n配送状況を確認\n{url}"),
]  # fmt: skip


@pytest.mark.parametrize(("domain", "subject", "text"), TEXT_ONLY, ids=[c[0] for c in TEXT_ONLY])
@pytest.mark.parametrize("wrapped", [False, True], ids=["plain", "redirect"])
def test_a_text_only_email_names_its_shipment_by_its_written_address(
    domain: str, subject: str, text: str, wrapped: bool
) -> None:
    url = track_url(domain, "Ab3Cd4Ef5")
    written = redirected(domain, url) if wrapped else url
    event = shipped_event(domain, subject, text.format(url=written))
    assert (event.shipment_id, event.package_index, event.order_ids) == ("Ab3Cd4Ef5", 0, (ORDER,))


def test_an_email_with_html_is_identified_by_its_anchors() -> None:
    """Where there is HTML, its anchors are the structure: an address that only the
    plain part writes out names nothing."""
    anchor = f'<a href="{track_url("amazon.com", "Html111")}">Track package</a>'
    html = f"<p>Your package has shipped.</p>{anchor}"
    event = shipped_event(
        "amazon.com",
        "Your Amazon.com order has shipped",
        f"Your package has shipped.\nTrack your package: {track_url('amazon.com', 'Text222')}",
        html=html,
    )
    assert event.shipment_id == "Html111"


def test_a_text_only_email_without_a_tracking_address_names_no_shipment() -> None:
    event = shipped_event(
        "amazon.com",
        "Your Amazon.com order has shipped",
        f"Your package has shipped.\nView your order: https://www.amazon.com/gp/css/"
        f"order-details?orderID={ORDER}",
    )
    assert (event.shipment_id, event.order_ids) == (None, (ORDER,))
