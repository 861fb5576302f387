"""The Amazon parser: order, shipment, delivery and after-sale emails.

Identity comes from structure (order ids, "Track package" links, product links);
the milestone and the estimate come from the language tables. One event is
emitted per shipment the email is about, or per order when it names no shipment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from zoneinfo import ZoneInfo

from parsers.amazon import extract
from parsers.amazon.dates import DateReader
from parsers.amazon.language import Language
from parsers.amazon.languages import BY_MARKETPLACE
from parsers.amazon.links import TrackLink, target
from parsers.amazon.marketplaces import MARKETPLACE_DOMAINS, Marketplace
from parsers.amazon.senders import authentication, marketplace_of
from parsers.message import MailMessage
from parsers.model import Eta, Item, Milestone, Rejected, ShipmentEvent

# No delivery estimate is read from these: a date in them is a refund or return
# deadline ("refund expected by April 20"), not a parcel's arrival.
_NO_ETA = frozenset(
    {
        Milestone.DELIVERED,
        Milestone.CANCELLED,
        Milestone.REFUNDED,
        Milestone.RETURN_STARTED,
        Milestone.RETURN_RECEIVED,
    }
)
# A code the recipient must give: a locker's pickup code, or the one-time delivery
# password (OTP) that Amazon mails on the day the parcel is out for delivery.
_WITH_CODE = frozenset({Milestone.AVAILABLE_FOR_PICKUP, Milestone.OUT_FOR_DELIVERY})


# Not ours (None), rejected (the reason), or claimed: where from, in which language,
# announcing what.
_Verdict = str | tuple[Marketplace, Language, Milestone]


class AmazonParser:
    """Claims order mail from Amazon's marketplaces; see the module docstring."""

    name = "amazon"

    def __init__(
        self,
        marketplaces: Iterable[str] | None = None,
        languages: Mapping[str, tuple[Language, ...]] = BY_MARKETPLACE,
        *,
        require_authentication: bool = False,
    ) -> None:
        self._enabled = (
            frozenset(marketplaces) if marketplaces is not None else frozenset(MARKETPLACE_DOMAINS)
        )
        self._languages = languages
        self._require_authentication = require_authentication
        self._last: tuple[MailMessage, _Verdict | None] | None = None
        self._readers = {
            language.code: DateReader(language)
            for family in languages.values()
            for language in family
        }

    def score(self, message: MailMessage) -> int:
        verdict = self._verdict(message)
        return 0 if verdict is None else 100

    def parse(self, message: MailMessage) -> tuple[ShipmentEvent, ...]:
        verdict = self._verdict(message)
        if verdict is None:
            return ()
        if isinstance(verdict, str):
            raise Rejected(verdict)
        market, language, milestone = verdict
        return _Reading(message, market, language, self._readers[language.code]).events(milestone)

    def _verdict(self, message: MailMessage) -> _Verdict | None:
        """What this parser makes of `message`: None (not ours), a reason to
        reject it, or what to read it as. The registry asks for a score, then for
        the events, of the same message: the last verdict is remembered (a tuple
        swap, so threads sharing the parser never see another message's)."""
        last = self._last
        if last is not None and last[0] is message:
            return last[1]
        verdict = self._judge(message)
        self._last = (message, verdict)
        return verdict

    def _judge(self, message: MailMessage) -> _Verdict | None:
        market = marketplace_of(message, self._enabled)
        if market is None:
            return None
        reason = self._distrust(message)
        if reason is not None:
            return reason  # claimed, to be rejected with the reason
        understood = self._understand(market, message)
        if understood is None:
            return None
        # Order mail names an order; a sender we know writing about no order (an
        # account notice, a survey) is not ours to claim.
        urls = tuple(target(link) for link in message.links)
        if not extract.order_ids(message, urls):
            return None
        return (market, *understood)

    def _distrust(self, message: MailMessage) -> str | None:
        """Why an email from an Amazon order sender is not believed, if it is not."""
        verdict = authentication(message)
        if verdict.failure is not None:
            return f"look-alike: Authentication-Results say {verdict.failure}"
        if self._require_authentication and not verdict.passed:
            return (
                "no DKIM or DMARC pass for an Amazon domain in Authentication-Results "
                "(amazon.require_authentication is on)"
            )
        return None

    def _understand(
        self, market: Marketplace, message: MailMessage
    ) -> tuple[Language, Milestone] | None:
        for language in self._languages.get(market.domain, ()):
            if language.negative_subjects.search(message.subject):
                return None
            milestone = language.classify(message.subject, message.all_text)
            if milestone is not None:
                return language, milestone
        return None


class _Reading:
    """One email being read: the facts gathered once, then turned into events."""

    def __init__(
        self, message: MailMessage, market: Marketplace, language: Language, reader: DateReader
    ) -> None:
        self.message = message
        self.market = market
        self.language = language
        self.reader = reader
        self.urls = tuple(target(link) for link in message.links)
        self.body = message.html_text or message.text
        self.reference = self._local_date()

    def _local_date(self) -> date | None:
        when = self.message.date
        return when.astimezone(ZoneInfo(self.market.timezone)).date() if when else None

    def events(self, milestone: Milestone) -> tuple[ShipmentEvent, ...]:
        order_ids = extract.order_ids(self.message, self.urls)
        if not order_ids:
            return ()
        refs = extract.products(self.message, self.language)
        if milestone.order_level:
            sections = _sections(self.body, order_ids)
            etas = self._nearest_etas(milestone, order_ids)
            return tuple(
                self._event(milestone, (oid,), None, text, refs, etas.get(oid))
                for oid, text in sections
            )
        links = extract.track_links(self.urls)
        if not links:
            return (self._event(milestone, order_ids, None, self.body, refs),)
        if len(links) == 1:
            ids = (links[0].order_id,) if links[0].order_id else order_ids
            return (self._event(milestone, ids, links[0], self.body, refs),)
        by_order = dict(_sections(self.body, order_ids))
        return tuple(
            self._event(
                milestone,
                (link.order_id,) if link.order_id else order_ids,
                link,
                by_order.get(link.order_id or "", self.body),
                refs,
            )
            for link in links
        )

    def _event(
        self,
        milestone: Milestone,
        order_ids: tuple[str, ...],
        link: TrackLink | None,
        text: str,
        refs: tuple[extract.ProductRef, ...],
        eta: Eta | None = None,
    ) -> ShipmentEvent:
        carrier, number = extract.tracking(text, self.language, self.market.country)
        return ShipmentEvent(
            milestone=milestone,
            occurred_at=self.message.date,
            order_ids=order_ids,
            marketplace=self.market.domain,
            shipment_id=link.shipment_id if link else None,
            package_index=link.package_index if link else None,
            carrier=number.carrier if number else carrier,
            tracking_number=number.number if number else None,
            eta=eta or self._eta(milestone, text),
            items=self._items(text, refs),
            pickup_code=(
                extract.pickup_code(text, self.language) if milestone in _WITH_CODE else None
            ),
            delivery_photo_url=(
                extract.delivery_photo(self.message, self.language)
                if milestone is Milestone.DELIVERED
                else None
            ),
        )

    def _eta(self, milestone: Milestone, text: str) -> Eta | None:
        if milestone in _NO_ETA or self.reference is None:
            return None
        return self.reader.find_eta(text, self.reference) or self.reader.find_eta(
            self.message.subject, self.reference
        )

    def _nearest_etas(self, milestone: Milestone, order_ids: tuple[str, ...]) -> dict[str, Eta]:
        """For an email about several orders: each order's estimate is the one
        written closest to its order number (Amazon puts "Arriving ..." just
        above or below each "Order #")."""
        if len(order_ids) < 2 or milestone in _NO_ETA or self.reference is None:
            return {}
        found = self.reader.find_all(self.body, self.reference)
        nearest: dict[str, Eta] = {}
        for oid in order_ids:
            at = self.body.find(oid)
            if at >= 0 and found:
                nearest[oid] = min(found, key=lambda pair: abs(pair[0] - at))[1]
        return nearest

    def _items(self, text: str, refs: tuple[extract.ProductRef, ...]) -> tuple[Item, ...]:
        items = extract.items_in(text, refs, self.language) or extract.items_from_text(
            text, self.language
        )
        if items:
            return items
        fallback = extract.subject_item(self.message.subject)
        return (fallback,) if fallback else ()


def _sections(text: str, order_ids: tuple[str, ...]) -> list[tuple[str, str]]:
    """Split the text at the first mention of each order id, so that an email about
    several orders gives each order the items and dates written under it. An order
    not mentioned in the text (only in a link) gets the whole text."""
    starts = sorted((text.find(oid), oid) for oid in order_ids)
    found = [(at, oid) for at, oid in starts if at >= 0]
    if len(found) < 2:
        return [(oid, text) for oid in order_ids]
    bounds = dict.fromkeys(order_ids, text)
    for number, (at, oid) in enumerate(found):
        begin = 0 if number == 0 else at
        end = found[number + 1][0] if number + 1 < len(found) else len(text)
        bounds[oid] = text[begin:end]
    return [(oid, bounds[oid]) for oid in order_ids]
