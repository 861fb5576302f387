"""Dragonfly: the notices of the courier that delivers part of amazon.nl's parcels.

Since January 2026 some amazon.nl parcels travel with Dragonfly (the brand under
which Intelcom delivers in the Netherlands and Canada), under a number of their
own ("AMZNL" and twelve digits) and with notices from Dragonfly's own address.
Amazon's shipment email names the carrier and that number; Dragonfly's notices
carry only the number, which is what ties them to the shipment.

The same rules as for Amazon apply: mail is claimed only from Dragonfly's
domains, not believed when the receiving server recorded a DKIM or DMARC failure
for them, and a notice that carries a Dragonfly number in words no rule knows is
unrecognised, never guessed.
"""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

from parsers.amazon.dates import DateReader
from parsers.amazon.languages import language
from parsers.amazon.senders import authentication
from parsers.dragonfly_senders import is_dragonfly
from parsers.message import MailMessage
from parsers.model import Claim, Eta, Milestone, Rejected, ShipmentEvent, Unread, Unrecognised
from parsers.tracking_text import find_all

CARRIER = "dragonfly"
_ZONE = "Europe/Amsterdam"

# Dutch first (the Netherlands), then English and French (Canada). "Je pakket is bij
# ons aangekomen" is an arrival at Dragonfly's depot, not at the door.
_RULES: tuple[tuple[Milestone, re.Pattern[str]], ...] = tuple(
    (milestone, re.compile(pattern, re.IGNORECASE))
    for milestone, pattern in (
        (Milestone.DELIVERY_ATTEMPTED, r"\bwe hebben je gemist\b|\bniet thuis\b|\bwe missed you\b"
         r"|\bdelivery attempt"),
        (Milestone.DELIVERED, r"\b(?:we hebben je pakket|je pakket is) bezorgd\b"
         r"|\byour (?:package|order) (?:was|has been) delivered\b|\byour package is here\b"
         r"|\bvotre (?:colis|commande) a été livrée?\b"),
        (Milestone.OUT_FOR_DELIVERY, r"\bvandaag bezorgen we\b|\bwordt vandaag bezorgd\b"
         r"|\bscheduled for today\b|\bin the next hour\b|\bis on (?:its|the) way\b"
         r"|\best en chemin\b"),
        (Milestone.IN_TRANSIT, r"\bbij ons aangekomen\b|\bwe(?:['’]ve| have) received your\b"
         r"|\bhas been received\b|\bnous avons reçu\b"),
    )
)  # fmt: skip


class DragonflyParser:
    """Claims Dragonfly's delivery notices; see the module docstring."""

    name = "dragonfly"

    def __init__(
        self, *, require_authentication: bool = False, authserv_id: str | None = None
    ) -> None:
        self._require_authentication = require_authentication
        self._authserv_id = authserv_id
        # Dutch and English dates, compiled at the first notice with an estimate
        # (their tables load on demand: parsers.amazon.languages).
        self._readers: tuple[DateReader, ...] = ()

    def claim(self, message: MailMessage) -> Claim[tuple[str, ...]] | None:
        """Ours when Dragonfly sent it and it names a Dragonfly number; the
        numbers are the verdict."""
        sender = message.sender
        if sender is None or sender.disguised or not is_dragonfly(sender.domain):
            return None
        numbers = self._numbers(message)
        return Claim(100, numbers) if numbers else None

    def parse(
        self, message: MailMessage, claim: Claim[tuple[str, ...]]
    ) -> tuple[ShipmentEvent, ...]:
        verdict = authentication(message, self._authserv_id, is_dragonfly)
        if verdict.failure is not None:
            raise Rejected(f"look-alike: Authentication-Results say {verdict.failure}")
        if self._require_authentication and not verdict.passed:
            raise Rejected(
                "no DKIM or DMARC pass for a Dragonfly domain in Authentication-Results "
                "(amazon.require_authentication is on)"
            )
        numbers = claim.verdict
        milestone = _milestone(message)
        if milestone is None:
            raise Unrecognised(message.subject, Unread((), None))
        eta = None
        if milestone in (Milestone.OUT_FOR_DELIVERY, Milestone.IN_TRANSIT):
            eta = self._eta(message)
        return tuple(
            ShipmentEvent(
                milestone=milestone,
                occurred_at=message.date,
                carrier=CARRIER,
                tracking_number=number,
                eta=eta,
            )
            for number in numbers
        )

    @staticmethod
    def _numbers(message: MailMessage) -> tuple[str, ...]:
        found = find_all(f"{message.subject}\n{message.all_text}", country="NL")
        return tuple(n.number for n in found if n.carrier == CARRIER)

    def _eta(self, message: MailMessage) -> Eta | None:
        reference = _local_date(message)
        if reference is None:
            return None
        if not self._readers:
            self._readers = (DateReader(language("nl")), DateReader(language("en")))
        for reader in self._readers:
            found = reader.find_eta(message.all_text, reference)
            if found is not None:
                return found
        return None


def _milestone(message: MailMessage) -> Milestone | None:
    for text in (message.subject, message.all_text):
        for milestone, pattern in _RULES:
            if pattern.search(text):
                return milestone
    return None


def _local_date(message: MailMessage) -> date | None:
    when = message.date
    return when.astimezone(ZoneInfo(_ZONE)).date() if when else None
