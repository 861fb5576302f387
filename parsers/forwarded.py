"""Forwarded mail: reading the Amazon email inside a forward.

Many households have one person's Amazon mail forwarded to the mailbox that
parcelwatch reads. A forward arrives from the forwarding address, not from
Amazon, so it is unwrapped only when that address is configured as a forwarder
(anyone can paste an Amazon email into a message; a configured forwarder is the
user's own say-so that it is genuine) and the receiving server did not record an
authentication failure for it.

Two shapes are understood: the original attached as message/rfc822 ("forward as
attachment"), which is read exactly as it was received; and an inline forward,
where a mail client quoted the original's From, Date and Subject in the body.
Apple Mail quotes the whole original, header block and text, with "> " at the
start of every line ("> Arriving:" / "> Tuesday, January 11"); the quote marks
are taken off, so the original's text reads as it was written.
"""

from __future__ import annotations

import dataclasses
import email.utils
import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone, tzinfo

from parsers.auth_results import server_results
from parsers.message import Address, MailMessage

# The header labels mail clients write above an inline forward, in the languages
# of the marketplaces we read.
_FROM = r"from|von|de|da|van|od|från|fra|差出人|送信者"
_SUBJECT = r"subject|betreff|objet|asunto|oggetto|onderwerp|temat|ämne|assunto|件名"
_DATE = (
    r"date|sent|datum|gesendet|envoyé|enviado|fecha|data|inviato|verzonden|wysłano"
    r"|skickat|送信日時|日付"
)
# The value ends at its last character that is not a space or a star (Outlook's bold):
# a greedy run backed up once, where a lazy one would re-read the trailing run from
# every character of the value; the runs around the label never give back a space.
_LABEL = r"^[ \t>*]*+(?P<label>{})[ \t]*+[:：][ \t]*+(?P<value>[^\n]*[^ \t*\n])[ \t*]*$"
_FROM_LINE = re.compile(_LABEL.format(_FROM), re.IGNORECASE | re.MULTILINE)
_SUBJECT_LINE = re.compile(_LABEL.format(_SUBJECT), re.IGNORECASE | re.MULTILINE)
_DATE_LINE = re.compile(_LABEL.format(_DATE), re.IGNORECASE | re.MULTILINE)
# Outlook writes "Amazon.com [mailto:auto-confirm@amazon.com]".
_MAILTO = re.compile(r"\[mailto:([^\]\s]+)\]", re.IGNORECASE)
# How far below the From line the rest of the quoted header may be.
_HEADER_SPAN = 600
# Gmail: "Wed, Mar 25, 2026 at 7:02 AM"
_GMAIL_DATE = "%a, %b %d, %Y at %I:%M %p"
# Apple Mail: "January 9, 2022 at 10:14:03 AM PST" (the seconds and zone may be missing).
_APPLE_DATES = ("%B %d, %Y at %I:%M:%S %p", "%B %d, %Y at %I:%M %p")
_APPLE_ZONE = re.compile(r"\s+(?P<zone>[A-Z]{2,4})$")
# The zone abbreviations Apple Mail writes for the marketplaces' countries, in hours.
_ZONES = {
    "UTC": 0, "GMT": 0, "BST": 1, "CET": 1, "CEST": 2, "EST": -5, "EDT": -4, "CST": -6,
    "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "JST": 9, "IST": 5.5,
    "AEST": 10, "AEDT": 11,
}  # fmt: skip
_QUOTE = re.compile(r"^[ \t]?>[ \t]?", re.MULTILINE)


class Forwards:
    """Unwraps forwards from the configured forwarding addresses."""

    def __init__(self, forwarders: Iterable[str], authserv_id: str | None = None) -> None:
        self.forwarders = frozenset(address.lower() for address in forwarders)
        self.authserv_id = authserv_id

    def unwrap(self, message: MailMessage) -> MailMessage:
        """The original email when `message` is a forward from a forwarder,
        else `message` itself."""
        sender = message.sender
        if sender is None or sender.disguised or sender.address.lower() not in self.forwarders:
            return message
        if self._forged(message, sender.domain):
            return message
        if message.attached:
            return message.attached[0]
        return inline_original(message) or message

    def _forged(self, message: MailMessage, domain: str) -> bool:
        """Whether the user's own server (parsers.auth_results) says the forwarder's
        address was forged: SPF, DKIM or DMARC failed naming its domain, or naming
        nothing at all."""
        for result in server_results(message, self.authserv_id).results:
            failed = result.method in _CHECKED and result.outcome in _FAILURES
            if failed and (domain in result.detail or "=" not in result.detail):
                return True
        return False


_CHECKED = frozenset({"dkim", "dmarc", "spf"})
_FAILURES = frozenset({"fail", "softfail", "permerror"})


def inline_original(message: MailMessage) -> MailMessage | None:
    """The original of an inline forward, from the header block its mail client
    quoted; None when the body has no such block."""
    for text in (message.text, message.html_text):
        found = _quoted_header(text)
        if found is None:
            continue
        sender, subject, sent, body, quoted = found
        if quoted:
            body = _QUOTE.sub("", body)
        return dataclasses.replace(
            message,
            sender=sender,
            subject=subject,
            date=_date(sent, message.date),
            message_id=None,
            headers=(),
            text=body,
            html_text=message.html_text,
        )
    return None


def _quoted_header(text: str) -> tuple[Address, str, str, str, bool] | None:
    for match in _FROM_LINE.finditer(text):
        sender = _address(match.group("value"))
        if sender is None:
            continue
        block = text[match.start() : match.end() + _HEADER_SPAN]
        subject = _SUBJECT_LINE.search(block)
        if subject is None:
            continue
        sent = _DATE_LINE.search(block)
        # Positions within `block`, which starts at the From line.
        end = max(match.end() - match.start(), subject.end(), sent.end() if sent else 0)
        body = text[match.start() + end :]
        quoted = ">" in text[match.start() : match.start("label")]
        return sender, subject.group("value"), sent.group("value") if sent else "", body, quoted
    return None


def _address(value: str) -> Address | None:
    mailto = _MAILTO.search(value)
    if mailto:
        return Address(value[: mailto.start()].strip().strip('"'), mailto.group(1))
    name, address = email.utils.parseaddr(value)
    if "@" not in address:
        return None
    return Address(name, address)


def _client_date(value: str, fallback: datetime | None) -> datetime | None:
    """A date as Gmail or Apple Mail writes it above a forward. Gmail writes the time
    in the forwarder's zone, as the forward's own Date does; Apple Mail names a zone."""
    zone: tzinfo | None = fallback.tzinfo if fallback else None
    named = _APPLE_ZONE.search(value)
    if named is not None and named.group("zone") in _ZONES:
        zone = timezone(timedelta(hours=_ZONES[named.group("zone")]))
        value = value[: named.start()]
    for pattern in (_GMAIL_DATE, *_APPLE_DATES):
        try:
            naive = datetime.strptime(value, pattern)
        except ValueError:
            continue
        return naive.replace(tzinfo=zone) if zone else fallback
    return fallback


def _date(value: str, fallback: datetime | None) -> datetime | None:
    """The original's date when the quoted header states one we can read; the
    forward's own date otherwise (relative words may then be a day off)."""
    value = value.strip()
    if not value:
        return fallback
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        when = None
    if when is None:
        return _client_date(value.replace("\u202f", " "), fallback)
    if not 2 <= when.year <= 9998:  # at the calendar's edge no zone arithmetic works
        return fallback
    if when.tzinfo is None:
        zone = fallback.tzinfo if fallback else None
        return when.replace(tzinfo=zone) if zone else fallback
    return when
