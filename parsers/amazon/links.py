"""What Amazon's links say: order ids, shipment ids and package indexes.

Every Amazon shipment email carries a "Track package" link whose query names the
order, the shipment and the package's index within the order, usually behind a
click-tracking redirect (/gp/r.html?...&U=<target>). Those parameters are the
most reliable identity an email offers, more stable than any wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from parsers.message import Link, MailMessage, unwrap_redirect

ORDER_ID = re.compile(r"(?<![\w-])(?:\d{3}|D\d{2})-\d{7}-\d{7}(?![\w-])")
_TRACK_PATHS = ("ship-track", "progress-tracker", "shiptrack", "track-package", "your-orders/track")
# A package's index within its order: a few ASCII digits ("²" is a digit to
# str.isdigit but not to int(), and no database integer holds twenty digits).
_PACKAGE_INDEX = re.compile(r"[0-9]{1,6}")
_PRODUCT = re.compile(r"/(?:dp|gp/product|gp/aw/d)/([A-Z0-9]{10})(?:[/?]|$)")
# An address written out in plain text: up to the next space, quote or bracket, and
# bounded, so that one endless "word" costs one bounded match at a time.
_TEXT_URL = re.compile(r"https?://[^\s<>\"'()\[\]]{1,2000}", re.IGNORECASE)
_TRAILING = ".,;:!?"


@dataclass(frozen=True)
class TrackLink:
    """The identity a "Track package" link carries."""

    order_id: str | None
    shipment_id: str | None
    package_index: int | None


def target(link: Link) -> str:
    """The link's real destination, redirects unwrapped (twice for nested ones)."""
    return unwrap_redirect(unwrap_redirect(link.href))


def urls(message: MailMessage) -> tuple[str, ...]:
    """Where the email's links lead, redirects unwrapped. An email without HTML has
    no anchors: the addresses written in its text are its links (Amazon's plain-text
    templates, and the forwards that quote them, write "Track your package:" above
    the address that names the shipment)."""
    if message.html:
        return tuple(target(link) for link in message.links)
    written = (match.group(0).rstrip(_TRAILING) for match in _TEXT_URL.finditer(message.text))
    return tuple(unwrap_redirect(unwrap_redirect(url)) for url in written)


def query(url: str) -> dict[str, str]:
    """The query parameters of a URL, first value each, keys lower-cased."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "https://[::1/x": a broken IPv6 host, in a link of any email
        return {}
    params = parse_qs(parts.query, keep_blank_values=False)
    return {key.lower(): values[0] for key, values in params.items() if values}


def track_link(url: str) -> TrackLink | None:
    """The order/shipment identity of a tracking link, or None if it is not one."""
    lowered = url.lower()
    if not any(path in lowered for path in _TRACK_PATHS):
        return None
    params = query(url)
    order_id = params.get("orderid")
    shipment_id = params.get("shipmentid")
    index_text = params.get("packageindex")
    if not order_id and not shipment_id:
        return None
    if order_id and not ORDER_ID.fullmatch(order_id):
        order_id = None
    package_index = int(index_text) if index_text and _PACKAGE_INDEX.fullmatch(index_text) else None
    return TrackLink(order_id, shipment_id or None, package_index)


def order_id_of(url: str) -> str | None:
    """The order id a link names (order details, invoice, track), if any."""
    params = query(url)
    for key in ("orderid", "orderids", "oid"):
        value = params.get(key)
        if value and ORDER_ID.fullmatch(value):
            return value
    return None


def product_asin(url: str) -> str | None:
    """The ASIN of a product-page link."""
    match = _PRODUCT.search(unquote(url))
    return match.group(1) if match else None
