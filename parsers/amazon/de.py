"""German, as Amazon writes it on amazon.de (for customers in Germany and Austria)."""

from __future__ import annotations

import re

from parsers.amazon.language import Language, rules
from parsers.model import Milestone as M

# Day-first dates: "Freitag, 27. März", "Fr., 27. März 2026". The grammar reads an
# optional dot after a month or weekday, so "Mär." and "Mo." need no entries of their own.
_MONTHS = {
    "januar": 1, "jänner": 1, "jan": 1, "jän": 1, "februar": 2, "feber": 2, "feb": 2,
    "märz": 3, "maerz": 3, "mär": 3, "mrz": 3, "april": 4, "apr": 4, "mai": 5,
    "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "dezember": 12, "dez": 12,
}  # fmt: skip

_WEEKDAYS = {
    "montag": 0, "mo": 0, "dienstag": 1, "di": 1, "mittwoch": 2, "mi": 2,
    "donnerstag": 3, "do": 3, "freitag": 4, "fr": 4, "samstag": 5, "sonnabend": 5,
    "sa": 5, "sonntag": 6, "so": 6,
}  # fmt: skip

_RELATIVE_DAYS = {"heute": 0, "morgen": 1, "übermorgen": 2}

# Where Amazon Hub and DHL keep parcels for collection.
_PICKUP_PLACES = r"(?:packstation|abholstation|locker|amazon counter|paketshop|filiale)"

_SUBJECT = rules(
    (M.CANCELLED, r"\bstornier(?:t|ung)"),
    (M.REFUNDED, r"(?:\brück)?erstattung\b|\berstattet\b"),
    (M.RETURN_STARTED, r"\brücksendung\b|\brückgabe\b|\bretoure\b"),
    (M.DELIVERY_ATTEMPTED, r"\bzustellversuch\b|\bnicht angetroffen\b"
     r"|\bkonnte nicht zugestellt werden\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\bzur abholung bereit\b|\bbereit zur abholung\b|\babholbereit\b"
     r"|\bkann (?:jetzt )?abgeholt werden\b|\bliegt (?:zur abholung )?(?:in|an|im|bei)\b"
     rf".{{0,40}}\b{_PICKUP_PLACES}\b"),
    (M.DELIVERED, r"^\W*zugestellt\b|\bwurde zugestellt\b|^\W*geliefert\b|\bwurde geliefert\b"),
    (M.OUT_FOR_DELIVERY, r"^\W*in zustellung\b|\bist in zustellung\b|\bzustellung heute\b"
     r"|\bwird heute (?:zugestellt|geliefert)\b|\bkommt heute\b"),
    (M.DELAYED, r"\blieferverzögerung\b|\blieferupdate\b|\bverspät|\bverzöger"
     r"|\bneues (?:voraussichtliches )?(?:liefer|zustell)datum\b"
     r"|\bspäter als (?:erwartet|geplant|ursprünglich)\b"),
    (M.SHIPPED, r"^\W*versandt\b|^\W*versendet\b|\bwurden? (?:versandt|versendet|verschickt)\b"
     r"|\b(?:sendung|paket|bestellung) ist unterwegs\b"),
    (M.ORDERED, r"^\W*bestellt\b|\bihre amazon(?:\.de)?[- ]bestellung\b|\bbestellbestätigung\b"
     r"|\bdanke für ihre bestellung\b"),
)  # fmt: skip

_BODY = rules(
    (M.CANCELLED, r"\b(?:bestellung|artikel) (?:wurde|wurden) (?:erfolgreich )?storniert\b"),
    (M.DELIVERY_ATTEMPTED, r"\bkonnten? (?:ihr paket |ihre sendung )?(?:heute )?nicht zugestellt "
     r"werden\b|\bzustellversuch (?:unternommen|durchgeführt)\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\b(?:ihr paket|ihre sendung) (?:liegt|ist) (?:jetzt )?"
     r"(?:zur abholung bereit|abholbereit)\b"),
    (M.DELIVERED, r"\b(?:ihr paket|ihre sendung|ihre bestellung) wurde (?:heute )?zugestellt\b"
     r"|^\s*(?:heute )?zugestellt\s*$"),
    (M.OUT_FOR_DELIVERY, r"\b(?:ihr paket|ihre sendung) (?:ist|wird) heute (?:in zustellung|"
     r"zugestellt)\b|\b(?:ihr paket|ihre sendung) ist in zustellung\b|^\s*in zustellung\s*$"),
    (M.DELAYED, r"\b(?:ist|sind) (?:leider )?verspätet\b|\bspäter als (?:erwartet|geplant|"
     r"ursprünglich)\b|\b(?:verzögert sich|hat sich verzögert)\b"),
    (M.SHIPPED, r"\b(?:ihr paket|ihre sendung|ihre bestellung|ihr artikel|ihre artikel) "
     r"(?:wurden?|ist) (?:heute )?(?:versandt|versendet|verschickt)\b"),
    (M.ORDERED, r"\b(?:vielen )?dank für ihre bestellung\b|\bbestellbestätigung\b"),
)  # fmt: skip

_DAY_WORDS = r"heute|morgen|übermorgen|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag"

# Phrases that introduce a delivery estimate, newest-information first.
_ETA_PHRASES = (
    r"neue[sr]? (?:voraussichtliche[sr]? )?(?:liefer|zustell)(?:datum|termin)(?: ist)?:?",
    r"neue voraussichtliche (?:zustellung|lieferung|ankunft)(?: am)?:?",
    r"(?:jetzt|nun) voraussichtlich(?: am)?:?",
    r"voraussichtliche[sr]? (?:zustellung|lieferung|ankunft|(?:liefer|zustell)(?:datum|termin))"
    r"(?: am| zwischen)?:?",
    r"zustellung(?: voraussichtlich)?(?: am| zwischen| bis)?:?",
    r"lieferung(?: voraussichtlich)?(?: am| zwischen| bis)?:?",
    r"ankunft(?: voraussichtlich)?(?: am| zwischen| bis)?:?",
    # "Ihr Paket wird heute zugestellt", "kommt am Freitag, 27. März"
    rf"(?:wird|werden|kommt|kommen)(?: jetzt| nun| voraussichtlich)*(?: am)?(?=\s+(?:{_DAY_WORDS}"
    r"|\d))",
)

GERMAN = Language(
    code="de",
    months=_MONTHS,
    weekdays=_WEEKDAYS,
    relative_days=_RELATIVE_DAYS,
    subject_rules=_SUBJECT,
    body_rules=_BODY,
    eta_phrases=_ETA_PHRASES,
    quantity=re.compile(r"\b(?:menge|anzahl|stückzahl)\s*:?\s*(\d{1,3})\b", re.IGNORECASE),
    # "Zustellfoto", "Foto Ihres Pakets", "Bild von Ihrem Paket"
    photo_label=re.compile(
        r"foto\b|\bbild (?:ihres|von ihrem|des) (?:pakets?|päckchens?|sendung)", re.IGNORECASE
    ),
    # "Versandt mit DHL", "Zusteller: DPD", "Versanddienstleister: Hermes", "zugestellt durch
    # GLS". Not "Versand durch Amazon": that is Amazon's fulfilment label beside an item,
    # whichever carrier delivers the parcel.
    carrier_label=re.compile(
        r"(?:\b(?:zusteller|versanddienstleister|paketdienst|transportunternehmen)\s*:?"
        r"|\b(?:versandt|versendet|verschickt) (?:mit|über|durch)"
        r"|\b(?:zugestellt|geliefert|zustellung) (?:durch|von|mit))"
        r"\s+(?P<name>[A-Z][\w&.\- ]{1,30})",
        re.IGNORECASE,
    ),
    # "Verkauf durch: Amazon EU S.à r.l.", "Verkauft von: ..."
    sold_by=re.compile(r"^\s*verkauf(?:t)? (?:durch|von)\b", re.I | re.M),
    generic_link=re.compile(
        r"^(?:erneut kaufen|nochmals kaufen|ansehen|anzeigen|details|bestelldetails|"
        r"(?:sendung|paket|lieferung) verfolgen|verfolgen|(?:artikel )?zurücksenden|"
        r"rücksendung|teilen|bewerten|(?:produkt|artikel) bewerten|rezension|"
        r"(?:meine|ihre) bestellungen|bestellung (?:anzeigen|ansehen|verwalten))\b",
        re.I,
    ),
    pickup_code=re.compile(
        r"\b(?:abhol|zugangs|locker-?|pin-?)code\s*:?\s*(?P<code>[A-Z0-9]{4,12})\b", re.IGNORECASE
    ),
    negative_subjects=re.compile(
        r"\bwie gefällt ihnen\b|\bbewerten sie\b|\bwie (?:war|würden sie|bewerten sie)\b"
        r"|\bihre meinung\b|\bteilen sie ihre\b|\bangebote? (?:für sie|des tages)\b"
        r"|\bempfehlungen für sie\b",
        re.IGNORECASE,
    ),
    range_separators=("-", "–", "—", "bis", "und"),
    day_first=True,
)
