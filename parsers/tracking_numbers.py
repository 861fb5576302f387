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
- `parsers.tracking_text.find_all` picks the tracking numbers out of an email's text
  with these formats.

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
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from parsers.check_digits import (
    dhl_identcode_check,
    dpd_check,
    fedex_express_check,
    fedex_ground96_check,
    fedex_smartpost_check,
    gs1_mod10,
    mod7_check,
    s10_check,
    sscc_check,
    ups_check,
    ups_style_mod10,
    usps_routed_check,
)

__all__ = ["TrackingNumber", "identify", "normalise"]


@dataclass(frozen=True)
class TrackingNumber:
    """A tracking number whose format (and check digit, where it has one) validated."""

    carrier: str
    number: str


def _shape_only(number: str) -> bool:
    """For formats without a check digit: the regex already said everything there is."""
    return True


# --------------------------------------------------------------------------------------
# The carrier table.
# --------------------------------------------------------------------------------------


class Trust(enum.Enum):
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
    trust: Trust
    countries: frozenset[str] = frozenset()
    """Marketplaces where this reading is the likely one when several validate."""
    carrier_from_suffix: bool = False
    """S10 numbers: the carrier is the post of the country code at the end."""


def _fmt(
    carrier: str,
    pattern: str,
    check: Callable[[str], bool],
    trust: Trust,
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
_STRONG, _CONTEXT, _HINT = Trust.STRONG, Trust.CONTEXT, Trust.HINT

# Order matters twice: it is the preference among readings that all validate when
# neither a hint nor the country decides (FedEx before the Japanese carriers, USPS
# before FedEx SmartPost), and it is the order in which the formats are documented.
# fmt: off
_FORMATS: tuple[_Format, ...] = (
    # UPS: "1Z", shipper (6), service (2), package (7), check digit.
    _fmt("ups", r"1Z[0-9A-Z]{16}", ups_check, _STRONG, [18]),
    # UPU S10: service (2 letters), serial (8), check digit, ISO country of the post.
    _fmt("upu", r"[A-Z]{2}\d{9}[A-Z]{2}", s10_check, _STRONG, [13], carrier_from_suffix=True),
    # Amazon Logistics: TBA (and TBC, TBM) + 12 digits; no check digit.
    _fmt("amazon_logistics", r"TB[ACM]\d{12}", _shape_only, _STRONG, [15]),
    # FedEx Ground "96" barcode: 96, SCNC (2), service (3), shipper (7), package (7), check.
    _fmt("fedex", r"96\d{20}", fedex_ground96_check, _STRONG, [22]),
    # USPS IMpb: channel application id 91-95, service, mailer id, serial, check.
    _fmt("usps", r"9[1-5]\d{20}(?:\d{4})?", gs1_mod10, _STRONG, [22, 26]),
    # USPS IMpb behind the "420" + ZIP (5 or 9 digits) routing prefix.
    _fmt("usps", r"420\d{27}(?:\d{4})?", usps_routed_check, _STRONG, [30, 34]),
    # FedEx SmartPost as a full IMpb: the same digits as USPS's, told apart by a hint.
    _fmt("fedex", r"92\d{20}", gs1_mod10, _STRONG, [22]),
    # DHL Paket 20 digits: "00" + SSCC with DHL's GS1 company prefix.
    _fmt("dhl", r"00340\d{15}", sscc_check, _STRONG, [20]),
    # DHL piece ids (Express and Paket); no check digit.
    _fmt("dhl", r"JJD\d{10,18}", _shape_only, _STRONG, range(13, 22)),
    _fmt("dhl", r"JD\d{18}", _shape_only, _STRONG, [20]),
    _fmt("dhl", r"JVGL\d{10}", _shape_only, _STRONG, [14]),
    # DHL eCommerce: GM + 16 to 18 digits; no check digit.
    _fmt("dhl", r"GM\d{16,18}", _shape_only, _STRONG, [18, 19, 20]),
    # OnTrac: C or D + 14 digits; UPS's check, counting the letter.
    _fmt("ontrac", r"[CD]\d{14}", ups_style_mod10, _STRONG, [15]),
    # LaserShip: 1LS7 + 11 digits; no check digit.
    _fmt("lasership", r"1LS7[12]\d{10}", _shape_only, _STRONG, [15]),
    # DPD: 14-digit parcel number + its ISO 7064 Mod 37,36 check character (a letter).
    _fmt("dpd", r"\d{14}[A-Z]", dpd_check, _STRONG, [15]),
    # FedEx Express: 12 digits, weights 3-1-7 mod 11.
    _fmt("fedex", r"\d{12}", fedex_express_check, _CONTEXT, [12]),
    # FedEx Ground: 15 digits, GS1 mod 10.
    _fmt("fedex", r"\d{15}", gs1_mod10, _CONTEXT, [15]),
    # DPD whose check character happens to be a digit.
    _fmt("dpd", r"\d{15}", dpd_check, _CONTEXT, [15], countries=_DPD_COUNTRIES),
    # FedEx SmartPost as printed: the IMpb without its leading "92". Neither it nor USPS's
    # 20 digits start with "00", which is the SSCC's application identifier.
    _fmt("fedex", r"(?!00)\d{20}", fedex_smartpost_check, _CONTEXT, [20]),
    # USPS 20 digits (Certified Mail and older barcodes), GS1 mod 10.
    _fmt("usps", r"(?!00)\d{20}", gs1_mod10, _CONTEXT, [20]),
    # DHL Express waybill: 10 digits, mod 7.
    _fmt("dhl", r"\d{10}", mod7_check, _CONTEXT, [10]),
    # Yamato, Sagawa and Japan Post (Yu-Pack): 12 digits, mod 7, and indistinguishable.
    _fmt("yamato", r"\d{12}", mod7_check, _CONTEXT, [12], countries=_JP),
    _fmt("sagawa", r"\d{12}", mod7_check, _CONTEXT, [12], countries=_JP),
    _fmt("japan_post", r"\d{12}", mod7_check, _CONTEXT, [12], countries=_JP),
    # Japan Post registered mail: 11 digits, mod 7 of the first ten.
    _fmt("japan_post", r"\d{11}", mod7_check, _CONTEXT, [11], countries=_JP),
    # DHL Paket 12-digit Identcode: weights 4 and 9, mod 10.
    _fmt("dhl", r"\d{12}", dhl_identcode_check, _CONTEXT, [12], countries="DE AT"),
    # Canada Post domestic: 16 digits, GS1 mod 10.
    _fmt("canada_post", r"\d{16}", gs1_mod10, _CONTEXT, [16], countries="CA"),
    # LaserShip: L + letter + 8 digits; no check digit.
    _fmt("lasership", r"L[AEHINX][1-3]\d{7}", _shape_only, _CONTEXT, [10]),
    # Amazon UK: QA + 10 digits; no check digit (shape unverified, so hint or GB only).
    _fmt("amazon_logistics", r"QA\d{10}", _shape_only, _HINT, [12], countries="GB"),
    # Evri (formerly Hermes UK): 16 characters; no check digit known.
    _fmt("evri", r"\d{16}|H[0-9A-Z]{15}", _shape_only, _HINT, [16]),
    # Hermes Germany: 14 digits, GS1 mod 10.
    _fmt("hermes", r"\d{14}", gs1_mod10, _HINT, [14]),
    # DPD parcel number written without its check character.
    _fmt("dpd", r"\d{14}", _shape_only, _HINT, [14]),
    # Dragonfly (Intelcom) for amazon.nl: AMZNL + 12 digits; no check digit known.
    _fmt("dragonfly", r"AMZNL\d{12}", _shape_only, _STRONG, [17]),
    # SDA (Poste Italiane's courier) waybill, "lettera di vettura": 13 characters, digits
    # after at most two leading letters or digits; no check digit known.
    _fmt("sda", r"[0-9A-Z]{2}\d{11}", _shape_only, _HINT, [13], countries="IT"),
)
# fmt: on


def _index_by_length(formats: Sequence[_Format]) -> dict[int, tuple[_Format, ...]]:
    """Group the formats by the lengths they can have, so a lookup tries only a few."""
    by_length: dict[int, list[_Format]] = {}
    for fmt in formats:
        for length in fmt.lengths:
            by_length.setdefault(length, []).append(fmt)
    return {length: tuple(fmts) for length, fmts in by_length.items()}


BY_LENGTH = _index_by_length(_FORMATS)
_STRONG_BY_LENGTH = _index_by_length([f for f in _FORMATS if f.trust is Trust.STRONG])
MIN_LENGTH = min(BY_LENGTH)
MAX_LENGTH = max(BY_LENGTH)

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


ALIASES: tuple[_Alias, ...] = (
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
    _alias(r"\bsda\b", "sda"),
    _alias(r"dragonfly|intelcom", "dragonfly"),
    _alias(r"\bupu\b", "upu", in_text=False),
)

_HINT_PATTERNS = tuple(
    (re.compile("|".join(a.spellings), re.IGNORECASE), a.carriers) for a in ALIASES
)


def carriers_named(hint: str | None) -> frozenset[str]:
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
class Context:
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
class Reading:
    """One way of reading a number: the format that validated and the carrier it gives."""

    fmt: _Format
    carrier: str


def _carrier_of(fmt: _Format, number: str) -> str:
    if fmt.carrier_from_suffix:
        return _S10_POSTS.get(number[-2:], fmt.carrier)
    return fmt.carrier


def readings(number: str, *, strong_only: bool = False) -> list[Reading]:
    """Every format under which a normalised number validates, in table order; with
    `strong_only`, only the STRONG ones (all a number without label or hint can be)."""
    formats = (_STRONG_BY_LENGTH if strong_only else BY_LENGTH).get(len(number), ())
    return [
        Reading(fmt, _carrier_of(fmt, number))
        for fmt in formats
        if fmt.pattern.fullmatch(number) and fmt.check(number)
    ]


def _acceptable(reading: Reading, country: str | None, context: Context) -> bool:
    """Whether a reading may be believed given what surrounds the number (see Trust).

    Naming the carrier vouches for any of its formats. A tracking label vouches for the
    CONTEXT formats, except another country's domestic ones where that is ruled out
    (see Context.abroad_ok), and for the HINT formats only in their own country. A
    carrier's name does not vouch for another carrier, so "FedEx 1-800-555-0102" does
    not become a Japan Post number.
    """
    trust = reading.fmt.trust
    if trust is Trust.STRONG or reading.carrier in context.hinted:
        return True
    if not context.labelled:
        return False
    domestic_to = reading.fmt.countries
    local = country is not None and country in domestic_to
    if trust is Trust.HINT:
        return local
    return local or not domestic_to or country is None or context.abroad_ok


def choose(readings: Sequence[Reading], country: str | None, context: Context) -> Reading | None:
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
    if not MIN_LENGTH <= len(number) <= MAX_LENGTH:
        return None
    country = country.upper() if country else None
    context = Context(labelled=True, hinted=carriers_named(carrier_hint))
    chosen = choose(readings(number), country, context)
    return TrackingNumber(chosen.carrier, number) if chosen else None
