"""Carrier tracking-page links: the exact URL per carrier, quoting, and coverage."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from daemon.notify.links import KNOWN_CARRIERS, NO_TRACKING_PAGE, tracking_url
from parsers import carrier_names, tracking_numbers

# (slug, number, the page the carrier's site opens for that number). Each URL follows
# the single-parcel link format of the carrier's public tracking site.
CASES = [
    ("ups", "1Z999AA10123456784", "https://www.ups.com/track?tracknum=1Z999AA10123456784"),
    (
        "usps",
        "9400111899223100001234",
        "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223100001234",
    ),
    ("fedex", "123456789012", "https://www.fedex.com/fedextrack/?trknbr=123456789012"),
    ("ontrac", "C11031500001879", "https://www.ontrac.com/tracking/?number=C11031500001879"),
    ("lasership", "1LS717793482164", "https://www.ontrac.com/tracking/?number=1LS717793482164"),
    (
        "canada_post",
        "1234567890123456",
        "https://www.canadapost-postescanada.ca/track-reperage/en"
        "#/search?searchFor=1234567890123456",
    ),
    (
        "purolator",
        "329041222335",
        "https://www.purolator.com/en/shipping/tracker?pin=329041222335",
    ),
    (
        "estafeta",
        "1234567890",
        "https://www.estafeta.com/Herramientas/Rastreo?wayBillType=1&wayBill=1234567890",
    ),
    (
        "dhl",
        "JJD000390007882875",
        "https://www.dhl.com/global-en/home/tracking.html?tracking-id=JJD000390007882875&submit=1",
    ),
    (
        "deutsche_post",
        "RR123456785DE",
        "https://www.deutschepost.de/de/s/sendungsverfolgung.html?piececode=RR123456785DE",
    ),
    (
        "hermes",
        "12345678901231",
        "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#12345678901231",
    ),
    (
        "dpd",
        "09980000020033F",
        "https://tracking.dpd.de/status/en_US/parcel/09980000020033F",
    ),
    (
        "gls",
        "YOXVB8CE",
        "https://gls-group.com/GROUP/en/parcel-tracking?match=YOXVB8CE",
    ),
    (
        "royal_mail",
        "RR123456785GB",
        "https://www.royalmail.com/track-your-item#/tracking-results/RR123456785GB",
    ),
    (
        "parcelforce",
        "PBTM8116601001",
        "https://www.parcelforce.com/track-trace?trackNumber=PBTM8116601001",
    ),
    ("evri", "H01ABC0000000001", "https://www.evri.com/track/parcel/H01ABC0000000001"),
    (
        "colissimo",
        "6A12345678901",
        "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901",
    ),
    (
        "chronopost",
        "XT260262675TS",
        "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT=XT260262675TS",
    ),
    (
        "poste_italiane",
        "CC000000000IT",
        "https://www.poste.it/cerca/index.html#/risultati-spedizioni/CC000000000IT",
    ),
    (
        "brt",
        "123456789012",
        "https://vas.brt.it/vas/sped_det_show.hsm?referer=sped_numspe_par.htm&Nspediz=123456789012",
    ),
    (
        "correos",
        "PQ9988776655ES",
        "https://www.correos.es/es/es/herramientas/localizador/envios/detalle"
        "?tracking-number=PQ9988776655ES",
    ),
    (
        "seur",
        "12345678",
        "https://www.seur.com/livetracking/?segOnlineIdentificador=12345678",
    ),
    ("postnl", "3SKABA000000000", "https://postnl.nl/tracktrace/?B=3SKABA000000000"),
    (
        "dragonfly",
        "AMZNL000123456789",
        "https://dragonflyshipping.nl/nl/volg-je-pakket/?tracking-id=AMZNL000123456789",
    ),
    (
        "sda",
        "6070312345678",
        "https://www.poste.it/cerca/index.html#/risultati-spedizioni/6070312345678",
    ),
    (
        "bpost",
        "323212345678901234567890",
        "https://track.bpost.cloud/btr/web/#/search?itemCode=323212345678901234567890",
    ),
    (
        "inpost",
        "520000012680041086770098",
        "https://inpost.pl/sledzenie-przesylek?number=520000012680041086770098",
    ),
    (
        "poczta_polska",
        "00359007738913296666",
        "https://emonitoring.poczta-polska.pl/?numer=00359007738913296666",
    ),
    (
        "postnord",
        "00370712345678901234",
        "https://www.postnord.se/en/our-tools/track-and-trace?shipmentId=00370712345678901234",
    ),
    (
        "correios",
        "SS123456789BR",
        "https://rastreamento.correios.com.br/app/index.php?objetos=SS123456789BR",
    ),
    (
        "yamato",
        "123456789012",
        "https://member.kms.kuronekoyamato.co.jp/parcel/detail?pno=123456789012",
    ),
    (
        "sagawa",
        "123456789012",
        "https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo=123456789012",
    ),
    (
        "japan_post",
        "123456789012",
        "https://trackings.post.japanpost.jp/services/srv/search/direct"
        "?searchKind=S002&locale=ja&reqCodeNo1=123456789012",
    ),
    (
        "australia_post",
        "33ABC1234567",
        "https://auspost.com.au/mypost/track/#/details/33ABC1234567",
    ),
]


@pytest.mark.parametrize(("carrier", "number", "expected"), CASES, ids=[c[0] for c in CASES])
def test_tracking_url_is_the_carriers_page_for_the_number(
    carrier: str, number: str, expected: str
) -> None:
    assert tracking_url(carrier, number) == expected


def test_every_carrier_with_a_page_has_a_hand_checked_case() -> None:
    assert {carrier for carrier, _, _ in CASES} == KNOWN_CARRIERS


@pytest.mark.parametrize("carrier", sorted(KNOWN_CARRIERS))
def test_every_tracking_page_is_https_and_carries_the_number_once(carrier: str) -> None:
    url = tracking_url(carrier, "NUMBER42")
    assert url is not None
    parts = urlsplit(url)
    assert parts.scheme == "https"
    assert parts.hostname
    assert url.count("NUMBER42") == 1
    assert "{" not in url


@pytest.mark.parametrize(
    ("carrier", "expected"),
    [
        # query parameter
        ("ups", "https://www.ups.com/track?tracknum=AB%2012%2F3%234%3Fx%26y%3D%25"),
        # path segment
        ("evri", "https://www.evri.com/track/parcel/AB%2012%2F3%234%3Fx%26y%3D%25"),
        # fragment of a single-page site
        (
            "royal_mail",
            "https://www.royalmail.com/track-your-item"
            "#/tracking-results/AB%2012%2F3%234%3Fx%26y%3D%25",
        ),
    ],
)
def test_odd_characters_in_the_number_are_quoted_as_one_value(carrier: str, expected: str) -> None:
    assert tracking_url(carrier, "AB 12/3#4?x&y=%") == expected


def test_non_ascii_number_is_quoted_as_utf8() -> None:
    assert tracking_url("yamato", "１２３") == (
        "https://member.kms.kuronekoyamato.co.jp/parcel/detail?pno=%EF%BC%91%EF%BC%92%EF%BC%93"
    )


def test_surrounding_whitespace_and_slug_case_are_ignored() -> None:
    assert tracking_url(" UPS ", " 1Z999AA10123456784\n") == (
        "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    )


@pytest.mark.parametrize("carrier", ["amazon_logistics", "upu", "india_post"])
def test_carriers_without_a_page_give_none(carrier: str) -> None:
    assert carrier in NO_TRACKING_PAGE
    assert tracking_url(carrier, "TBA123456789012") is None


@pytest.mark.parametrize("carrier", ["", "pigeon", "ups_freight", "amazon"])
def test_unknown_carrier_gives_none(carrier: str) -> None:
    assert tracking_url(carrier, "1Z999AA10123456784") is None


@pytest.mark.parametrize("number", ["", "   "])
def test_empty_number_gives_none(number: str) -> None:
    assert tracking_url("ups", number) is None


def test_carriers_with_a_page_and_without_are_apart() -> None:
    assert not KNOWN_CARRIERS & NO_TRACKING_PAGE.keys()
    assert all(reason for reason in NO_TRACKING_PAGE.values())


def test_every_slug_the_number_parser_can_emit_is_covered() -> None:
    # The slugs identify()/find_all() can return: one per format, and the posts that
    # an S10 number's country suffix names.
    emitted = {fmt.carrier for fmt in tracking_numbers._FORMATS}
    emitted |= set(tracking_numbers._S10_POSTS.values())
    assert emitted - KNOWN_CARRIERS - NO_TRACKING_PAGE.keys() == set()


def test_every_slug_an_email_can_name_is_covered() -> None:
    named = set(carrier_names._NAMES.values())
    assert named - KNOWN_CARRIERS - NO_TRACKING_PAGE.keys() == set()
