"""Which carrier a parcel tracking number belongs to, judged from its format alone.

Shipping emails name the carrier loosely ("Shipped with UPS", "佐川急便", or not at all),
and the same digits can mean different things: twelve digits are a FedEx Express number
in Ohio and a Yamato number in Osaka. What settles the question is the format and,
wherever the format has one, the check digit. A check digit turns a string that merely
looks like a tracking number into one that almost certainly is, which is why this module
verifies every check it knows of and only falls back to the bare shape for formats
that have none (Amazon Logistics, LaserShip, DHL piece ids).

Everything here is pure: no I/O, no clock, precompiled patterns only.

- `normalise` puts a number into the one spelling used for keys and comparisons.
- `identify` names the carrier of one candidate string, using the carrier named in the
  email (`carrier_hint`) and the marketplace's country to settle ambiguous formats.
- `find_all` picks the tracking numbers out of an email's text. It is deliberately
  conservative: a wrong tracking number creates a phantom shipment and notifications
  the user did not ask for, which is worse than missing one (the email's "Track
  package" link still identifies the shipment).

Sources for the formats and check digits: UPU standard S10; the USPS IMpb guide
(Publication 199, mod 10 with weights 3 and 1); GS1 SSCC; DPD's parcel label
specification (ISO 7064 Mod 37,36); the jkeen/tracking_number_data project's courier
notes and test numbers; paketda.de for DHL's 12-digit Identcode; and Japanese carrier
references for the "7DR" (remainder after division by 7) check used by Yamato, Sagawa
and Japan Post.
"""

from __future__ import annotations

import enum
import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

__all__ = ["TrackingNumber", "find_all", "identify", "normalise"]


@dataclass(frozen=True)
class TrackingNumber:
    """A tracking number whose format (and check digit, where it has one) validated."""

    carrier: str
    number: str


# --------------------------------------------------------------------------------------
# Check digits. Each function takes the whole normalised number (check digit included)
# and says whether its check digit is right. They assume the format's regex matched.
# --------------------------------------------------------------------------------------


# UPS's digit for a character: digits stand for themselves, letters run A=2 ... H=9, I=0,
# J=1 ... (ASCII code - 63) mod 10, which UPS documents as a table. OnTrac reuses it for
# its leading C or D.
_UPS_VALUES = bytes.maketrans(
    string.ascii_uppercase.encode(),
    bytes(0x30 + (code - 63) % 10 for code in string.ascii_uppercase.encode()),
)


def _digit_sum(digits: bytes) -> int:
    """The sum of a string of ASCII digits (the format regexes admit no others)."""
    return sum(digits) - 0x30 * len(digits)


def _ups_style_mod10(chars: str) -> bool:
    """Mod 10 over letters-and-digits, weighting every second character by 2.

    Used by UPS over the 15 characters after "1Z", and by OnTrac over the whole number.
    """
    body, check = chars[:-1].encode().translate(_UPS_VALUES), chars[-1]
    if not check.isdigit():
        return False
    total = _digit_sum(body[0::2]) + 2 * _digit_sum(body[1::2])
    return (10 - total % 10) % 10 == int(check)


def _gs1_mod10(digits: str) -> bool:
    """GS1 mod 10: weights 3 and 1 alternating, 3 on the digit next to the check digit.

    The common scheme behind SSCC-18, USPS IMpb, FedEx Ground, DHL's 20-digit numbers
    and Canada Post's 16-digit numbers. Weighting from the right makes the result
    independent of how many digits the number has.
    """
    body = digits[-2::-1].encode()  # the digits before the check digit, right to left
    total = 3 * _digit_sum(body[0::2]) + _digit_sum(body[1::2])
    return (10 - total % 10) % 10 == int(digits[-1])


def _ups_check(number: str) -> bool:
    """UPS "1Z" numbers: the check covers everything after the "1Z"."""
    return _ups_style_mod10(number[2:])


def _fedex_express_check(number: str) -> bool:
    """FedEx Express 12 digits: weights 3, 1, 7 repeating from the left, mod 11, mod 10."""
    body = number[:-1].encode()
    total = 3 * _digit_sum(body[0::3]) + _digit_sum(body[1::3]) + 7 * _digit_sum(body[2::3])
    return total % 11 % 10 == int(number[-1])


def _fedex_smartpost_check(number: str) -> bool:
    """FedEx SmartPost prints its IMpb without the leading "92", which the check includes."""
    return _gs1_mod10("92" + number)


def _fedex_ground96_check(number: str) -> bool:
    """FedEx Ground "96" barcodes: the check covers only the last 15 digits."""
    return _gs1_mod10(number[7:])


def _usps_routed_check(number: str) -> bool:
    """USPS "420" + ZIP (5 or 9 digits) + IMpb: the check belongs to the IMpb alone.

    The ZIP length is not marked, so both readings are tried; each must leave an IMpb
    of a real length that starts with a channel application id 91-95.
    """
    for zip_length in (5, 9):
        impb = number[3 + zip_length :]
        if len(impb) in (22, 26) and "91" <= impb[:2] <= "95" and _gs1_mod10(impb):
            return True
    return False


def _sscc_check(number: str) -> bool:
    """DHL's 20 digits are AI "00" + SSCC-18, and the GS1 check covers the SSCC."""
    return _gs1_mod10(number[2:])


def _mod7_check(number: str) -> bool:
    """The Japanese "7DR" check: the check digit is the rest of the number mod 7.

    DHL Express uses the same rule for its 10-digit waybills.
    """
    return int(number[:-1]) % 7 == int(number[-1])


def _dhl_identcode_check(number: str) -> bool:
    """DHL Paket 12-digit Identcode: weights 4 and 9 alternating from the left, mod 10."""
    body = number[:-1].encode()
    total = 4 * _digit_sum(body[0::2]) + 9 * _digit_sum(body[1::2])
    return (10 - total % 10) % 10 == int(number[-1])


_ISO7064_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _iso7064_mod37_36(body: str) -> str:
    """The ISO 7064 Mod 37,36 check character DPD appends to its parcel numbers."""
    product = 36
    for char in body:
        subtotal = (product + _ISO7064_ALPHABET.index(char)) % 36 or 36
        product = subtotal * 2 % 37
    return _ISO7064_ALPHABET[(37 - product) % 36]


def _dpd_check(number: str) -> bool:
    """DPD 14-digit parcel number followed by its Mod 37,36 check character."""
    return _iso7064_mod37_36(number[:-1]) == number[-1]


_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)

# ISO 3166-1 alpha-2 codes: an S10 number ends in the issuing post's country code, and a
# made-up suffix ("XX") is the cheapest way to tell a look-alike from the real thing.
# A word list reads better than 249 quoted strings, one per line after formatting.
_ISO_COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN
    BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL
    GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM
    JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
    MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP
    NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD
    SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905
)


def _s10_check(number: str) -> bool:
    """UPU S10: weights 8 6 4 2 3 5 9 7 over the serial, 11 minus the sum mod 11.

    A result of 10 becomes 0 and 11 becomes 5. The suffix must be a real country code.
    """
    if number[-2:] not in _ISO_COUNTRIES:
        return False
    total = sum(int(d) * w for d, w in zip(number[2:10], _S10_WEIGHTS, strict=True))
    expected = 11 - total % 11
    expected = {10: 0, 11: 5}.get(expected, expected)
    return expected == int(number[10])


def _shape_only(number: str) -> bool:
    """For formats without a check digit: the regex already said everything there is."""
    return True


# --------------------------------------------------------------------------------------
# The carrier table.
# --------------------------------------------------------------------------------------


class _Trust(enum.Enum):
    """How much a format match proves on its own, which decides where it is accepted.

    STRONG formats carry a distinctive prefix or a check digit over a long number, so a
    match anywhere in an email is taken. CONTEXT formats are bare digit strings whose
    check digit passes by chance often enough (1 in 7 to 1 in 10) that find_all takes
    them only right after a tracking label or the carrier's name. HINT formats have a
    generic shape and no check digit (or none that tells them from a neighbour's), so
    they need the carrier named (or, for some, the marketplace's country) before they
    are believed at all.
    """

    STRONG = "strong"
    CONTEXT = "context"
    HINT = "hint"


@dataclass(frozen=True)
class _Format:
    """One tracking-number format of one carrier."""

    carrier: str
    pattern: re.Pattern[str]
    check: Callable[[str], bool]
    lengths: tuple[int, ...]
    trust: _Trust
    countries: frozenset[str] = frozenset()
    """Marketplaces where this reading is the likely one when several validate."""
    carrier_from_suffix: bool = False
    """S10 numbers: the carrier is the post of the country code at the end."""


def _fmt(
    carrier: str,
    pattern: str,
    check: Callable[[str], bool],
    trust: _Trust,
    lengths: Iterable[int],
    *,
    countries: str = "",
    carrier_from_suffix: bool = False,
) -> _Format:
    """A table row, written compactly: countries as one space-separated string."""
    return _Format(
        carrier=carrier,
        pattern=re.compile(pattern, re.ASCII),
        check=check,
        lengths=tuple(lengths),
        trust=trust,
        countries=frozenset(countries.split()),
        carrier_from_suffix=carrier_from_suffix,
    )


_JP = "JP"
_DPD_COUNTRIES = "AT BE CH CZ DE EE FR GB HR HU IE LT LU LV NL PL PT SI SK"
_STRONG, _CONTEXT, _HINT = _Trust.STRONG, _Trust.CONTEXT, _Trust.HINT

# Order matters twice: it is the preference among readings that all validate when
# neither a hint nor the country decides (FedEx before the Japanese carriers, USPS
# before FedEx SmartPost), and it is the order in which the formats are documented.
# fmt: off
_FORMATS: tuple[_Format, ...] = (
    # UPS: "1Z", shipper (6), service (2), package (7), check digit.
    _fmt("ups", r"1Z[0-9A-Z]{16}", _ups_check, _STRONG, [18]),
    # UPU S10: service (2 letters), serial (8), check digit, ISO country of the post.
    _fmt("upu", r"[A-Z]{2}\d{9}[A-Z]{2}", _s10_check, _STRONG, [13], carrier_from_suffix=True),
    # Amazon Logistics: TBA (and TBC, TBM) + 12 digits; no check digit.
    _fmt("amazon_logistics", r"TB[ACM]\d{12}", _shape_only, _STRONG, [15]),
    # FedEx Ground "96" barcode: 96, SCNC (2), service (3), shipper (7), package (7), check.
    _fmt("fedex", r"96\d{20}", _fedex_ground96_check, _STRONG, [22]),
    # USPS IMpb: channel application id 91-95, service, mailer id, serial, check.
    _fmt("usps", r"9[1-5]\d{20}(?:\d{4})?", _gs1_mod10, _STRONG, [22, 26]),
    # USPS IMpb behind the "420" + ZIP (5 or 9 digits) routing prefix.
    _fmt("usps", r"420\d{27}(?:\d{4})?", _usps_routed_check, _STRONG, [30, 34]),
    # FedEx SmartPost as a full IMpb: the same digits as USPS's, told apart by a hint.
    _fmt("fedex", r"92\d{20}", _gs1_mod10, _STRONG, [22]),
    # DHL Paket 20 digits: "00" + SSCC with DHL's GS1 company prefix.
    _fmt("dhl", r"00340\d{15}", _sscc_check, _STRONG, [20]),
    # DHL piece ids (Express and Paket); no check digit.
    _fmt("dhl", r"JJD\d{10,18}", _shape_only, _STRONG, range(13, 22)),
    _fmt("dhl", r"JD\d{18}", _shape_only, _STRONG, [20]),
    _fmt("dhl", r"JVGL\d{10}", _shape_only, _STRONG, [14]),
    # DHL eCommerce: GM + 16 to 18 digits; no check digit.
    _fmt("dhl", r"GM\d{16,18}", _shape_only, _STRONG, [18, 19, 20]),
    # OnTrac: C or D + 14 digits; UPS's check, counting the letter.
    _fmt("ontrac", r"[CD]\d{14}", _ups_style_mod10, _STRONG, [15]),
    # LaserShip: 1LS7 + 11 digits; no check digit.
    _fmt("lasership", r"1LS7[12]\d{10}", _shape_only, _STRONG, [15]),
    # DPD: 14-digit parcel number + its ISO 7064 Mod 37,36 check character (a letter).
    _fmt("dpd", r"\d{14}[A-Z]", _dpd_check, _STRONG, [15]),
    # FedEx Express: 12 digits, weights 3-1-7 mod 11.
    _fmt("fedex", r"\d{12}", _fedex_express_check, _CONTEXT, [12]),
    # FedEx Ground: 15 digits, GS1 mod 10.
    _fmt("fedex", r"\d{15}", _gs1_mod10, _CONTEXT, [15]),
    # DPD whose check character happens to be a digit.
    _fmt("dpd", r"\d{15}", _dpd_check, _CONTEXT, [15], countries=_DPD_COUNTRIES),
    # FedEx SmartPost as printed: the IMpb without its leading "92". Neither it nor USPS's
    # 20 digits start with "00", which is the SSCC's application identifier.
    _fmt("fedex", r"(?!00)\d{20}", _fedex_smartpost_check, _CONTEXT, [20]),
    # USPS 20 digits (Certified Mail and older barcodes), GS1 mod 10.
    _fmt("usps", r"(?!00)\d{20}", _gs1_mod10, _CONTEXT, [20]),
    # DHL Express waybill: 10 digits, mod 7.
    _fmt("dhl", r"\d{10}", _mod7_check, _CONTEXT, [10]),
    # Yamato, Sagawa and Japan Post (Yu-Pack): 12 digits, mod 7, and indistinguishable.
    _fmt("yamato", r"\d{12}", _mod7_check, _CONTEXT, [12], countries=_JP),
    _fmt("sagawa", r"\d{12}", _mod7_check, _CONTEXT, [12], countries=_JP),
    _fmt("japan_post", r"\d{12}", _mod7_check, _CONTEXT, [12], countries=_JP),
    # Japan Post registered mail: 11 digits, mod 7 of the first ten.
    _fmt("japan_post", r"\d{11}", _mod7_check, _CONTEXT, [11], countries=_JP),
    # DHL Paket 12-digit Identcode: weights 4 and 9, mod 10.
    _fmt("dhl", r"\d{12}", _dhl_identcode_check, _CONTEXT, [12], countries="DE AT"),
    # Canada Post domestic: 16 digits, GS1 mod 10.
    _fmt("canada_post", r"\d{16}", _gs1_mod10, _CONTEXT, [16], countries="CA"),
    # LaserShip: L + letter + 8 digits; no check digit.
    _fmt("lasership", r"L[AEHINX][1-3]\d{7}", _shape_only, _CONTEXT, [10]),
    # Amazon UK: QA + 10 digits; no check digit (shape unverified, so hint or GB only).
    _fmt("amazon_logistics", r"QA\d{10}", _shape_only, _HINT, [12], countries="GB"),
    # Evri (formerly Hermes UK): 16 characters; no check digit known.
    _fmt("evri", r"\d{16}|H[0-9A-Z]{15}", _shape_only, _HINT, [16]),
    # Hermes Germany: 14 digits, GS1 mod 10.
    _fmt("hermes", r"\d{14}", _gs1_mod10, _HINT, [14]),
    # DPD parcel number written without its check character.
    _fmt("dpd", r"\d{14}", _shape_only, _HINT, [14]),
)
# fmt: on


def _index_by_length(formats: Sequence[_Format]) -> dict[int, tuple[_Format, ...]]:
    """Group the formats by the lengths they can have, so a lookup tries only a few."""
    by_length: dict[int, list[_Format]] = {}
    for fmt in formats:
        for length in fmt.lengths:
            by_length.setdefault(length, []).append(fmt)
    return {length: tuple(fmts) for length, fmts in by_length.items()}


_BY_LENGTH = _index_by_length(_FORMATS)
_MIN_LENGTH = min(_BY_LENGTH)
_MAX_LENGTH = max(_BY_LENGTH)

_S10_POSTS = {
    "US": "usps",
    "GB": "royal_mail",
    "CA": "canada_post",
    "JP": "japan_post",
    "DE": "deutsche_post",
    "AU": "australia_post",
}


# --------------------------------------------------------------------------------------
# Carrier names as emails write them.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Alias:
    """The ways of writing one carrier's name, and whether they are specific enough to
    count as a label in running text (a bare "Amazon" is in every Amazon email)."""

    spellings: tuple[str, ...]
    """Regex sources in lower case, each starting with a literal character (optionally
    after a word boundary), which is what lets _any_of build its fast look-ahead."""
    carriers: frozenset[str]
    in_text: bool = True


def _alias(spellings: str, carriers: str, *, in_text: bool = True) -> _Alias:
    return _Alias(tuple(spellings.split("|")), frozenset(carriers.split()), in_text)


_ALIASES: tuple[_Alias, ...] = (
    _alias(r"\bups\b|united parcel", "ups"),
    _alias(r"fed ?ex|federal express", "fedex"),
    _alias(r"\busps\b|united states postal|u\.s\. postal", "usps"),
    _alias(r"\bdhl\b", "dhl"),
    _alias(r"amazon logistics|amazon shipping|\bamzl\b", "amazon_logistics"),
    _alias(r"amazon|アマゾン", "amazon_logistics", in_text=False),
    _alias(r"on ?trac\b", "ontrac"),
    _alias(r"laser ?ship", "lasership"),
    _alias(r"royal ?mail", "royal_mail"),
    _alias(r"\bevri\b", "evri"),
    _alias(r"\bhermes\b", "evri hermes"),
    _alias(r"\bdpd\b", "dpd"),
    _alias(r"canada ?post|postes? canada", "canada_post"),
    _alias(r"yamato|kuroneko|ヤマト|クロネコ|宅急便", "yamato"),
    _alias(r"sagawa|佐川", "sagawa"),
    _alias(r"japan ?post|\bjp ?post|日本郵便|ゆうパック|ゆうパケット|郵便局", "japan_post"),
    _alias(r"australia ?post|auspost", "australia_post"),
    _alias(r"deutsche ?post", "deutsche_post"),
    _alias(r"\bupu\b", "upu", in_text=False),
)

_HINT_PATTERNS = tuple(
    (re.compile("|".join(a.spellings), re.IGNORECASE), a.carriers) for a in _ALIASES
)


def _carriers_named(hint: str | None) -> frozenset[str]:
    """The carrier slugs a hint names: a slug itself or a name as an email writes it."""
    if not hint:
        return frozenset()
    text = unicodedata.normalize("NFKC", hint).replace("_", " ")
    named: set[str] = set()
    for pattern, carriers in _HINT_PATTERNS:
        if pattern.search(text):
            named |= carriers
    return frozenset(named)


# --------------------------------------------------------------------------------------
# Validation and choice.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What is known about a candidate besides its characters.

    `labelled`: a tracking label ("Tracking ID", "Sendungsnummer", "伝票番号") introduces
    it. `hinted`: the carriers named for it, by the caller or by the text before it.
    `abroad_ok`: whether a domestic format of another country than the marketplace's
    may be believed. identify says yes (the caller asks about this very string, and a
    validating reading is the best answer there is); find_all says no, since a Yamato
    number in amazon.com mail is far likelier to be a phone number that happens to pass.
    """

    labelled: bool
    hinted: frozenset[str]
    abroad_ok: bool = True


@dataclass(frozen=True)
class _Reading:
    """One way of reading a number: the format that validated and the carrier it gives."""

    fmt: _Format
    carrier: str


def _carrier_of(fmt: _Format, number: str) -> str:
    if fmt.carrier_from_suffix:
        return _S10_POSTS.get(number[-2:], fmt.carrier)
    return fmt.carrier


def _readings(number: str) -> list[_Reading]:
    """Every format under which a normalised number validates, in table order."""
    return [
        _Reading(fmt, _carrier_of(fmt, number))
        for fmt in _BY_LENGTH.get(len(number), ())
        if fmt.pattern.fullmatch(number) and fmt.check(number)
    ]


def _acceptable(reading: _Reading, country: str | None, context: _Context) -> bool:
    """Whether a reading may be believed given what surrounds the number (see _Trust).

    Naming the carrier vouches for any of its formats. A tracking label vouches for the
    CONTEXT formats, except another country's domestic ones where that is ruled out
    (see _Context.abroad_ok), and for the HINT formats only in their own country. A
    carrier's name does not vouch for another carrier, so "FedEx 1-800-555-0102" does
    not become a Japan Post number.
    """
    trust = reading.fmt.trust
    if trust is _Trust.STRONG or reading.carrier in context.hinted:
        return True
    if not context.labelled:
        return False
    domestic_to = reading.fmt.countries
    local = country is not None and country in domestic_to
    if trust is _Trust.HINT:
        return local
    return local or not domestic_to or country is None or context.abroad_ok


def _choose(
    readings: Sequence[_Reading], country: str | None, context: _Context
) -> _Reading | None:
    """Pick one reading: the hinted carrier, else the country's carrier, else table order."""
    usable = [r for r in readings if _acceptable(r, country, context)]
    for reading in usable:
        if reading.carrier in context.hinted:
            return reading
    for reading in usable:
        if country is not None and country in reading.fmt.countries:
            return reading
    return usable[0] if usable else None


# --------------------------------------------------------------------------------------
# Public interface.
# --------------------------------------------------------------------------------------

_NOT_PART_OF_NUMBER = re.compile(r"[\s\-\u2010-\u2015\u2212\u200b-\u200d\ufeff]+")


def normalise(raw: str) -> str:
    """The canonical spelling of a tracking number: upper case, no spaces or dashes.

    Full-width characters (common in Japanese mail) become their ASCII forms first.
    """
    text = unicodedata.normalize("NFKC", raw).upper()
    return _NOT_PART_OF_NUMBER.sub("", text)


def identify(
    raw: str, *, country: str | None = None, carrier_hint: str | None = None
) -> TrackingNumber | None:
    """The carrier of one tracking number, or None when no format validates.

    `carrier_hint` is a slug or the carrier's name as an email writes it; when it names
    a carrier whose format and check validate, that carrier wins. Otherwise `country`
    (the marketplace's ISO code) prefers its local carriers among the readings that
    validate, and failing both the table order decides (FedEx for bare 12 digits).
    Formats without any check digit and a generic shape are believed only when the hint
    names their carrier (or, for Amazon UK's "QA" numbers, the marketplace is GB).
    """
    number = normalise(raw)
    if not _MIN_LENGTH <= len(number) <= _MAX_LENGTH:
        return None
    country = country.upper() if country else None
    context = _Context(labelled=True, hinted=_carriers_named(carrier_hint))
    chosen = _choose(_readings(number), country, context)
    return TrackingNumber(chosen.carrier, number) if chosen else None


# --------------------------------------------------------------------------------------
# Finding numbers in text.
# --------------------------------------------------------------------------------------

# Printed tracking numbers are either one unbroken piece or split into short groups
# ("1Z 999 AA1 01 2345 6784", "4470-1234-5671"). A candidate is therefore one piece of
# upper-case letters and digits, or several pieces of at most six characters joined by
# one and the same separator, bounded by anything that is not a letter or digit. Longer
# pieces are whole numbers in their own right, and joining them (or mixing separators)
# is how order ids, addresses and phone numbers would turn into false tracking numbers.
# Lower-case letters end a candidate, so ordinary words never join one. Full-width forms
# (common in Japanese mail) are accepted and translated per candidate, which spares a
# pass over the whole text. The first character comes before the look-behind so that the
# engine can skip quickly to plausible starts, and the look-ahead drops candidates too
# poor in digits for any format (all have at least eight) before they cost a match.
_MAX_JOINED_GROUP = 6
_DIGITS = "0-9\uff10-\uff19"
_PIECE_CHAR = f"[A-Z\uff21-\uff3a{_DIGITS}]"
_NOT_ADJACENT = f"[{_DIGITS}A-Za-z\uff21-\uff3a\uff41-\uff5a]"
_SEPARATORS = " \u00a0\u2009\u202f\\-\u2010\u2011\uff0d"
_CANDIDATE = re.compile(
    rf"{_PIECE_CHAR}(?<!{_NOT_ADJACENT}{_PIECE_CHAR})"
    rf"(?=(?:[A-Z\uff21-\uff3a{_SEPARATORS}]*[{_DIGITS}]){{7}})"
    rf"(?:{_PIECE_CHAR}{{0,{_MAX_JOINED_GROUP - 1}}}"
    rf"([{_SEPARATORS}]){_PIECE_CHAR}{{1,{_MAX_JOINED_GROUP}}}"
    rf"(?:\1{_PIECE_CHAR}{{1,{_MAX_JOINED_GROUP}}})*"
    rf"|{_PIECE_CHAR}{{{_MIN_LENGTH - 1},}})"
    rf"(?!{_NOT_ADJACENT})"
)
_TO_ASCII = str.maketrans(
    {chr(0xFF10 + i): chr(0x30 + i) for i in range(10)}
    | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
    | {"\uff0d": "-"}
)
_SPLIT = re.compile(f"([{_SEPARATORS}])")
_PHONE_PREFIX = re.compile(rf"\+(?:[0-9]{{1,3}}[{_SEPARATORS}(]*)?\Z")
_ORDER_ID = re.compile(r"(?<![A-Za-z0-9])[0-9D]\d{2}-\d{7}-\d{7}(?![A-Za-z0-9])")
_DIGIT = re.compile(r"\d")

_CONTEXT_CHARS = 100
"""How far before a number its label ("Tracking ID:", "伝票番号") may start."""
_NUMBERS_IN_REACH = _CONTEXT_CHARS // _MIN_LENGTH
"""At most this many accepted numbers fit between a label and the next candidate."""

# Words that introduce a tracking number, in the languages of Amazon's marketplaces.
# Like the carrier spellings, each starts with a literal so that _any_of can skip ahead.
_LABEL_WORDS = (
    "track", "trace", "waybill", r"\bawb\b", "consignment", r"parcel ?(?:id|no\b|number|#)",
    r"package ?(?:id|no\b|number|#)", r"shipment ?(?:id|no\b|number|#)", "sendungs",
    "paketnummer", "suivi", "colis", "seguimiento", "rastreio", "rastreamento",
    "tracciamento", "spedizione", "zending", "przesy[lł]k", "追跡", "伝票番号",
    "問い?合わ?せ番号", "送り状番号", "配送番号", "荷物番号",
)  # fmt: skip

# Words that introduce something else; after one of them, a label no longer applies.
_OTHER_WORDS = (
    r"\borders?\b", r"\bbestell", r"\bcommande", r"\bpedido", r"\bordine", r"\bzam[oó]wien",
    r"\bphone", r"\btel\b", r"\btelefon", r"\bt[ée]l[ée]phone", r"\btel[ée]fono", r"\bfax\b",
    r"\bcall\b", r"\bhotline", r"\bappel", r"\banruf", r"\bllam", r"\bchiam", r"\bisbn",
    r"\binvoice", r"\brechnung", r"\bfactur", r"\bfattura", r"\biban\b", r"\baccount",
    r"\bkonto", r"\bkundennummer", r"\bcustomer", "注文", "電話", "請求",
    "問い?合わ?せ先", "フリーダイヤル", "ナビダイヤル",
)  # fmt: skip


def _any_of(alternatives: Sequence[str], carrier_names: Sequence[str] = ()) -> re.Pattern[str]:
    """One regex for many lower-case alternatives, fast on text that rarely matches.

    A look-ahead on the alternatives' possible first characters lets the engine reject
    most positions with one test instead of trying every alternative in turn, which is
    what makes reading a label cheap enough to do for every bare-digit candidate.
    """
    sources = [*carrier_names, *alternatives]
    firsts = {src.removeprefix(r"\b")[0] for src in sources}
    carrier_part = f"(?P<carrier>{'|'.join(carrier_names)})|" if carrier_names else ""
    return re.compile(
        f"(?=[{re.escape(''.join(sorted(firsts)))}])(?:{carrier_part}{'|'.join(alternatives)})"
    )


_LABEL = _any_of(_LABEL_WORDS, [s for a in _ALIASES if a.in_text for s in a.spellings])
_OTHER_LABEL = _any_of(_OTHER_WORDS)


class _Finder:
    """One pass of find_all over one text; remembers what it accepted, in order."""

    def __init__(self, text: str, country: str | None) -> None:
        self.text = text
        self.country = country
        self.found: dict[str, TrackingNumber] = {}
        self.accepted: list[range] = []

    def scan(self) -> list[TrackingNumber]:
        text = self.text
        for candidate in _CANDIDATE.finditer(text):
            start, end = candidate.span()
            if end - start < _MIN_LENGTH:
                continue
            if _PHONE_PREFIX.search(text, max(0, start - 6), start):
                continue  # an international phone number: "+1 206-266-1000"
            chunk = candidate.group()
            if not chunk.isascii():
                chunk = chunk.translate(_TO_ASCII)
            self._scan_candidate(chunk, start)
        return list(self.found.values())

    def _scan_candidate(self, chunk: str, start: int) -> None:
        """Try the windows of a candidate's pieces from left to right (see _window_ends)."""
        parts = _SPLIT.split(chunk)
        if len(parts) == 1:
            self._accept_from(parts, (start,), 0)
            return
        pieces = parts[0::2]
        offsets = [start]
        for piece in pieces[:-1]:
            offsets.append(offsets[-1] + len(piece) + 1)
        first = 0
        while first < len(pieces):
            end = self._accept_from(pieces, offsets, first)
            first = end if end else first + 1

    def _accept_from(self, pieces: Sequence[str], offsets: Sequence[int], first: int) -> int | None:
        """Accept the longest valid window starting at piece `first`; return its end."""
        context: _Context | None = None
        for end in _window_ends(pieces, first):
            number = "".join(pieces[first:end])
            readings = _readings(number)
            if not readings:
                continue
            if len(readings) == 1 and readings[0].fmt.trust is _Trust.STRONG:
                chosen: _Reading | None = readings[0]  # nothing around it can change this
            else:
                context = context or self._context_before(offsets[first])
                chosen = _choose(readings, self.country, context)
            if chosen:
                if number not in self.found:
                    self.found[number] = TrackingNumber(chosen.carrier, number)
                self.accepted.append(range(offsets[first], offsets[end - 1] + len(pieces[end - 1])))
                return end
        return None

    def _context_before(self, pos: int) -> _Context:
        """Read the label, if any, that introduces the candidate starting at `pos`.

        The last tracking word and the last carrier name within reach count only if
        nothing labelling something else ("Order", "Tel", "ISBN") follows them and no
        other number sits between them and the candidate. Numbers already accepted and
        Amazon order ids do not count as "other", so lists of numbers keep their label.
        """
        lo = max(0, pos - _CONTEXT_CHARS)
        window = _lower(self.text[lo:pos])
        word_end = name_end = -1
        name = ""
        for match in _LABEL.finditer(window):
            if match.group("carrier"):
                name_end, name = match.end(), match.group("carrier")
            else:
                word_end = match.end()
        labelled = word_end >= 0 and self._still_applies(window, word_end, lo)
        named = name_end >= 0 and self._still_applies(window, name_end, lo)
        hinted = _carriers_named(name) if named else frozenset()
        return _Context(labelled, hinted, abroad_ok=False)

    def _still_applies(self, window: str, label_end: int, lo: int) -> bool:
        """Whether a label ending at window[label_end] still introduces the window's end."""
        if _OTHER_LABEL.search(window, label_end):
            return False
        recent = [span for span in self.accepted[-_NUMBERS_IN_REACH:] if span.stop > lo]
        order_ids = _ORDER_ID.finditer(self.text, lo, lo + len(window))
        excused = recent + [range(*m.span()) for m in order_ids]
        return all(
            any(lo + digit.start() in span for span in excused)
            for digit in _DIGIT.finditer(window, label_end)
        )


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _lower(text: str) -> str:
    """Lower-case text without changing its length, so positions stay comparable."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


def _window_ends(pieces: Sequence[str], first: int) -> list[int]:
    """End indices (exclusive) of the windows starting at piece `first`, longest first.

    The pieces of one candidate may be joined (the candidate pattern made sure they are
    short and share a separator), but only to a length that some format has, and not
    when every piece has one or two characters: that is how phone numbers are written
    ("01 23 45 67 89"), not tracking numbers.
    """
    length = longest = len(pieces[first])
    ends = [first + 1] if length in _BY_LENGTH else []
    for end in range(first + 1, len(pieces)):
        length += len(pieces[end])
        if length > _MAX_LENGTH:
            break
        longest = max(longest, len(pieces[end]))
        if longest > 2 and length in _BY_LENGTH:
            ends.append(end + 1)
    return ends[::-1]


def find_all(text: str, *, country: str | None = None) -> list[TrackingNumber]:
    """The tracking numbers in an email's text, validated, unique, in order of appearance.

    Numbers may be grouped with spaces or dashes. Formats with a distinctive shape and
    check (UPS, S10, IMpb, ...) are found anywhere; bare digit strings are taken only
    right after a tracking label or carrier name, which is what keeps order ids, phone
    numbers, prices, dates and ISBNs out. `country` is the marketplace's ISO code and
    settles ambiguous formats as in `identify`.
    """
    return _Finder(text, country.upper() if country else None).scan()
