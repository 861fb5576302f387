"""Dutch, as Amazon writes it on amazon.nl and in Dutch-language amazon.com.be mail.

Dutch dates are day first ("vrijdag 27 maart", "vr 27 mrt", "27 maart 2026").
Amazon.nl says "bezorgd" (delivered) and "bezorging"; Belgian Dutch prefers
"geleverd" and "levering", and often the past tense ("werd geleverd"), so the
tables carry both.
"""

from __future__ import annotations

import re

from parsers.amazon.language import CLAUSE, PLACE, Language, places, rules
from parsers.model import Milestone as M

_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "augustus": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10,
    "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

_WEEKDAYS = {
    "maandag": 0, "ma": 0, "dinsdag": 1, "di": 1, "woensdag": 2, "wo": 2,
    "donderdag": 3, "do": 3, "vrijdag": 4, "vr": 4, "zaterdag": 5, "za": 5,
    "zondag": 6, "zo": 6,
}  # fmt: skip

_RELATIVE_DAYS = {"vandaag": 0, "vanavond": 0, "morgen": 1, "overmorgen": 2}

# "bezorgd" (NL) and "geleverd" (BE) mean the same.
_DELIVERED = r"(?:bezorgd|geleverd|afgeleverd)"

_SUBJECT = rules(
    (M.CANCELLED, r"\bgeannuleerd\b|\bannulering\b"),
    (M.REFUNDED, r"\bterugbetaling\b|\bterugbetaald\b|\brestitutie\b"),
    (M.RETURN_RECEIVED, r"\bretour(?:zending)? (?:is )?ontvangen\b"
     r"|\bwe hebben je retour(?:zending)? ontvangen\b"),
    (M.RETURN_STARTED, r"^\W*retour\b|\bretour(?:zending|aanvraag|label|verzoek)\b"
     r"|\bje retour\b|\bterugzending\b"),
    (M.DELIVERY_ATTEMPTED, r"\bbezorgpoging\b|\bleverpoging\b|\bniet thuis\b"
     r"|\bkon(?:den)? niet (?:worden )?(?:bezorgd|geleverd)\b|\bpoging tot (?:bezorging|levering)\b"
     r"|\bwe hebben geprobeerd (?:je |uw )?pakket te (?:bezorgen|leveren)\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\bklaar (?:om (?:op|af) te halen|voor (?:ophalen|afhalen))\b"
     r"|\bligt (?:voor je )?klaar\b|\bkan (?:nu )?(?:worden )?(?:opgehaald|afgehaald)\b"),
    (M.DELIVERED, rf"^\W*{_DELIVERED}\b|\b(?:is|zijn|werd|werden) (?:vandaag )?{_DELIVERED}\b"),
    # Not "vandaag bezorgd" alone: that reads as "delivered today" as often as
    # "to be delivered today".
    (M.OUT_FOR_DELIVERY, r"\b(?:wordt|worden) vandaag (?:bezorgd|geleverd)\b"
     r"|^\W*(?:bezorging|levering) vandaag\b|\bis onderweg (?:voor bezorging|naar je adres)\b"
     r"|\bvandaag onderweg naar je\b"),
    (M.DELAYED, r"\bvertraagd\b|\bvertraging\b|\blater dan (?:verwacht|gepland)\b"
     r"|\bnieuwe (?:verwachte )?(?:bezorg|lever)datum\b"),
    (M.SHIPPED, r"^\W*verzonden\b|\b(?:is|zijn|werd|werden) verzonden\b|\bis onderweg\b"),
    (M.ORDERED, r"^\W*bestelling geplaatst\b|^\W*besteld\b"
     r"|\bje amazon(?:\.nl|\.com\.be)?[- ]?bestelling\b|\bbestelbevestiging\b"
     r"|\bbevestiging van (?:je|uw) bestelling\b|\bbedankt voor (?:je|uw) bestelling\b"),
)  # fmt: skip

# Headlines only, not the labels of the progress bar ("Besteld", "Verzonden",
# "Onderweg", "Bezorgd") that every shipment email shows.
_BODY = rules(
    (M.CANCELLED, r"\b(?:bestelling|artikel(?:en)?) (?:is|zijn|werd|werden) geannuleerd\b"),
    (M.DELIVERY_ATTEMPTED, r"\bkonden (?:je pakket |uw pakket )?(?:vandaag )?niet "
     r"(?:bezorgen|leveren)\b|\bwe hebben geprobeerd (?:je |uw )?pakket te (?:bezorgen|leveren)\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\b(?:je|uw) (?:pakket|bestelling) ligt (?:nu )?(?:voor je )?klaar\b"
     r"|\bklaar om (?:op|af) te halen\b"),
    (M.DELIVERED, rf"\b(?:je|uw) (?:pakket|bestelling) (?:is|werd) (?:vandaag )?{_DELIVERED}\b"),
    (M.OUT_FOR_DELIVERY, r"\b(?:je|uw) (?:pakket|bestelling) wordt vandaag (?:bezorgd|geleverd)\b"),
    (M.DELAYED, r"\b(?:is|zijn) (?:helaas )?vertraagd\b|\blater dan (?:verwacht|gepland)\b"),
    # Not after "zodra" / "wanneer": "we mailen je zodra je artikelen zijn verzonden" is
    # the confirmation email's promise, not news.
    (M.SHIPPED, r"(?<!zodra )(?<!wanneer )\b(?:je|uw) (?:pakket|bestelling|artikel|artikelen) "
     r"(?:is|zijn|werd|werden) verzonden\b"),
    (M.ORDERED, r"\bbedankt voor (?:je|uw) bestelling\b|^\s*bestelbevestiging\b"
     r"|^\s*bestelling geplaatst\b"),
)  # fmt: skip

_DAY_WORDS = r"vandaag|vanavond|morgen|overmorgen|maandag|dinsdag|woensdag|donderdag|vrijdag"
_DAY_WORDS += r"|zaterdag|zondag"

# Phrases that introduce a delivery estimate, newest-information first. Each may end
# with the "op" / "tussen" / ":" that stands between it and the date.
_ETA_PHRASES = (
    r"nieuwe (?:verwachte )?(?:bezorg|lever)datum(?:\s*:)?(?:\s+(?:is|op|tussen))?",
    r"(?:nu|inmiddels) verwacht(?:\s*:)?(?:\s+(?:op|tussen))?",
    r"verwachte (?:levering|bezorging|leverdatum|bezorgdatum|aankomst)(?:\s*:)?"
    r"(?:\s+(?:op|tussen))?",
    r"(?:levering|bezorging|aankomst) verwacht(?:\s*:)?(?:\s+(?:op|tussen))?",
    r"(?:arriveert|komt aan)(?:\s+(?:op|tussen|uiterlijk))?",
    # "Je pakket wordt vandaag bezorgd", "wordt op vrijdag 27 maart geleverd"
    rf"(?:wordt|worden)(?: naar verwachting| nu)?(?: op)?(?=\s+(?:{_DAY_WORDS}|\d))",
    r"(?:levering|bezorging|aankomst)\s*:(?:\s*(?:op|tussen))?",
)

# "met PostNL verzonden": a name of at most two words, then the verb.
_BEFORE_VERB = (
    r"(?=\s+[A-Z][\w&.\-]{1,20}(?: [\w&.\-]{1,20})?\s+"
    r"(?:verzonden|verstuurd|bezorgd|geleverd)\b)"
)

DUTCH = Language(
    code="nl",
    months=_MONTHS,
    weekdays=_WEEKDAYS,
    relative_days=_RELATIVE_DAYS,
    subject_rules=_SUBJECT,
    body_rules=_BODY,
    eta_phrases=_ETA_PHRASES,
    quantity=re.compile(r"\b(?:aantal|hoeveelheid)\s*:?\s*(\d{1,3})\b", re.IGNORECASE),
    # "Foto van je pakket", "Bezorgfoto", "Afbeelding van je pakket"
    photo_label=re.compile(r"foto\b|\bafbeelding van (?:je |uw )?(?:pakket|levering)\b", re.I),
    # "Vervoerder: PostNL", "verzonden met DHL", "bezorgd door bpost", "overgedragen aan
    # PostNL". "Verzonden door Amazon" under an item is Amazon's fulfilment, not the
    # carrier, so "verzonden door" never names Amazon.
    # ... and with the carrier before the verb, as Dutch puts it after "is" or "wordt":
    # "Je pakket is met PostNL verzonden", "wordt vandaag met DHL bezorgd".
    carrier_label=re.compile(
        r"(?:\b(?:vervoerder|bezorger|pakketdienst|transporteur)\s*:?"
        r"|\bverzonden (?:met|via|door)(?!\s+amazon\b)"
        r"|\b(?:bezorgd|geleverd) (?:door|met)|\b(?:overgedragen|doorgegeven) aan"
        rf"|\b(?:is|wordt|werd) (?:vandaag )?met{_BEFORE_VERB})"
        r"\s*(?P<name>[A-Z][\w&.\- ]{1,30})",
        re.IGNORECASE,
    ),
    sold_by=re.compile(r"^\s*verkocht (?:door|via)\b", re.I | re.M),
    generic_link=re.compile(
        r"^(?:opnieuw kopen|nogmaals kopen|bekijk|bekijken|weergeven|volg|volgen|details"
        r"|bestelgegevens|bestelling (?:bekijken|wijzigen|beheren)|retourneren|terugsturen"
        r"|deel|delen|beoordeel|schrijf|(?:je|jouw|mijn|uw) bestellingen)\b",
        re.I,
    ),
    # "Ophaalcode: 731904" at a pickup point or locker. A code holds a digit, so
    # "ophaalcode voor" never yields the word "voor".
    pickup_code=re.compile(
        r"\b(?:ophaalcode|afhaalcode|pincode|toegangscode)(?: is)?\s*:?\s*"
        r"(?P<code>(?=[A-Z]{0,11}\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # The one-time delivery code, said to the driver: "Je eenmalige wachtwoord is 482913".
    delivery_code=re.compile(
        r"\b(?:bezorgcode|verificatiecode|eenmalige (?:code|wachtwoord|bezorgcode)(?: \(otp\))?"
        r"|otp)(?: is| luidt)?\s*:?\s*(?P<code>(?=[A-Z]{0,11}\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # "Afhaalpunt: Primera De Wit, Oudegracht 112, 3511 AZ Utrecht"
    pickup_location=places(
        rf"\b(?:afhaalpunt|ophaalpunt|afhaallocatie|pakketpunt)\s*:?\s*{PLACE}",
        rf"\bligt (?:voor je )?klaar (?:bij|in|op) (?:het |de )?(?!je afhaalpunt){PLACE}",
    ),
    # "Je kunt je pakket tot en met woensdag 8 april ophalen"
    pickup_deadline=(r"\btot en met", r"\buiterlijk(?: op)?", r"\bophalen (?:vóór|voor)"),
    # "afgegeven bij je buren op nummer 14"; Belgian order: "werd aan de voordeur afgegeven".
    delivery_location=places(
        r"\b(?:is|werd) (?=(?:afgegeven|achtergelaten|bezorgd|geleverd|neergezet) (?:bij|aan|in"
        rf"|op|voor|achter|naast)\b){CLAUSE}",
        r"\b(?:is|werd) (?=(?:bij|aan|in|op|voor|achter|naast)\b[^\n.!?]{2,60}?(?:afgegeven"
        rf"|achtergelaten|neergezet|geleverd|bezorgd)\b){CLAUSE}",
    ),
    # A refund that is late is not a refund.
    informational=re.compile(
        r"\bterugbetaling\b[^\n]{0,40}?\b(?:vertraagd|vertraging|later)"
        r"|\bvertraging (?:bij|van|in) (?:je |uw |de )?terugbetaling\b",
        re.IGNORECASE,
    ),
    negative_subjects=re.compile(
        r"^\W*beoordeel\b|\bhoe (?:beoordeel|vond|was|waardeer)\b|\bdeel je (?:ervaring|mening)\b"
        r"|\bwat vind je van\b|\bschrijf een (?:review|recensie|beoordeling)\b"
        r"|\b(?:aanbiedingen|deals) (?:voor jou|van de dag)\b|\baanbevolen voor jou\b",
        re.IGNORECASE,
    ),
    # "27/03/2026" (it) and "27-03-2026" (nl): day first when written in digits too.
    numeric_dates="dmy",
    range_separators=("-", "–", "—", "tot", "en"),
    day_first=True,
)
