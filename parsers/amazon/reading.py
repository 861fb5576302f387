"""Reading the events out of an Amazon email whose milestone is decided.

One event is emitted per shipment the email is about (per "Track package" link),
or per order when it names no shipment. An email about several orders gives each
order the text written under its order number; an email about several packages
of one order gives each package the products linked beside its own link. An
order-level event speaks for the whole order: its estimate spans every delivery
the email announces for that order.

An email about more orders or shipments than MAX_EVENTS is refused whole
(Unreadable): that many notifications from one email is an attack on the user's
phone, not a delivery. What each text says is read once, however many events
share it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from parsers.amazon import extract
from parsers.amazon.dates import DateReader
from parsers.amazon.judge import Signals
from parsers.amazon.language import Language
from parsers.amazon.links import TrackLink
from parsers.amazon.marketplaces import Marketplace
from parsers.amazon.places import PlaceReader
from parsers.limits import MAX_EVENTS
from parsers.message import MailMessage
from parsers.model import Eta, Item, Milestone, ShipmentEvent, Unreadable

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
# The one-time delivery password comes with a parcel on its way: when it ships
# (Amazon's own rule in most marketplaces) or on the day it is out for delivery.
_WITH_DELIVERY_CODE = frozenset(
    {
        Milestone.SHIPPED,
        Milestone.IN_TRANSIT,
        Milestone.OUT_FOR_DELIVERY,
        Milestone.DELAYED,
        Milestone.DELIVERY_ATTEMPTED,
    }
)


@dataclass(frozen=True)
class _Facts:
    """What one text (the body, or one order's section) says for one milestone."""

    carrier: str | None
    tracking_number: str | None
    eta: Eta | None
    items: tuple[Item, ...]
    pickup_code: str | None
    pickup_location: str | None
    pickup_deadline: date | None
    delivery_code: str | None
    delivery_location: str | None


class Reading:
    """One email being read: the facts gathered once, then turned into events."""

    def __init__(
        self,
        message: MailMessage,
        market: Marketplace,
        language: Language,
        readers: tuple[DateReader, PlaceReader],
        facts: Signals,
    ) -> None:
        self.message = message
        self.market = market
        self.language = language
        self.reader, self.places = readers
        self.facts = facts
        self.body = message.html_text or message.text
        self.reference = self._local_date()
        self._read: dict[tuple[Milestone, str, tuple[extract.ProductRef, ...]], _Facts] = {}

    def _local_date(self) -> date | None:
        when = self.message.date
        return when.astimezone(ZoneInfo(self.market.timezone)).date() if when else None

    def events(self, milestone: Milestone) -> tuple[ShipmentEvent, ...]:
        order_ids = self.facts.order_ids
        links = self.facts.track_links
        if len(order_ids) > MAX_EVENTS:
            raise Unreadable(f"more than {MAX_EVENTS} orders in one email")
        if len(links) > MAX_EVENTS:
            raise Unreadable(f"more than {MAX_EVENTS} shipments in one email")
        refs = extract.products(self.message, self.language)
        if milestone.order_level:
            return tuple(self._order_events(milestone, order_ids, refs))
        if not links:
            return (self._event(milestone, order_ids, None, self.body, refs),)
        if len(links) == 1:
            ids = (links[0].order_id,) if links[0].order_id else order_ids
            return (self._event(milestone, ids, links[0], self.body, refs),)
        by_order = dict(_sections(self.body, order_ids))
        by_package = extract.products_by_link(self.message, links, refs)
        return tuple(
            self._event(
                milestone,
                (link.order_id,) if link.order_id else order_ids,
                link,
                by_order.get(link.order_id or "", self.body),
                by_package.get(link, refs),
            )
            for link in links
        )

    def _order_events(
        self, milestone: Milestone, order_ids: tuple[str, ...], refs: tuple[extract.ProductRef, ...]
    ) -> Iterator[ShipmentEvent]:
        """One event per order, each from the text written under its order number."""
        nearest = self._nearest_etas(milestone, order_ids)
        for oid, text in _sections(self.body, order_ids):
            eta = nearest.get(oid) or self._order_eta(milestone, text)
            yield self._event(milestone, (oid,), None, text, refs, eta)

    def _event(
        self,
        milestone: Milestone,
        order_ids: tuple[str, ...],
        link: TrackLink | None,
        text: str,
        refs: tuple[extract.ProductRef, ...],
        eta: Eta | None = None,
    ) -> ShipmentEvent:
        facts = self._facts(milestone, text, refs)
        return ShipmentEvent(
            milestone=milestone,
            occurred_at=self.message.date,
            order_ids=order_ids,
            marketplace=self.market.domain,
            shipment_id=link.shipment_id if link else None,
            package_index=link.package_index if link else None,
            carrier=facts.carrier,
            tracking_number=facts.tracking_number,
            eta=eta or facts.eta,
            items=facts.items,
            pickup_code=facts.pickup_code,
            pickup_location=facts.pickup_location,
            pickup_deadline=facts.pickup_deadline,
            delivery_code=facts.delivery_code,
            delivery_location=facts.delivery_location,
            delivery_photo_url=(
                extract.delivery_photo(self.message, self.language)
                if milestone is Milestone.DELIVERED
                else None
            ),
        )

    def _facts(
        self, milestone: Milestone, text: str, refs: tuple[extract.ProductRef, ...]
    ) -> _Facts:
        """What `text` says for an event of `milestone`, read once per text."""
        key = (milestone, text, refs)
        found = self._read.get(key)
        if found is None:
            found = self._read[key] = self._read_facts(milestone, text, refs)
        return found

    def _read_facts(
        self, milestone: Milestone, text: str, refs: tuple[extract.ProductRef, ...]
    ) -> _Facts:
        carrier, number = extract.tracking(text, self.language, self.market.country)
        pickup = milestone is Milestone.AVAILABLE_FOR_PICKUP
        delivered = milestone is Milestone.DELIVERED
        places = self.places
        return _Facts(
            carrier=number.carrier if number else carrier,
            tracking_number=number.number if number else None,
            eta=self._eta(milestone, text),
            items=self._items(text, refs),
            pickup_code=places.pickup_code(text) if pickup else None,
            pickup_location=places.pickup_location(text) if pickup else None,
            pickup_deadline=(
                places.pickup_deadline(text, self.reference) if pickup and self.reference else None
            ),
            delivery_code=(
                places.delivery_code(text) if milestone in _WITH_DELIVERY_CODE else None
            ),
            delivery_location=places.delivery_location(text) if delivered else None,
        )

    def _eta(self, milestone: Milestone, text: str) -> Eta | None:
        if milestone in _NO_ETA or self.reference is None:
            return None
        return self.reader.find_eta(text, self.reference) or self.reader.find_eta(
            self.message.subject, self.reference
        )

    def _order_eta(self, milestone: Milestone, text: str) -> Eta | None:
        """An order-level event speaks for the whole order: when the order ships in
        several deliveries, each with its own estimate ("Livraison 1 sur 2: mardi 7
        avril", "Livraison 2 sur 2: jeudi 9 - vendredi 10 avril"), the order's
        estimate runs from the earliest of them to the latest."""
        if milestone in _NO_ETA or self.reference is None:
            return None
        found = [eta for _, eta in self.reader.find_all(text, self.reference)]
        if not found:
            return self.reader.find_eta(self.message.subject, self.reference)
        return Eta(min(eta.start for eta in found), max(eta.end for eta in found))

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
