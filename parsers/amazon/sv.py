"""Swedish, as Amazon writes it on amazon.se.

Swedish dates are day first and lower case, with or without a comma after the
weekday ("fredag 27 mars", "fre 27 mars 2026"). Relative days are two words in
standard spelling and one word in common use ("i dag"/"idag", "i morgon"/"imorgon"),
and both are listed. Amazon.se quotes item titles in subjects with ” on both sides.

Swedish past participles agree with the noun: a parcel ("paket", neuter) is
"levererat", an order ("beställning", common gender) is "levererad", several are
"levererade"; the patterns accept all three.
"""

from __future__ import annotations

import re

from parsers.amazon.language import CLAUSE, PLACE, Language, places, rules
from parsers.model import Milestone as M

_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4,
    "apr": 4, "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

_WEEKDAYS = {
    "måndag": 0, "mån": 0, "mandag": 0, "tisdag": 1, "tis": 1, "onsdag": 2, "ons": 2,
    "torsdag": 3, "tors": 3, "tor": 3, "fredag": 4, "fre": 4, "lördag": 5, "lör": 5,
    "lordag": 5, "söndag": 6, "sön": 6, "sondag": 6,
}  # fmt: skip

_RELATIVE_DAYS = {
    "i dag": 0, "idag": 0, "i kväll": 0, "ikväll": 0, "i morgon": 1, "imorgon": 1,
    "i övermorgon": 2, "iövermorgon": 2,
}  # fmt: skip

# "Levererat", "levererad", "levererade": one pattern each for the participles.
_PART = r"(?:t|d|de)"
# Where PostNord, DHL, Instabox and Amazon keep parcels for collection.
_PICKUP_PLACES = (
    r"(?:ombud(?:et)?|utlämningsställe(?:t)?|paketskåp(?:et)?|paketbox(?:en)?|instabox"
    r"|amazon locker|amazon hub|servicepunkt(?:en)?|postombud(?:et)?)"
)

_SUBJECT = rules(
    (M.CANCELLED, r"\bavbr(?:uten|utet|utna|utits?)\b|\bannuller|\bavbeställ|\bavbokad"),
    (M.REFUNDED, r"\båterbetal|\bpengarna (?:har )?(?:återförts|betalats tillbaka)"),
    (M.RETURN_RECEIVED, r"\b(?:vi har )?(?:tagit emot|mottagit) din retur\b"
     r"|\bretur(?:en)? (?:har )?(?:mottagits|tagits emot|mottagen)\b"),
    (M.RETURN_STARTED, r"^\W*retur\b|\bdin retur\b|\breturnering\b|\breturetikett\b"
     r"|\breturen (?:har )?(?:registrerats|påbörjats)\b"),
    (M.DELIVERY_ATTEMPTED, r"\bleveransförsök\b|\bkunde inte levereras\b"
     r"|\bvi (?:försökte leverera|kunde inte leverera)\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\bredo (?:att )?(?:hämtas|för upphämtning|för avhämtning)\b"
     r"|\bkan (?:nu )?hämtas\b|\bfinns att hämta\b|\bklar(?:t)? för (?:upp|av)hämtning\b"
     r"|\bväntar på dig (?:hos|i|vid|på)\b"
     # "har levererats till ditt ombud": delivered to a pickup point is ready for pickup
     rf"|\bhar (?:kommit (?:fram )?|levererats )till .{{0,25}}\b{_PICKUP_PLACES}"),
    (M.DELIVERED, rf"^\W*leverera{_PART}\b|\bhar (?:nu )?levererats\b|\bhar blivit levererad"
     r"|^\W*paket(?:et)? levererat\b"),
    (M.OUT_FOR_DELIVERY, r"^\W*ute för leverans\b|\bär ute för leverans\b"
     r"|^\W*levereras (?:i dag|idag)\b|\b(?:kommer|levereras|anländer) (?:i dag|idag)\b"),
    (M.DELAYED, r"\bförsen|\bnytt (?:beräknat )?leveransdatum\b"
     r"|\bsenare än (?:väntat|beräknat|planerat)\b"),
    (M.SHIPPED, rf"^\W*skicka{_PART}\b|\bhar (?:nu )?skickats\b|\bär på väg\b|\bhar (?:nu )?"
     r"lämnat (?:vårt|lagret)\b"),
    (M.ORDERED, rf"^\W*beställ{_PART}\b|\bbeställning(?:en)? (?:är )?bekräftad\b"
     r"|\borderbekräftelse\b|\btack för din beställning\b|^\W*din beställning\b"
     r"|\bdin amazon(?:\.se)?[- ]beställning\b"),
)  # fmt: skip

# A headline states a fact; the same words after "när" or "om" ("Vi meddelar dig när
# dina artiklar har skickats", in every order confirmation) announce a future one.
_NOT_WHEN = r"(?<!när )(?<!om )"

_BODY = rules(
    (M.CANCELLED, r"\b(?:din )?beställning(?:en)? har (?:avbrutits|annullerats)\b"
     r"|\b(?:artikeln|artiklarna) har (?:avbrutits|annullerats|tagits bort)\b"),
    (M.DELIVERY_ATTEMPTED, r"\bvi försökte leverera\b|\bkunde inte (?:levereras|leverera)\b"),
    (M.AVAILABLE_FOR_PICKUP, rf"{_NOT_WHEN}\bditt paket (?:är redo att hämtas|kan (?:nu )?hämtas"
     r"|väntar på dig)\b"),
    # Not a bare "Levererat" line: that is a label of the progress bar every shipment
    # email shows.
    (M.DELIVERED, rf"{_NOT_WHEN}\b(?:ditt paket|din beställning|din försändelse) har (?:nu )?"
     r"levererats\b|^\s*levererat (?:i dag|idag)\b"),
    (M.OUT_FOR_DELIVERY, rf"{_NOT_WHEN}\b(?:ditt paket|din försändelse) (?:är ute för leverans"
     r"|levereras (?:i dag|idag))\b"),
    (M.DELAYED, r"\b(?:är|har blivit) försenad|\bsenare än (?:väntat|beräknat|planerat)\b"),
    (M.SHIPPED, rf"{_NOT_WHEN}\b(?:ditt paket|din beställning|din försändelse|dina artiklar) har"
     r" (?:nu )?skickats\b"),
    (M.ORDERED, r"\btack för din beställning\b|^\s*orderbekräftelse\b"),
)  # fmt: skip

_DAY_WORDS = (
    r"i dag|idag|i morgon|imorgon|i övermorgon|måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag"
)

# Phrases that introduce a delivery estimate, newest-information first. "på" stands
# before a weekday ("på fredag"), "den" before a date ("den 27 mars").
_ETA_PHRASES = (
    r"nytt (?:beräknat |uppskattat |förväntat )?leveransdatum(?: är\b)?:?(?: (?:den|på)\b)?",
    r"ny (?:beräknad |uppskattad |förväntad )?leverans(?:dag)?(?: är\b)?:?(?: (?:den|på)\b)?",
    r"(?:kommer|levereras|anländer) (?:nu|istället)(?: fram\b)?(?: (?:den|på|mellan)\b)?",
    r"(?:beräknad|förväntad|uppskattad|garanterad) (?:leverans|ankomst|leveransdag"
    r"|leveransdatum)(?: är\b)?:?(?: (?:den|på|mellan)\b)?",
    r"leverans(?:dag|datum)?:(?: (?:den|på|mellan)\b)?",
    r"ankomst:(?: (?:den|på|mellan)\b)?",
    # "Levereras i morgon", "kommer fram fredag 27 mars"
    rf"(?:levereras|kommer fram|anländer|ankommer)(?: (?:den|på|mellan)\b)?(?=\s+(?:{_DAY_WORDS}"
    r"|\d))",
)

SWEDISH = Language(
    code="sv",
    months=_MONTHS,
    weekdays=_WEEKDAYS,
    relative_days=_RELATIVE_DAYS,
    subject_rules=_SUBJECT,
    body_rules=_BODY,
    eta_phrases=_ETA_PHRASES,
    quantity=re.compile(r"\b(?:antal|kvantitet)\s*:?\s*(\d{1,3})\b", re.IGNORECASE),
    # "Leveransfoto", "Foto på ditt paket", "bild på var paketet lämnades"
    photo_label=re.compile(r"foto\b|\bbild (?:på|av) (?:ditt |var )?(?:paket|leverans)", re.I),
    # "Transportör: PostNord", "skickas med DHL", "levereras av Amazon Logistics",
    # "har lämnats över till PostNord". Not "Skickas från Amazon": that is the
    # fulfilment label beside an item.
    carrier_label=re.compile(
        r"(?:\b(?:transportör|fraktbolag|leverantör|budfirma)\s*:"
        r"|\b(?:skicka|leverera)(?:s|t|ts|d|de) (?:med|av|via)"
        r"|\b(?:lämnats|överlämnats|överlämnat|lämnat) (?:över )?till)"
        r"\s+(?P<name>[A-Z][\w&.\- ]{1,30})",
        re.IGNORECASE,
    ),
    # "Säljs av: Amazon EU S.à r.l.", "Såld av ...", "Säljare: ..."
    sold_by=re.compile(r"^\s*(?:säljs av|såld av|säljare\s*:)", re.I | re.M),
    generic_link=re.compile(
        r"^(?:köp igen|visa|se|spåra|hantera|ändra|returnera|betygsätt|skriv|dela|lämna"
        r"|dina beställningar|ditt konto|beställningsinformation|orderdetaljer|hjälp)\b",
        re.I,
    ),
    # "Upphämtningskod: 482913", "Din hämtkod är 4821", "PIN-kod: 7302". A code has a
    # digit, so "hämtkoden finns i appen" yields no code.
    pickup_code=re.compile(
        r"\b(?:upphämtnings|uthämtnings|hämtnings|hämt|pin-?|öppnings)kod(?:en)?(?: är)?"
        r"\s*:?\s*(?P<code>(?=[A-Z]*\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # "Ditt engångslösenord är 482913": said to the driver, not a locker code.
    delivery_code=re.compile(
        r"\b(?:engångslösenord(?:et)?|engångskod(?:en)?|leveranskod(?:en)?|otp)(?: \(otp\))?"
        r"(?: är)?\s*:?\s*(?P<code>(?=[A-Z]*\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    pickup_location=places(
        rf"\b(?:utlämningsställe(?:t)?|ombud(?:et)?|hämtställe(?:t)?|upphämtningsställe(?:t)?)"
        rf"\s*:\s*{PLACE}",
        rf"\bväntar på dig (?:hos|i|vid|på) {PLACE}",
    ),
    pickup_deadline=(r"\bhämtas (?:senast|före)(?: den)?", r"\bsenast(?: den)?"),
    # "Paketet lämnades vid ytterdörren" -> "lämnades vid ytterdörren"
    delivery_location=places(
        r"\b(?=(?:lämnades|levererades|placerades|ställdes|överlämnades) (?:vid|i|på|hos|utanför"
        rf"|bakom|till)\b){CLAUSE}",
    ),
    # A refund that is late is not a refund.
    informational=re.compile(
        r"\båterbetalning(?:en)?\b[^\n]{0,40}?\b(?:försenad|fördröjd|väntar)"
        r"|\bförsenad återbetalning\b",
        re.IGNORECASE,
    ),
    negative_subjects=re.compile(
        r"^\W*betygsätt\b|\bhur (?:var|gillar du|skulle du|nöjd)\b|\bdela (?:din|med dig av)"
        r" (?:åsikt|upplevelse|erfarenhet)\b|\bvad tycker du\b|\bskriv en recension\b"
        r"|\b(?:erbjudanden|rekommendationer|deals?) (?:för dig|till dig)\b"
        r"|\bdagens (?:erbjudanden|deals?)\b|\butvalda för dig\b",
        re.IGNORECASE,
    ),
    range_separators=("-", "–", "—", "till", "och"),
    day_first=True,
    numeric_dates="ymd",
)
