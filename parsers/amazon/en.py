"""English, as Amazon writes it on amazon.com, .ca, .co.uk, .in and .com.au."""

from __future__ import annotations

import re

from parsers.amazon.language import CLAUSE, PLACE, Language, places, rules
from parsers.model import Milestone as M

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "october": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2,
    "wed": 2, "thursday": 3, "thu": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip

_SUBJECT = rules(
    (M.CANCELLED, r"\bcancel+ed\b|\bcancellation\b"),
    # Before refunds: "We've received your return" often promises the refund too. A
    # received return *request* is only the start of a return.
    (M.RETURN_RECEIVED, r"\breturn received\b|\breceived your return\b(?! request| label)"),
    (M.REFUNDED, r"\brefund\b"),
    (M.RETURN_STARTED, r"\breturn (?:request|label|started|authori[sz])|\byour return\b"),
    (M.DELIVERY_ATTEMPTED, r"\bdelivery attempt|\battempted delivery\b|\bwe missed you\b"
     r"|\bdelivery was attempted\b|\bwe tried to deliver\b"),
    # "Ready for collection" and "ready to collect" are the UK's words for pickup.
    # Amazon Hub: "You have a package to pick up", and the apartment lockers' "Someone in
    # your unit has a package".
    (M.AVAILABLE_FOR_PICKUP, r"\b(?:ready|available) (?:for|to) (?:pick ?up|collect(?:ion)?)\b"
     r"|\bready to be collected\b|\b(?:package|parcel) to (?:pick ?up|collect)\b"
     r"|\bin your unit has an? (?:package|parcel)\b"
     r"|\barrived at (?:the |an |your )?amazon (?:hub|locker|counter)\b"),
    # "Your Amazon order has arrived!" (2024), but not "arrived at" a locker or counter.
    (M.DELIVERED, r"^\W*delivered\b|\bhas been delivered\b|\bwas delivered\b"
     r"|\b(?:order|package|parcel|items?) (?:has|have) arrived\b(?! at)"),
    # A subject about the one-time delivery password names no milestone: Amazon mails
    # it when a parcel ships in some marketplaces and on the day of delivery in others,
    # so its body says which.
    (M.OUT_FOR_DELIVERY, r"^\W*out for delivery\b|^\W*arriving today\b|\bis out for delivery\b"),
    # Amazon hands a parcel over to another carrier for the last leg. Not "handed to":
    # that is how a parcel given to a neighbour is described.
    (M.IN_TRANSIT, r"\btransferred (?:your (?:package|parcel) )?to\b"),
    # Not "Delivery update": Amazon titles delays and failed attempts so, and the
    # body's headline says which (in every language: "Lieferupdate", "Bezorgupdate",
    # "Mise à jour de la livraison", ... name no milestone either).
    (M.DELAYED, r"\brunning late\b|\blater than (?:expected|originally)"
     r"|\bdelayed\b|\bnew delivery (?:date|estimate)\b"),
    # "Arriving tomorrow", "Arriving Friday": since 2025 amazon.com's shipment emails
    # may say only when the parcel comes ("Arriving today" is out for delivery, above).
    (M.SHIPPED, r"^\W*shipped\b|\bhas (?:been )?shipped\b|\bhave shipped\b|^\W*dispatched\b"
     r"|\bhas been dispatched\b|\bon its way\b|^\W*arriving\b"),
    # "Amazon.com order of <title>." is how a Kindle book or other digital order is confirmed.
    (M.ORDERED, r"^\W*ordered\b|\byour amazon(?:\.[a-z.]+)? order\b|\border confirmation\b"
     r"|\bthanks for your order\b|^\W*amazon(?:\.[a-z.]+)? order of\b"),
)  # fmt: skip

_BODY = rules(
    (M.CANCELLED, r"\b(?:order|items?) (?:has|have) been cancel+ed\b"),
    (M.RETURN_RECEIVED, r"\bwe(?:['’]ve| have) received your return\b(?! request| label)"),
    (M.REFUNDED, r"\bwe(?:['’]ve| have) (?:issued|processed) (?:your|a) refund\b"),
    (M.DELIVERY_ATTEMPTED, r"\bwe tried to deliver\b|\ba delivery was attempted\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\byour (?:package|parcel) is (?:now )?(?:ready|available) "
     r"(?:for|to) (?:pick ?up|collect(?:ion)?)\b"
     r"|\b(?:package|parcel) (?:has been|was) delivered to (?:the |an )?amazon hub\b"),
    (M.DELIVERED, r"\byour (?:package|parcel|order) (?:was|has been) delivered\b"
     r"|^\s*delivered today\b|\byour (?:order|package|parcel) has arrived\b(?! at)"),
    # Not a line reading just "Out for delivery": every progress bar has one.
    (M.OUT_FOR_DELIVERY, r"\byour (?:package|parcel) is out for delivery\b"
     r"|\byour delivery otp is\b"),
    (M.IN_TRANSIT, r"\bwe(?:['’]ve| have) transferred your (?:package|parcel) to\b"),
    (M.DELAYED, r"\b(?:is|are) running late\b|\blater than (?:expected|originally)\b"
     r"|\bhas been delayed\b"),
    (M.SHIPPED, r"\byour (?:package|parcel|order) (?:has|was) (?:been )?(?:shipped|dispatched)\b"
     r"|\bis being shipped by\b|\bhas shipped\b"),
    (M.ORDERED, r"\bthanks? (?:you )?for your order\b|\border confirmation\b"),
)  # fmt: skip

# Phrases that introduce a delivery estimate, newest-information first.
_ETA_PHRASES = (
    r"now (?:arriving|expected|estimated)(?: (?:by|on))?",
    r"new (?:estimated )?delivery (?:date|estimate)(?: is)?:?",
    r"(?:should|will) now arrive(?: by| on)?",
    r"arriving(?: by| on| between)?:?",
    r"(?:estimated|expected|guaranteed) (?:delivery|arrival)(?: date)?(?: is)?:?(?: by)?",
    r"delivery estimate:?",
    # "Your package will arrive:" with the date on the next line (2020).
    r"(?:expected|arrives?|will arrive)(?: by| on)?:?",
)

# Where a parcel is left: "in your mailbox", "near the front door", "with a neighbour".
# Not "delivered in 2 packages".
_WHERE = r"(?:in(?!\s+\d)|into|at|near|on|with|by|inside|outside|under|behind|beside|next to|to)\b"

ENGLISH = Language(
    code="en",
    months=_MONTHS,
    weekdays=_WEEKDAYS,
    relative_days={"today": 0, "tonight": 0, "tomorrow": 1},
    subject_rules=_SUBJECT,
    body_rules=_BODY,
    eta_phrases=_ETA_PHRASES,
    quantity=re.compile(r"\b(?:quantity|qty)\s*:?\s*(\d{1,3})\b", re.IGNORECASE),
    photo_label=re.compile(r"\bphoto\b|\bpicture\b|\bimage of (?:your )?(?:package|parcel)", re.I),
    # "Carrier: UPS", "shipped by USPS", "delivered by Royal Mail", "transferred to UPS"
    carrier_label=re.compile(
        r"(?:\bcarrier\s*:?|\b(?:shipped|delivered|sent|dispatched|handled) (?:by|with|via)"
        r"|\btransferred (?:your (?:package|parcel) )?to)\s+(?P<name>[A-Z][\w&.\- ]{1,30})",
        re.IGNORECASE,
    ),
    sold_by=re.compile(r"^\s*(?:sold|fulfilled) by\b", re.I | re.M),
    generic_link=re.compile(
        r"^(?:buy (?:it )?again|view|track|write a|return|share|see|leave|rate|your orders)\b", re.I
    ),
    # "Your collection code: 739204", "Your pickup code is 582741". A code has a
    # digit, so "Your pickup code is below" gives none.
    pickup_code=re.compile(
        r"\b(?:pick ?up|collection|locker|access) code(?: is)?\s*:?\s*"
        r"(?P<code>(?=[A-Z]{0,11}\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # The one-time delivery password: "Your delivery OTP is 482913", "Share OTP 482913
    # with the delivery associate", "Your one-time password is 615207". "Share the OTP
    # only with ..." gives none.
    delivery_code=re.compile(
        r"(?:\botp|\bone[- ]time (?:delivery )?password(?: \(otp\))?)(?: is)?\s*:?\s*"
        r"(?P<code>(?=[A-Z]{0,11}\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # "Collection point\nAmazon Locker - Juniper", "ready to collect from Amazon Locker -
    # Juniper", "has arrived at Amazon Counter - Next Manchester Arndale"
    pickup_location=places(
        rf"\b(?:collection point|pick ?up (?:location|point)|pick ?up at)\s*:?\s*{PLACE}",
        r"\bready (?:to collect|to pick ?up|for (?:pick ?up|collection)) (?:from|at) (?:the )?"
        + PLACE,
        rf"\b(?:has )?arrived at (?:the )?{PLACE}",
        rf"\bdelivered to (?:the )?(?=amazon hub){PLACE}",
    ),
    # "Please collect your parcel by Thursday 2 April", "Pick up by Friday, April 3"
    pickup_deadline=(
        r"\b(?:collect|pick ?up)(?: your (?:parcel|package|order|items?)| it)? by:?",
        r"\b(?:pick ?up|collection) deadline:?",
        r"\b(?:held|kept|available)(?: for (?:pick ?up|collection))? until",
    ),
    # "Your package was left near the front door or porch", "It was handed directly to
    # a resident", "Left in a safe place: front porch": the clause from its verb.
    delivery_location=places(
        rf"\b(?:was|were) (?=(?:left|placed|put|delivered) {_WHERE}|handed\b){CLAUSE}",
        rf"(?:^|[.!?]\s+)(?=left {_WHERE}){CLAUSE}",
    ),
    # A refund that is late or pending is not a refund.
    informational=re.compile(
        r"\brefund\b[^\n]{0,60}?\b(?:delayed|late|on hold|pending"
        r"|not (?:yet )?(?:issued|processed))"
        r"|\bdelay(?:ed)? (?:in|with|on|to) (?:your |the )?refund\b",
        re.IGNORECASE,
    ),
    # Review requests ("Rate your purchase", "Jane, rate your experience"), marketing and
    # Alexa's tips ("Alexa, did you know?"), which may mention a package "out for delivery".
    negative_subjects=re.compile(
        r"^\W*(?:rate|review) (?:your|this)\b|\brate your (?:purchase|item|experience|delivery)\b"
        r"|\bhow (?:was|did|would)\b|\bshare your (?:thoughts|experience)\b"
        r"|\bdeals? (?:we|for you)\b|^\W*alexa\b",
        re.IGNORECASE,
    ),
)
