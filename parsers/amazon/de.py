"""German, as Amazon writes it on amazon.de (for customers in Germany and Austria)."""

from __future__ import annotations

import re

from parsers.amazon.language import PLACE, Language, places, rules
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
     r"|\bkonnte nicht zugestellt werden\b|\bversuchte zustellung\b"
     r"|\bzustellung (?:wurde )?versucht\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\bzur abholung bereit\b|\bbereit zur abholung\b|\babholbereit\b"
     r"|\bkann (?:jetzt )?abgeholt werden\b|\bliegt (?:zur abholung )?(?:in|an|im|bei)\b"
     rf".{{0,40}}\b{_PICKUP_PLACES}\b"),
    (M.DELIVERED, r"^\W*zugestellt\b|\bwurde zugestellt\b|^\W*geliefert\b|\bwurde geliefert\b"
     r"|\b(?:bestellung|paket|sendung) ist angekommen\b"),
    (M.OUT_FOR_DELIVERY, r"^\W*in zustellung\b|\bist in zustellung\b|\bzustellung heute\b"
     r"|\bwird heute (?:zugestellt|geliefert)\b|\bkommt heute\b"),
    (M.DELAYED, r"\blieferverzögerung\b|\bverspät|\bverzöger"
     r"|\bneues (?:voraussichtliches )?(?:liefer|zustell)datum\b"
     r"|\bspäter als (?:erwartet|geplant|ursprünglich)\b"),
    (M.SHIPPED, r"^\W*versandt\b|^\W*versendet\b|\bwurden? (?:versandt|versendet|verschickt)\b"
     r"|\b(?:sendung|paket|bestellung) ist unterwegs\b"),
    (M.ORDERED, r"^\W*bestellt\b|\b(?:ihre|deine) amazon(?:\.de)?[- ]bestellung\b"
     r"|\bbestellbestätigung\b|\bdanke für (?:ihre|deine) bestellung\b"),
)  # fmt: skip

# Amazon.de wrote "Sie" ("Ihr Paket") until 2023 and writes "Du" ("Dein Paket") now;
# both are listed. Headlines only, not the labels of the progress bar ("Bestellt",
# "Versandt", "In Zustellung", "Zugestellt") that every shipment email shows.
_YOUR = r"(?:ihr|ihre|dein|deine)"
_BODY = rules(
    (M.CANCELLED, r"\b(?:bestellung|artikel) (?:wurde|wurden) (?:erfolgreich )?storniert\b"),
    (M.DELIVERY_ATTEMPTED, rf"\bkonnten? (?:{_YOUR} (?:paket|sendung) )?(?:heute )?nicht "
     r"zugestellt werden\b|\bzustellversuch (?:unternommen|durchgeführt)\b"
     rf"|\b{_YOUR} (?:zustellung|lieferung) wurde versucht\b"
     rf"|\bwir haben versucht,? {_YOUR} (?:paket|sendung|bestellung) zuzustellen\b"),
    (M.AVAILABLE_FOR_PICKUP, rf"\b{_YOUR} (?:paket|sendung) (?:liegt|ist) (?:jetzt )?"
     r"(?:zur abholung bereit|abholbereit)\b"),
    (M.DELIVERED, rf"\b{_YOUR} (?:paket|sendung|bestellung) wurde (?:heute )?zugestellt\b"),
    (M.OUT_FOR_DELIVERY, rf"\b{_YOUR} (?:paket|sendung) (?:ist|wird) heute (?:in zustellung|"
     rf"zugestellt)\b|\b{_YOUR} (?:paket|sendung) ist in zustellung\b"),
    (M.DELAYED, r"\b(?:ist|sind) (?:leider )?verspätet\b|\bspäter als (?:erwartet|geplant|"
     r"ursprünglich)\b|\b(?:verzögert sich|hat sich verzögert)\b"),
    (M.SHIPPED, rf"\b{_YOUR} (?:paket|sendung|bestellung|artikel) "
     r"(?:wurden?|ist) (?:heute )?(?:versandt|versendet|verschickt)\b"
     r"|\bdie sendung wurde mit \S+(?: \S+)? (?:versandt|versendet|verschickt)\b"),
    (M.ORDERED, r"\b(?:vielen )?dank für (?:ihre|deine) bestellung\b|\bbestellbestätigung\b"),
)  # fmt: skip

# "mit UPS versandt": a name of at most two words, then the verb.
_BEFORE_VERB = (
    r"(?=\s+[A-Z][\w&.\-]{1,20}(?: [\w&.\-]{1,20})?\s+"
    r"(?:versandt|versendet|verschickt|zugestellt|geliefert)\b)"
)

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
    # GLS", and with the carrier before the verb as German puts it in a subordinate
    # order: "Die Sendung wurde mit UPS versandt". Not "Versand durch Amazon": that is
    # Amazon's fulfilment label beside an item, whichever carrier delivers the parcel.
    carrier_label=re.compile(
        r"(?:\b(?:zusteller|versanddienstleister|paketdienst|transportunternehmen)\s*:?"
        r"|\b(?:versandt|versendet|verschickt) (?:mit|über|durch)"
        r"|\b(?:zugestellt|geliefert|zustellung) (?:durch|von|mit)"
        rf"|\b(?:wurde|wird|ist) (?:heute )?mit(?: dem paketdienst| dem zusteller)?{_BEFORE_VERB})"
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
    # "Dein Einmalpasswort lautet 482913", "Ihr Einmal-Passwort: 482913", "Zustellcode".
    delivery_code=re.compile(
        r"\b(?:einmal-?passwort|einmalkennwort|einmalcode|zustellcode|liefercode)(?: \(otp\))?"
        r"(?: lautet| ist)?\s*:?\s*(?P<code>(?=[A-Z]{0,11}\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # "Abholort" above the locker's name, or "liegt im Amazon Locker ... zur Abholung bereit"
    pickup_location=places(
        rf"\b(?:abholort|abholstelle|abholstation|abholpunkt)\s*:?\s*{PLACE}",
        r"\bliegt (?:jetzt )?(?:im|in der|in|beim|bei der|an der|am)\s+"
        r"(?P<place>[^\n,.;:!?]{2,80}?)\s+(?:zur abholung|abholbereit|bereit)",
    ),
    # "Bitte holen Sie Ihr Paket bis Donnerstag, 2. April ab", "abholbereit bis 2. April"
    pickup_deadline=(
        rf"(?:holen sie|hol|kannst du|können sie) {_YOUR} (?:paket|sendung|bestellung)"
        r"(?: spätestens)? bis(?: zum)?",
        r"(?:abholbereit|abholbar|abzuholen|abholen)(?: spätestens)? bis(?: zum)?",
    ),
    # "Ihr Paket wurde an der Haustür abgelegt" -> "an der Haustür abgelegt"
    delivery_location=places(
        r"\b(?:wurde|wurden) (?P<place>(?:an|in|vor|bei|im|am|auf|unter|hinter|neben|beim"
        r"|einem|einer|persönlich|ihrem|deinem)\b[^\n.!?]{2,80}?"
        r"(?:abgelegt|abgegeben|hinterlegt|übergeben|zugestellt))\b",
    ),
    # A refund that is late is not a refund.
    informational=re.compile(
        r"\b(?:rück)?erstattung\w* (?:\w+ )?(?:verzögert|verspätet|noch nicht)"
        r"|\bverzögerung (?:bei )?(?:der |ihrer |deiner )?(?:rück)?erstattung",
        re.IGNORECASE,
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
