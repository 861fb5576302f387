"""Tracking-number formats, check digits, hints, and finding numbers in mail text.

Every valid number below either comes from a published example (named in its comment)
or has its check digit worked out by hand in the comment, so a wrong algorithm cannot
pass by agreeing with itself. Each carrier also has numbers that must be rejected.
"""

from __future__ import annotations

import pytest

from parsers.tracking_numbers import TrackingNumber, identify, normalise
from parsers.tracking_text import find_all

# --------------------------------------------------------------------------------------
# Valid numbers: (number, expected carrier, keyword arguments for identify)
# --------------------------------------------------------------------------------------

VALID = [
    # UPS's own documented example. After "1Z": 9 9 9 A=2 A=2 1 0 1 2 3 4 5 6 7 8.
    # Odd positions 9+9+2+0+2+4+6+8 = 40, even 9+2+1+1+3+5+7 = 28, x2 = 56.
    # 40 + 56 = 96, check = 10 - 6 = 4.
    pytest.param("1Z999AA10123456784", "ups", {}, id="ups-documented"),
    # tracking_number_data example. 5 R=9 8 9 3 9 0 3 5 7 5 6 7 1 2: odd 5+8+3+0+5+5+7+2
    # = 35, even 9+9+9+3+7+6+1 = 44, x2 = 88; 123 -> check 7.
    pytest.param("1Z5R89390357567127", "ups", {}, id="ups-letters"),
    # FedEx Express 12: 9 8 6 5 7 8 7 8 8 8 5 x 3 1 7 3 1 7 3 1 7 3 1
    # = 27+8+42+15+7+56+21+8+56+24+5 = 269; 269 mod 11 = 5 -> check 5.
    pytest.param("986578788855", "fedex", {}, id="fedex-express-12"),
    # 4 7 7 1 7 9 0 8 1 2 3 x 3 1 7 ... = 12+7+49+3+7+63+0+8+7+6+3 = 165; mod 11 = 0.
    pytest.param("477179081230", "fedex", {}, id="fedex-express-12-zero"),
    # FedEx Ground 15, GS1 from the right: 6 9 8 2 2 0 6 7 1 4 4 1 4 0 x 3 1 3 1 ...
    # = 18+9+24+2+6+0+18+7+3+4+12+1+12+0 = 116 -> check 4.
    pytest.param("041441760228964", "fedex", {}, id="fedex-ground-15"),
    # FedEx Ground 96: GS1 over the last 15 digits 98765431234567|2, from the right
    # 7 6 5 4 3 2 1 3 4 5 6 7 8 9 x 3 1 ... = 21+6+15+4+9+2+3+3+12+5+18+7+24+9 = 138 -> 2.
    pytest.param("9611020987654312345672", "fedex", {}, id="fedex-ground-96"),
    # FedEx SmartPost as printed (no "92"); the check includes the "92":
    # 926129999882082117181 from the right x 3 1 ... = 199 -> check 1.
    pytest.param("61299998820821171811", "fedex", {}, id="fedex-smartpost-20"),
    # USPS IMpb 22: 940011120108080548301 from the right 1 0 3 8 4 5 0 8 0 8 0 1 0 2 1 1 1 0
    # 0 4 9 x 3 1 ... = 3+0+9+8+12+5+0+8+0+8+0+1+0+2+3+1+3+0+0+4+27 = 94 -> check 6.
    pytest.param("9400111201080805483016", "usps", {}, id="usps-impb-94"),
    pytest.param("9505511069605048600624", "usps", {}, id="usps-impb-95"),  # published example
    # "420" + ZIP 22153 + the IMpb 9101026837331000039521 (published example).
    pytest.param("420221539101026837331000039521", "usps", {}, id="usps-420-zip5"),
    # "420" + ZIP+4 100233424 + 9200190132607600833457 (published example).
    pytest.param("4201002334249200190132607600833457", "usps", {}, id="usps-420-zip9"),
    pytest.param("03071790000523483741", "usps", {}, id="usps-20"),  # published example
    # UPU S10, weights 8 6 4 2 3 5 9 7. RB 12345678: 8+12+12+8+15+30+63+56 = 204;
    # 204 mod 11 = 6; 11 - 6 = 5 (the UPU's own example, here with GB).
    pytest.param("RB123456785GB", "royal_mail", {}, id="royal-mail-s10"),
    # 00300000: 3 x 4 = 12; 12 mod 11 = 1; 11 - 1 = 10, which becomes 0.
    pytest.param("RB003000000GB", "royal_mail", {}, id="royal-mail-s10-ten-to-zero"),
    # 11111111: 8+6+4+2+3+5+9+7 = 44; 44 mod 11 = 0; 11 - 0 = 11, which becomes 5.
    pytest.param("EA111111115US", "usps", {}, id="usps-s10-eleven-to-five"),
    # 12345670: 8+12+12+8+15+30+63+0 = 148; 148 mod 11 = 5; 11 - 5 = 6.
    pytest.param("RN123456706CA", "canada_post", {}, id="canada-post-s10"),
    # 00000001: 1 x 7 = 7; 11 - 7 = 4.
    pytest.param("EJ000000014JP", "japan_post", {}, id="japan-post-s10"),
    pytest.param("RR000000014DE", "deutsche_post", {}, id="deutsche-post-s10"),
    pytest.param("RR123456785DE", "deutsche_post", {}, id="deutsche-post-s10-2"),
    # 20000000: 2 x 8 = 16; 16 mod 11 = 5; 11 - 5 = 6.
    pytest.param("CP200000006AU", "australia_post", {}, id="australia-post-s10"),
    pytest.param("RR123456785AU", "australia_post", {}, id="australia-post-s10-2"),
    # 99999999: 9 x 44 = 396 = 36 x 11, remainder 0 -> 5. China has no slug of its own.
    pytest.param("EE999999995CN", "upu", {}, id="upu-s10-china"),
    pytest.param("LZ123456785FR", "upu", {}, id="upu-s10-france"),
    # DHL Express: 331881002 = 7 x 47411571 + 5 -> check 5 (published example).
    pytest.param("3318810025", "dhl", {}, id="dhl-express"),
    # 848713550 = 7 x 121244792 + 6 -> check 6.
    pytest.param("8487135506", "dhl", {}, id="dhl-express-2"),
    # DHL 20 digits, published by paketda.de: SSCC 340433836442636597, GS1 check 7.
    pytest.param("00340433836442636597", "dhl", {}, id="dhl-sscc"),
    # 0034043416123456789|?: from the right 9 8 7 6 5 4 3 2 1 6 1 4 3 4 0 4 3 0 0 x 3 1 ...
    # = 27+8+21+6+15+4+9+2+3+6+3+4+9+4+0+4+9+0+0 = 134 -> check 6.
    pytest.param("00340434161234567896", "dhl", {}, id="dhl-sscc-2"),
    pytest.param("JJD0099999999", "dhl", {}, id="dhl-piece-id"),  # DHL's own example
    pytest.param("JJD1410302937991", "dhl", {}, id="dhl-piece-id-paketda"),
    pytest.param("GM2951173225174494", "dhl", {}, id="dhl-ecommerce"),
    # DHL Paket Identcode (paketda.de example): 2 0 1 2 9 8 4 5 2 2 7 x 4 9 4 9 ...
    # = 8+0+4+18+36+72+16+45+8+18+28 = 253 -> check 7. FedEx also validates (see below).
    pytest.param("201298452277", "dhl", {"country": "DE"}, id="dhl-identcode"),
    # Lobster's documented "checksum DHL" example: 4 2 8 0 0 1 3 6 9 7 1 x 4 9 4 9 ...
    # = 16+18+32+0+0+9+12+54+36+63+4 = 244 -> check 6.
    pytest.param("428001369716", "dhl", {"country": "DE"}, id="dhl-identcode-2"),
    pytest.param("TBA321677302718", "amazon_logistics", {}, id="amazon-tba"),
    pytest.param("TBC123456789012", "amazon_logistics", {}, id="amazon-tbc"),
    pytest.param("TBM123456789012", "amazon_logistics", {}, id="amazon-tbm"),
    pytest.param("QA1234567890", "amazon_logistics", {"country": "GB"}, id="amazon-uk-qa"),
    # OnTrac: C=4 1 1 0 3 1 5 0 0 0 0 1 8 7: odd 4+1+3+5+0+0+8 = 21, even 1+0+1+0+0+1+7
    # = 10, x2 = 20; 41 -> check 9.
    pytest.param("C11031500001879", "ontrac", {}, id="ontrac-c"),
    # D=5 1 0 0 1 1 3 5 4 4 5 3 7 0: odd 5+0+1+3+4+5+7 = 25, even 1+0+1+5+4+3+0 = 14,
    # x2 = 28; 53 -> check 7.
    pytest.param("D10011354453707", "ontrac", {}, id="ontrac-d"),
    pytest.param("1LS717793482164", "lasership", {}, id="lasership-1ls"),  # published
    pytest.param("1LS724505321754", "lasership", {}, id="lasership-1ls-2"),  # published
    pytest.param("LX17635036", "lasership", {}, id="lasership-lx"),  # published
    # Evri has no check digit; the carrier must be named.
    pytest.param("6012345678901234", "evri", {"carrier_hint": "Evri"}, id="evri-digits"),
    pytest.param("H00A1A0012345678", "evri", {"carrier_hint": "Hermes"}, id="evri-h"),
    # Hermes Germany (paketda.de example): 0913313153072 from the right 2 7 0 3 5 1 3 1 3
    # 3 1 9 0 x 3 1 ... = 6+7+0+3+15+1+9+1+9+3+3+9+0 = 66 -> check 4.
    pytest.param("09133131530724", "hermes", {"carrier_hint": "Hermes"}, id="hermes-de"),
    # 1234567890123 from the right 3 2 1 0 9 8 7 6 5 4 3 2 1 x 3 1 ...
    # = 9+2+3+0+27+8+21+6+15+4+9+2+3 = 109 -> check 1.
    pytest.param("12345678901231", "hermes", {"carrier_hint": "Hermes"}, id="hermes-de-2"),
    # DPD (paketda.de example "01015026003653c"). ISO 7064 Mod 37,36, starting at 36;
    # per character: (p + value) mod 36 (0 -> 36), times 2 mod 37, giving
    # 35 35 33 31 35 33 33 6 12 24 17 9 28 25; check = (37 - 25) mod 36 = 12 = "C".
    pytest.param("01015026003653C", "dpd", {}, id="dpd-check-letter"),
    # 09980000020033: 35 16 13 5 10 20 3 6 12 28 19 1 8 22; (37 - 22) mod 36 = 15 = "F".
    pytest.param("09980000020033F", "dpd", {}, id="dpd-check-letter-2"),
    pytest.param("01015026003653", "dpd", {"carrier_hint": "DPD"}, id="dpd-without-check"),
    # Canada Post 16, GS1: 0 6 4 1 4 9 3 0 0 1 2 3 2 0 7 from the right x 3 1 ...
    # = 0+6+12+1+12+9+9+0+0+1+6+3+6+0+21 = 86 -> check 4.
    pytest.param("7023210039414604", "canada_post", {}, id="canada-post-16"),
    # 9 2 9 4 5 0 0 0 8 3 9 3 7 0 0 x 3 1 ... = 27+2+27+4+15+0+0+0+24+3+27+3+21+0+0 = 153 -> 7.
    pytest.param("0073938000549297", "canada_post", {}, id="canada-post-16-2"),
    # Yamato: 12345678901 mod 7 = 3 (the worked example of nanoappli.com).
    pytest.param("123456789013", "yamato", {"country": "JP"}, id="yamato"),
    # 20096118543 = 7 x 2870874077 + 4 -> check 4.
    pytest.param("200961185434", "yamato", {"carrier_hint": "ヤマト運輸"}, id="yamato-hint"),
    pytest.param("123456789013", "sagawa", {"carrier_hint": "佐川急便"}, id="sagawa"),
    pytest.param("200961185434", "sagawa", {"carrier_hint": "Sagawa"}, id="sagawa-2"),
    pytest.param("123456789013", "japan_post", {"carrier_hint": "日本郵便"}, id="japan-post-12"),
    # Japan Post registered mail "131-12-38385-2": 1311238385 mod 7 = 2.
    pytest.param("13112383852", "japan_post", {}, id="japan-post-11"),
]


@pytest.mark.parametrize(("number", "carrier", "kwargs"), VALID)
def test_identify_recognises_valid_number(
    number: str, carrier: str, kwargs: dict[str, str]
) -> None:
    assert identify(number, **kwargs) == TrackingNumber(carrier, number)


# --------------------------------------------------------------------------------------
# Numbers that must be rejected: a wrong check digit, a wrong shape, or no hint where
# the format has no check digit of its own.
# --------------------------------------------------------------------------------------

INVALID = [
    pytest.param("1Z999AA10123456785", {}, id="ups-check"),
    pytest.param("1Z5R89390357567128", {}, id="ups-check-2"),
    pytest.param("1Z999AA1012345678", {}, id="ups-too-short"),
    pytest.param("986578788854", {}, id="fedex-express-check"),
    pytest.param("568283610012732", {}, id="fedex-ground-check"),
    pytest.param("9611020987654312345673", {}, id="fedex-96-check"),
    pytest.param("9400111201080805483017", {}, id="usps-check"),
    pytest.param("420221539101026837331000039522", {}, id="usps-420-check"),
    pytest.param("RB123456786GB", {}, id="royal-mail-check"),
    pytest.param("RB123456785XX", {}, id="s10-unknown-country"),
    pytest.param("CP200000007AU", {}, id="australia-post-check"),
    pytest.param("EE999999994CN", {}, id="upu-check"),
    pytest.param("RN123456707CA", {}, id="canada-post-s10-check"),
    pytest.param("RR000000015DE", {}, id="deutsche-post-s10-check"),
    pytest.param("3318810010", {}, id="dhl-express-check"),
    pytest.param("00340433836442636598", {}, id="dhl-sscc-check"),
    pytest.param("201298452276", {"country": "DE"}, id="dhl-identcode-check"),
    pytest.param("TBA32167730271", {}, id="amazon-too-short"),
    pytest.param("TBB123456789012", {}, id="amazon-prefix"),
    pytest.param("QA1234567890", {}, id="amazon-qa-needs-gb-or-hint"),
    pytest.param("QA1234567890", {"country": "US"}, id="amazon-qa-not-us"),
    pytest.param("C11031500001889", {}, id="ontrac-check"),
    pytest.param("D10011354453708", {}, id="ontrac-check-2"),
    pytest.param("1LS734505321754", {}, id="lasership-shape"),
    pytest.param("LZ17635036", {}, id="lasership-letter"),
    pytest.param("6012345678901234", {}, id="evri-needs-hint"),
    pytest.param("H00A1A001234567", {"carrier_hint": "Evri"}, id="evri-too-short"),
    pytest.param("01015026003653D", {}, id="dpd-check"),
    pytest.param("01015026003653", {}, id="dpd-without-check-needs-hint"),
    pytest.param("09133131530725", {"carrier_hint": "Hermes"}, id="hermes-check"),
    pytest.param("0073938000549292", {}, id="canada-post-check"),
    pytest.param("123456789014", {"country": "JP"}, id="yamato-check"),
    pytest.param("200961185435", {"carrier_hint": "佐川急便"}, id="sagawa-check"),
    pytest.param("13112383853", {}, id="japan-post-11-check"),
    pytest.param("113-1234567-1234567", {}, id="amazon-order-id"),
    pytest.param("", {}, id="empty"),
    pytest.param("hello world", {}, id="words"),
]


@pytest.mark.parametrize(("number", "kwargs"), INVALID)
def test_identify_rejects_invalid_number(number: str, kwargs: dict[str, str]) -> None:
    assert identify(number, **kwargs) is None


# --------------------------------------------------------------------------------------
# Ambiguous formats: hints and the marketplace's country decide.
# --------------------------------------------------------------------------------------

# 100000001010 passes both FedEx Express (1x3 + 1x7 + 1x1 = 11; 11 mod 11 = 0) and the
# Japanese mod 7 (10000000101 = 7 x 1428571443, remainder 0).
AMBIGUOUS = [
    pytest.param("100000001010", {}, "fedex", id="12-digits-default-fedex"),
    pytest.param("100000001010", {"country": "JP"}, "yamato", id="12-digits-jp-yamato"),
    pytest.param("100000001010", {"country": "jp"}, "yamato", id="12-digits-jp-lower-case"),
    pytest.param("100000001010", {"carrier_hint": "佐川急便"}, "sagawa", id="12-digits-sagawa"),
    pytest.param(
        "100000001010", {"carrier_hint": "日本郵便"}, "japan_post", id="12-digits-japan-post"
    ),
    pytest.param(
        "100000001010", {"carrier_hint": "ゆうパック", "country": "JP"}, "japan_post", id="yu-pack"
    ),
    pytest.param(
        "100000001010",
        {"carrier_hint": "FedEx", "country": "JP"},
        "fedex",
        id="12-digits-hint-beats-country",
    ),
    pytest.param(
        "100000001010",
        {"carrier_hint": "UPS", "country": "JP"},
        "yamato",
        id="12-digits-hint-that-does-not-validate-is-ignored",
    ),
    pytest.param("100000001010", {"carrier_hint": "yamato"}, "yamato", id="12-digits-slug"),
    # 201298452277: FedEx (2x3+0+1x7+2x3+9+8x7+4x3+5+2x7+2x3+7 = 128; mod 11 = 7) and the
    # DHL Identcode (253 -> 7, above) both validate.
    pytest.param("201298452277", {}, "fedex", id="identcode-default-fedex"),
    pytest.param("201298452277", {"country": "DE"}, "dhl", id="identcode-de-dhl"),
    pytest.param("201298452277", {"carrier_hint": "DHL Paket"}, "dhl", id="identcode-hint"),
    # A full 22-digit IMpb starting 92 reads as USPS and as FedEx SmartPost.
    pytest.param("9261292700768711948021", {}, "usps", id="impb-92-default-usps"),
    pytest.param(
        "9261292700768711948021", {"carrier_hint": "FedEx SmartPost"}, "fedex", id="impb-fedex"
    ),
    # 100000000000023: FedEx Ground (GS1: 2x3 + 1x1 = 7 -> 3) and DPD (Mod 37,36 -> "3").
    pytest.param("100000000000023", {}, "fedex", id="15-digits-default-fedex"),
    pytest.param("100000000000023", {"country": "DE"}, "dpd", id="15-digits-de-dpd"),
    pytest.param("QA1234567890", {"carrier_hint": "Amazon"}, "amazon_logistics", id="qa-hint"),
    pytest.param(
        "QA1234567890", {"carrier_hint": "amazon_logistics"}, "amazon_logistics", id="qa-slug"
    ),
    # Canada Post's check validates; naming Evri (no check digit) still wins.
    pytest.param("7023210039414604", {"carrier_hint": "Evri"}, "evri", id="16-digits-evri"),
    pytest.param("09133131530724", {"carrier_hint": "DPD"}, "dpd", id="14-digits-dpd"),
    pytest.param("RB123456785GB", {"carrier_hint": "Royal Mail"}, "royal_mail", id="rm-hint"),
    pytest.param("1Z999AA10123456784", {"carrier_hint": "Amazon"}, "ups", id="ups-not-amazon"),
]


@pytest.mark.parametrize(("number", "kwargs", "carrier"), AMBIGUOUS)
def test_identify_settles_ambiguity_with_hint_and_country(
    number: str, kwargs: dict[str, str], carrier: str
) -> None:
    result = identify(number, **kwargs)
    assert result is not None
    assert result.carrier == carrier


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(" 1z 999 aa1 01 2345 6784 ", "1Z999AA10123456784", id="spaces-lower-case"),
        pytest.param("4470-1234-5671", "447012345671", id="dashes"),
        pytest.param("１２３４－５６７８－９０１３", "123456789013", id="full-width"),
        pytest.param("9400\u00a01112\u20130108", "940011120108", id="nbsp-en-dash"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_identify_accepts_grouped_and_full_width_input() -> None:
    assert identify("1z 999 aa1 01 2345 6784") == TrackingNumber("ups", "1Z999AA10123456784")
    assert identify("１２３４－５６７８－９０１３", country="JP") == TrackingNumber(
        "yamato", "123456789013"
    )


# --------------------------------------------------------------------------------------
# find_all on email text.
# --------------------------------------------------------------------------------------

US_SHIPPED = """\
Hello Jane,
Your package has shipped! Arriving Friday, March 27.
Order #113-1234567-1234567
Shipped with UPS
Tracking ID: 1Z999AA10123456784
Item Subtotal: $23.99  Order Total: $1,026.41
Need help? Call 1-888-280-4331 or +1 206-266-1000.
"""

FOUND = [
    pytest.param(US_SHIPPED, None, [("ups", "1Z999AA10123456784")], id="en-us-ups"),
    pytest.param(
        "Tracking number: 1Z 999 AA1 01 2345 6784\nUSPS Tracking #: 9400 1000 0000 0000 0000 06",
        "US",
        # 940010000000000000000: counting from the right, the non-zero digits are 1 at
        # position 17 (x3), 4 at 20 (x1) and 9 at 21 (x3): 3 + 4 + 27 = 34 -> check 6.
        [("ups", "1Z999AA10123456784"), ("usps", "9400100000000000000006")],
        id="grouped-with-spaces",
    ),
    pytest.param(
        "Ihre Bestellung wurde versandt. DHL Paket, Sendungsnummer: 0034 0434 1612 3456 7896",
        "DE",
        [("dhl", "00340434161234567896")],
        id="de-dhl-grouped",
    ),
    pytest.param(
        "Ihre Sendungsnummer lautet 00340433836442636597.",
        "DE",
        [("dhl", "00340433836442636597")],
        id="de-dhl",
    ),
    pytest.param(
        "ご注文の商品を発送しました。\n配送業者：ヤマト運輸\nお問い合わせ伝票番号：１２３４－５６７８－９０１３",
        "JP",
        [("yamato", "123456789013")],
        id="ja-yamato-full-width",
    ),
    pytest.param(
        "配送業者：佐川急便\nお問い合わせ伝票番号：1000-0000-1010",
        "JP",
        [("sagawa", "100000001010")],
        id="ja-sagawa-named",
    ),
    pytest.param(
        "お問い合わせ番号：131-12-38385-2（日本郵便）",
        "JP",
        [("japan_post", "13112383852")],
        id="ja-japan-post-registered",
    ),
    pytest.param(
        "Votre colis est en route. Transporteur : DPD\nNuméro de suivi : 01015026003653C",
        "FR",
        [("dpd", "01015026003653C")],
        id="fr-dpd",
    ),
    pytest.param(
        "Tu paquete está en camino. Número de seguimiento: TBA321677302718",
        "ES",
        [("amazon_logistics", "TBA321677302718")],
        id="es-amazon",
    ),
    pytest.param(
        "Il tuo pacco è stato spedito. Codice di tracciamento: RB123456785GB",
        "IT",
        [("royal_mail", "RB123456785GB")],
        id="it-royal-mail",
    ),
    pytest.param(
        "Your FedEx tracking number: 986578788855", "US", [("fedex", "986578788855")], id="fedex"
    ),
    pytest.param("FedEx 986578788855", "US", [("fedex", "986578788855")], id="carrier-name"),
    pytest.param(
        "Tracking numbers: 986578788855, 477179081230",
        "US",
        [("fedex", "986578788855"), ("fedex", "477179081230")],
        id="list-after-one-label",
    ),
    pytest.param(
        "Tracking ID for order 113-1234567-1234567 follows. Tracking: 986578788855",
        "US",
        [("fedex", "986578788855")],
        id="label-after-order-id",
    ),
    pytest.param(
        "Tracking ID: 1Z999AA10123456784\nTracking ID: 9400111201080805483016\n"
        "Again: 1Z999AA10123456784",
        "US",
        [("ups", "1Z999AA10123456784"), ("usps", "9400111201080805483016")],
        id="unique-in-order",
    ),
    pytest.param(
        "Carrier: FedEx\nTracking number: 9261292700768711948021",
        "US",
        [("fedex", "9261292700768711948021")],
        id="carrier-name-settles-impb",
    ),
    pytest.param(
        "Tracking ID: QA1234567890", "GB", [("amazon_logistics", "QA1234567890")], id="uk-qa"
    ),
    pytest.param(
        "DPD Paketnummer: 01015026003653", "DE", [("dpd", "01015026003653")], id="dpd-named"
    ),
    pytest.param("Tracking: 0120-100-002", None, [("dhl", "0120100002")], id="dhl-express-dashes"),
    pytest.param(
        "Sendungsverfolgung (https://www.dhl.de/?piececode=00340433836442636597)",
        "DE",
        [("dhl", "00340433836442636597")],
        id="inside-url",
    ),
]


@pytest.mark.parametrize(("text", "country", "expected"), FOUND)
def test_find_all_finds_numbers_in_mail(
    text: str, country: str | None, expected: list[tuple[str, str]]
) -> None:
    assert find_all(text, country=country) == [TrackingNumber(c, n) for c, n in expected]


# Each of these texts holds digits that pass some check digit, but nothing that is a
# tracking number. The "control" cases after them show the same digits are found when
# they really are labelled as tracking numbers, so the rejections are not accidents.
IGNORED = [
    pytest.param("Order #113-1234567-1234567", None, id="order-id"),
    pytest.param("Tracking for order 113-1234567-1234567", "US", id="order-id-after-label"),
    pytest.param("Tracking questions? Call 0120-100-002", "JP", id="phone-after-call"),
    pytest.param("Tracking help: +1 206-266-1005 or +44 20 7946 0958", None, id="phone-plus"),
    pytest.param("FedEx: 1-800-555-0102", "US", id="phone-after-carrier-name"),
    pytest.param("Tracking: 1-800-555-0102", "US", id="foreign-domestic-format"),
    pytest.param("Tracking: 01 23 45 67 82", "FR", id="phone-in-pairs"),
    pytest.param("Tracking support: +44 20 7946 0063", None, id="phone-plus-grouped"),
    pytest.param("Tracking & reviews: ISBN 3-06-406153-4", None, id="isbn-10"),
    pytest.param("Book: ISBN 978-3-16-148410-0", None, id="isbn-13"),
    pytest.param("Order Total: $1,026.41 (EUR 1.299,00; JPY 12,800)", None, id="prices"),
    pytest.param("Shipped on 2024-03-25, arriving 03/27/2024 or 27.03.2024", None, id="dates"),
    pytest.param("Your item 986578788855 is on its way", "US", id="bare-digits-no-label"),
    pytest.param("Tracking number for your 2 items: 986578788855", "US", id="digit-between"),
    pytest.param("Tracking number: 986578788854", "US", id="wrong-check-digit"),
    pytest.param("Paketnummer: 01015026003653", "DE", id="no-check-and-no-carrier"),
    pytest.param("Tracking ID: QA1234567890", "US", id="qa-outside-gb"),
    pytest.param("Reference: 1z999aa10123456784", None, id="lower-case-is-not-a-number"),
    pytest.param("Ship to 1234 MAIN ST APT 5, WA 98109-5210 UNITED STATES", "US", id="address"),
]


@pytest.mark.parametrize(("text", "country"), IGNORED)
def test_find_all_ignores_numbers_that_are_not_tracking_numbers(
    text: str, country: str | None
) -> None:
    assert find_all(text, country=country) == []


@pytest.mark.parametrize(
    ("text", "country", "carrier", "number"),
    [
        pytest.param("Tracking: 0120-100-002", "JP", "dhl", "0120100002", id="phone-digits"),
        # 012345678 = 7 x 1763668 + 2: these digits pass DHL Express's check.
        pytest.param("Tracking: 0123456782", "FR", "dhl", "0123456782", id="pair-digits"),
        # 4 4 2 0 7 9 4 6 0 0 6 x 3 1 7 ... = 12+4+14+0+7+63+12+6+0+0+6 = 124; 124 mod 11
        # = 3 (FedEx Express). Written with "+" it is a phone number, without it is not.
        pytest.param("Tracking support: 44 20 7946 0063", None, "fedex", "442079460063", id="uk"),
        # 206266100 = 7 x 29466585 + 5: these digits pass DHL Express's check.
        pytest.param("Tracking: 206-266-1005", None, "dhl", "2062661005", id="plus-digits"),
        pytest.param("Tracking: 1-800-555-0102", None, "japan_post", "18005550102", id="no-cc"),
        pytest.param("Tracking: 3-06-406153-4", None, "dhl", "3064061534", id="isbn-digits"),
        pytest.param("Tracking number: 986578788855", "US", "fedex", "986578788855", id="bare"),
    ],
)
def test_find_all_controls_for_the_ignored_cases(
    text: str, country: str | None, carrier: str, number: str
) -> None:
    assert find_all(text, country=country) == [TrackingNumber(carrier, number)]


def test_find_all_country_decides_between_valid_readings() -> None:
    text = "お問い合わせ番号：1000-0000-1010"
    assert find_all(text, country="JP") == [TrackingNumber("yamato", "100000001010")]
    assert find_all(text) == [TrackingNumber("fedex", "100000001010")]


def test_find_all_in_a_large_text() -> None:
    filler = "Lorem ipsum dolor sit amet, Order #113-1234567-1234567, $12.99 on 2024-03-25. "
    text = filler * 1300 + "Tracking ID: TBA321677302718\n" + filler * 10
    assert len(text) > 100_000
    assert find_all(text) == [TrackingNumber("amazon_logistics", "TBA321677302718")]
