"""Facts shared by every Amazon email, whatever its language: items, order ids,
the carrier and tracking number, the delivery photo.

These read the structure of Amazon's emails (product links, image alt texts,
"Track package" links) before their wording, because structure survives the
template changes that break subject-line matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from parsers.amazon.language import Language
from parsers.amazon.links import ORDER_ID, TrackLink, order_id_of, product_asin, target, track_link
from parsers.amazon.photos import is_photo_url
from parsers.carrier_names import carrier_slug
from parsers.limits import MAX_EVENTS, MAX_ITEMS, MAX_PRODUCTS, MAX_TRACK_LINKS
from parsers.message import MailMessage
from parsers.model import Item
from parsers.tracking_numbers import TrackingNumber, identify
from parsers.tracking_text import find_all

_SUBJECT_ITEM = re.compile(r"[\"“”„«»「](?P<title>[^\"“”„«»」]{3,})[\"“”„«»」]")
_TRUNCATION = re.compile(r"(?:\.\.\.|…)\s*$")
_MIN_TITLE = 6
_QUANTITY_WINDOW = 400
_HERMES_COUNTRIES = frozenset({"DE", "AT"})


@dataclass(frozen=True)
class ProductRef:
    """A product the email links to: its ASIN and the best title found for it."""

    asin: str
    title: str


def order_ids(
    message: MailMessage, links: Iterable[str], *, limit: int = MAX_EVENTS + 1
) -> tuple[str, ...]:
    """Every order id in the email (the first `limit`), in order of first
    appearance: subject, text, then link parameters."""
    found: dict[str, None] = {}
    for source in (message.subject, message.all_text):
        for match in ORDER_ID.finditer(source):
            found.setdefault(match.group(0), None)
            if len(found) >= limit:
                return tuple(found)
    for url in links:
        linked = order_id_of(url)
        if linked:
            found.setdefault(linked, None)
            if len(found) >= limit:
                break
    return tuple(found)


def track_links(urls: Iterable[str]) -> tuple[TrackLink, ...]:
    """Distinct "Track package" identities, in document order: read until more than
    MAX_TRACK_LINKS are found (what is read decides nothing then: more shipments
    than MAX_EVENTS make an email unreadable, parsers.amazon.reading)."""
    seen: dict[tuple[str | None, str | None, int | None], TrackLink] = {}
    for url in urls:
        link = track_link(url)
        if link is not None:
            seen.setdefault((link.order_id, link.shipment_id, link.package_index), link)
            if len(seen) > MAX_TRACK_LINKS:
                break
    return _merge_partial(tuple(seen.values()))


def _merge_partial(links: tuple[TrackLink, ...]) -> tuple[TrackLink, ...]:
    """Drop a link that only repeats part of a fuller one (the same shipment linked
    once with and once without its package index)."""
    kept: list[TrackLink] = []
    for link in links:
        if any(_covers(other, link) for other in links if other is not link):
            continue
        kept.append(link)
    return tuple(kept)


def _covers(full: TrackLink, part: TrackLink) -> bool:
    fields = (
        (full.order_id, part.order_id),
        (full.shipment_id, part.shipment_id),
        (full.package_index, part.package_index),
    )
    more = sum(1 for a, b in fields if a is not None and b is None)
    agrees = all(b is None or a == b for a, b in fields)
    return agrees and more > 0


def products_by_link(
    message: MailMessage, links: tuple[TrackLink, ...], refs: tuple[ProductRef, ...]
) -> dict[TrackLink, tuple[ProductRef, ...]]:
    """For an email about several packages of one order: the products linked
    beside each package's "Track package" link, in document order. Amazon lays a
    package out either as its button then its items, or its items then its
    button; whichever comes first in the email tells which. Empty when the
    links do not share one order, or when some package would get no product
    (the layout is then not one of the two)."""
    if len(links) < 2 or len({link.order_id for link in links}) > 1:
        return {}
    by_asin = {ref.asin: ref for ref in refs}
    sequence: list[TrackLink | ProductRef] = []
    for link in message.links:
        url = target(link)
        token: TrackLink | ProductRef | None = _owner(track_link(url), links)
        if token is None:
            token = by_asin.get(product_asin(url) or "")
        if token is not None and (not sequence or sequence[-1] != token):
            sequence.append(token)
    groups = _group(sequence)
    if set(groups) != set(links) or not all(groups.values()):
        return {}
    return {link: tuple(dict.fromkeys(found)) for link, found in groups.items()}


def _owner(found: TrackLink | None, links: tuple[TrackLink, ...]) -> TrackLink | None:
    """The link of `links` that `found` is, or is a part of."""
    if found is None:
        return None
    for link in links:
        if link == found or _covers(link, found):
            return link
    return None


def _group(sequence: list[TrackLink | ProductRef]) -> dict[TrackLink, list[ProductRef]]:
    kinds = [isinstance(token, TrackLink) for token in sequence]
    if True not in kinds or False not in kinds:
        return {}
    button_first = kinds.index(True) < kinds.index(False)
    groups: dict[TrackLink, list[ProductRef]] = {}
    current: TrackLink | None = None
    pending: list[ProductRef] = []
    for token in sequence:
        if isinstance(token, TrackLink):
            groups.setdefault(token, [])
            if button_first:
                current = token
            else:
                groups[token].extend(pending)
                pending = []
        elif button_first and current is not None:
            groups[current].append(token)
        else:
            pending.append(token)
    return groups


def products(message: MailMessage, language: Language) -> tuple[ProductRef, ...]:
    """Products the email links to, by ASIN, each with its longest real title
    (link text or the alt text of the product image)."""
    titles: dict[str, str] = {}
    for link in message.links:
        asin = product_asin(target(link))
        if asin is None or (asin not in titles and len(titles) >= MAX_PRODUCTS):
            continue
        best = titles.get(asin, "")
        for written in (link.text, link.image_alt):
            candidate = written.strip()
            if (
                len(candidate) >= _MIN_TITLE
                and not language.generic_link.search(candidate)
                and len(candidate) > len(best)
            ):
                best = candidate
        titles[asin] = best
    return tuple(ProductRef(asin, title) for asin, title in titles.items() if title)


def items_in(text: str, refs: tuple[ProductRef, ...], language: Language) -> tuple[Item, ...]:
    """Items whose titles appear in `text`, with the quantity written after each."""
    positions = []
    for ref in refs:
        at = text.find(ref.title)
        if at < 0:
            at = text.find(ref.title[:40])
        if at >= 0:
            positions.append((at, ref))
    positions.sort(key=lambda pair: pair[0])
    items: list[Item] = []
    for number, (at, ref) in enumerate(positions[:MAX_ITEMS]):
        stop = positions[number + 1][0] if number + 1 < len(positions) else len(text)
        window = text[at + len(ref.title) : min(stop, at + len(ref.title) + _QUANTITY_WINDOW)]
        quantity = language.quantity.search(window)
        items.append(Item(ref.title, int(quantity.group(1)) if quantity else 1))
    return tuple(items)


def items_from_text(text: str, language: Language) -> tuple[Item, ...]:
    """Items of a text-only email: Amazon's plain-text template puts each title on
    the line above "Sold by: ...", and the quantity (if more than one) near it."""
    lines = text.split("\n")
    items: list[Item] = []
    for number, line in enumerate(lines):
        if number == 0 or not language.sold_by.match(line):
            continue
        title = lines[number - 1].strip()
        if len(title) < _MIN_TITLE or language.quantity.search(title):
            continue
        nearby = "\n".join(lines[number - 3 : number + 3])
        quantity = language.quantity.search(nearby)
        items.append(Item(title, int(quantity.group(1)) if quantity else 1))
        if len(items) >= MAX_ITEMS:
            break
    return tuple(items)


def subject_item(subject: str) -> Item | None:
    """The item a subject quotes ("Shipped: "USB-C cable..." and 1 more item"),
    without Amazon's truncation mark. The last resort when the body names none."""
    match = _SUBJECT_ITEM.search(subject)
    if not match:
        return None
    title = _TRUNCATION.sub("", match.group("title")).strip()
    return Item(title) if len(title) >= _MIN_TITLE // 2 else None


def tracking(
    text: str, language: Language, country: str
) -> tuple[str | None, TrackingNumber | None]:
    """The carrier the email names and the tracking number it states, if any.
    A number is only taken when its format and check digit fit a carrier."""
    hint: str | None = None
    for match in language.carrier_label.finditer(text):
        slug = carrier_slug(match.group("name"))
        if slug is not None:
            hint = slug
            break
    if hint == "evri" and country in _HERMES_COUNTRIES:
        hint = "hermes"  # Hermes became Evri in the UK only
    numbers = find_all(text, country=country)
    if not numbers:
        return hint, None
    if hint is not None:
        for number in numbers:
            hinted = identify(number.number, country=country, carrier_hint=hint)
            if hinted is not None and hinted.carrier == hint:
                return hint, hinted
    first = numbers[0]
    if hint is not None and first.carrier == "upu":
        # An S10 number only says which country's post took it in; the carrier
        # the email names ("Transporteur : Chronopost") is the more specific.
        return hint, TrackingNumber(hint, first.number)
    return hint or first.carrier, first


def delivery_photo(message: MailMessage, language: Language) -> str | None:
    """The delivery photo's URL: an image labelled as a photo of the package, or a
    link whose text says so, on one of the hosts Amazon serves delivery photos from
    (parsers.amazon.photos): a link anywhere else is never fetched, whatever it says."""
    for image in message.images:
        if language.photo_label.search(image.alt) and is_photo_url(image.src):
            return image.src
    for link in message.links:
        label = f"{link.text} {link.image_alt}"
        if language.photo_label.search(label):
            url = target(link)
            if is_photo_url(url):
                return url
    return None
