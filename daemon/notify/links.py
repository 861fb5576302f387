"""The carrier's own public tracking page for a parcel, as a link for notifications.

A notification that says "out for delivery" is most useful with a link that opens the
carrier's page for that very parcel (its live map, its delivery window, its "leave
with a neighbour" form). Each carrier has one public URL that takes the tracking
number as a query parameter, a path segment or, for single-page sites, a fragment;
this module keeps them in one table keyed by parcelwatch's carrier slugs.

Some carriers get no link on purpose (see NO_TRACKING_PAGE): Amazon Logistics parcels
are tracked on Amazon's order page, which the email links already; an S10 number
of an unrecognised post ("upu") does not say which post's site to open; and India
Post's tracking page takes the number only through its form. For these and for any
unknown slug, `tracking_url` returns None and the caller shows the number alone.

Sources: the single-parcel link format that each carrier's public tracking site
accepts, as shop and tracking software commonly link it. Carriers redesign these
pages now and then; this table is the one place to update when one moves.
"""

from __future__ import annotations

from types import MappingProxyType
from urllib.parse import quote

from daemon.store.views import ShipmentView
from parsers.amazon.marketplaces import by_domain

__all__ = ["KNOWN_CARRIERS", "NO_TRACKING_PAGE", "shipment_page", "tracking_url"]

_NUMBER = "{number}"

# slug -> the parcel's page, with {number} where the URL-quoted number goes.
# fmt: off
_PAGES = MappingProxyType({
    # North America
    "ups": "https://www.ups.com/track?tracknum={number}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "ontrac": "https://www.ontrac.com/tracking/?number={number}",
    # LaserShip became part of OnTrac, whose page tracks LaserShip numbers.
    "lasership": "https://www.ontrac.com/tracking/?number={number}",
    "canada_post":
        "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}",
    "purolator": "https://www.purolator.com/en/shipping/tracker?pin={number}",
    "estafeta": "https://www.estafeta.com/Herramientas/Rastreo?wayBillType=1&wayBill={number}",
    # Europe
    "dhl": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}&submit=1",
    "deutsche_post":
        "https://www.deutschepost.de/de/s/sendungsverfolgung.html?piececode={number}",
    "hermes": "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#{number}",
    "dpd": "https://tracking.dpd.de/status/en_US/parcel/{number}",
    "gls": "https://gls-group.com/GROUP/en/parcel-tracking?match={number}",
    "royal_mail": "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
    "parcelforce": "https://www.parcelforce.com/track-trace?trackNumber={number}",
    "evri": "https://www.evri.com/track/parcel/{number}",
    "colissimo": "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
    "chronopost":
        "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={number}",
    "poste_italiane": "https://www.poste.it/cerca/index.html#/risultati-spedizioni/{number}",
    # SDA is Poste Italiane's courier; Poste's search finds its waybills too.
    "sda": "https://www.poste.it/cerca/index.html#/risultati-spedizioni/{number}",
    "brt": "https://vas.brt.it/vas/sped_det_show.hsm?referer=sped_numspe_par.htm&Nspediz={number}",
    "correos":
        "https://www.correos.es/es/es/herramientas/localizador/envios/detalle"
        "?tracking-number={number}",
    "seur": "https://www.seur.com/livetracking/?segOnlineIdentificador={number}",
    "postnl": "https://postnl.nl/tracktrace/?B={number}",
    # Dragonfly (Intelcom's brand), which delivers part of amazon.nl's parcels.
    "dragonfly": "https://dragonflyshipping.nl/nl/volg-je-pakket/?tracking-id={number}",
    "bpost": "https://track.bpost.cloud/btr/web/#/search?itemCode={number}",
    "inpost": "https://inpost.pl/sledzenie-przesylek?number={number}",
    "poczta_polska": "https://emonitoring.poczta-polska.pl/?numer={number}",
    "postnord": "https://www.postnord.se/en/our-tools/track-and-trace?shipmentId={number}",
    # South America, Asia, Oceania
    "correios": "https://rastreamento.correios.com.br/app/index.php?objetos={number}",
    "yamato": "https://member.kms.kuronekoyamato.co.jp/parcel/detail?pno={number}",
    "sagawa": "https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo={number}",
    "japan_post":
        "https://trackings.post.japanpost.jp/services/srv/search/direct"
        "?searchKind=S002&locale=ja&reqCodeNo1={number}",
    "australia_post": "https://auspost.com.au/mypost/track/#/details/{number}",
})
# fmt: on

NO_TRACKING_PAGE = MappingProxyType(
    {
        "amazon_logistics": "tracked on Amazon's order page, which the emails link",
        "upu": "an S10 number of an unrecognised post: which post's site is unknown",
        "india_post": "its tracking page takes the number only through a form",
    }
)
"""Carrier slugs that deliberately have no link, and why."""

KNOWN_CARRIERS = frozenset(_PAGES)
"""The carrier slugs that have a tracking page."""


def tracking_url(carrier: str, tracking_number: str) -> str | None:
    """The carrier's public page for this parcel, or None when there is none to give.

    The number is percent-quoted whole (no character is left as a separator), so a
    number with spaces, slashes or "#" stays one value of the URL. An empty number,
    Amazon Logistics (see NO_TRACKING_PAGE) and unknown slugs give None.
    """
    template = _PAGES.get(carrier.strip().lower())
    number = tracking_number.strip()
    if template is None or not number:
        return None
    return template.replace(_NUMBER, quote(number, safe=""))


def shipment_page(view: ShipmentView) -> str | None:
    """Where a person follows a parcel: its Amazon order page on the right
    marketplace, else its carrier's tracking page (the notifications' choice,
    without their privacy mode: Home Assistant and a calendar are the user's own)."""
    market = by_domain(view.marketplace) if view.marketplace else None
    if market and view.order_ids:
        return market.order_url(view.order_ids[0])
    if view.carrier and view.tracking_number:
        return tracking_url(view.carrier, view.tracking_number)
    return None
