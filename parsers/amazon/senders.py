"""Which senders speak for Amazon about orders, and which are only marketing.

A message is considered only when it comes from an Amazon mail domain of an
enabled marketplace, from a local part Amazon uses for order mail. Authentication
results, when the receiving server recorded them, must not say that DKIM or DMARC
failed: a look-alike that fails them is not Amazon.
"""

from __future__ import annotations

import re

from parsers.amazon.marketplaces import Marketplace, for_sender_domain
from parsers.message import MailMessage

# Local parts Amazon sends order, shipment, return and refund mail from.
ORDER_SENDERS = frozenset(
    {
        "auto-confirm", "shipment-tracking", "order-update", "ship-confirm", "orders",
        "order-confirm", "confirm", "delivery-notification", "delivery-update",
        "shipment-update", "returns", "return", "return-and-refund", "refunds",
        "payments-messages", "payments-update", "digital-no-reply", "no-reply",
        "donotreply", "do-not-reply", "package-delivered", "tracking",
        "confirmation-commande", "bestellbestaetigung", "versandbestaetigung",
    }
)  # fmt: skip

_FAILED_AUTH = re.compile(r"\b(dkim|dmarc)\s*=\s*(fail|permerror|softfail)\b", re.IGNORECASE)


def marketplace_of(message: MailMessage, enabled: frozenset[str]) -> Marketplace | None:
    """The enabled marketplace an order email comes from, or None."""
    sender = message.sender
    if sender is None:
        return None
    local = sender.address.rpartition("@")[0].lower()
    if local not in ORDER_SENDERS:
        return None
    market = for_sender_domain(sender.domain)
    if market is None or market.domain not in enabled:
        return None
    return market


def failed_authentication(message: MailMessage) -> str | None:
    """Why the receiving server thinks the mail is forged, or None."""
    for value in message.header("Authentication-Results"):
        match = _FAILED_AUTH.search(value)
        if match:
            return f"{match.group(1).upper()} {match.group(2).lower()}"
    return None
