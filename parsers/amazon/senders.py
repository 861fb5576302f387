"""Which senders speak for Amazon about orders, and which are only marketing.

A message is considered only when it comes from an Amazon mail domain of an
enabled marketplace, from a local part Amazon uses for order mail. Authentication
results, when the receiving server recorded them, must not say that DKIM or DMARC
failed for an Amazon domain: a look-alike that fails them is not Amazon.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

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
        "conferma-ordine", "conferma-spedizione",
        "confirmar-envio",
    }
)  # fmt: skip

# Amazon Hub: Lockers and Counters (thehub@) and the lockers in apartment buildings
# (amazonlockers@). Their notices need not name an Amazon order: a Hub also takes
# in other shops' parcels.
PICKUP_SENDERS = frozenset({"thehub", "amazonlockers"})


def marketplace_of(message: MailMessage, enabled: frozenset[str]) -> Marketplace | None:
    """The enabled marketplace an order email comes from, or None."""
    sender = message.sender
    if sender is None:
        return None
    local = sender.address.rpartition("@")[0].lower()
    if local not in ORDER_SENDERS and local not in PICKUP_SENDERS:
        return None
    market = for_sender_domain(sender.domain)
    if market is None or market.domain not in enabled:
        return None
    return market


def is_pickup_sender(message: MailMessage) -> bool:
    """Whether the email comes from one of Amazon Hub's pickup senders."""
    sender = message.sender
    return sender is not None and sender.address.rpartition("@")[0].lower() in PICKUP_SENDERS


# Besides each marketplace's own domain, Amazon's mail is signed by Amazon SES.
_SIGNING_DOMAINS = ("amazonses.com",)
_RESULT = re.compile(r"^\s*(dkim|dmarc)\s*=\s*([a-z]+)", re.IGNORECASE)
_DOMAIN = re.compile(r"\bheader\.(?:d|i|from)\s*=\s*\S*?@?([a-z0-9.-]+)", re.IGNORECASE)
_FAILURES = frozenset({"fail", "permerror", "softfail"})


@dataclass(frozen=True)
class Verdict:
    """What the receiving server's Authentication-Results say about Amazon's
    domains: the first failure (e.g. "DKIM fail for amazon.com"), and whether
    DKIM or DMARC passed for one of them."""

    failure: str | None
    passed: bool


def authentication(message: MailMessage, owns: Callable[[str], bool] | None = None) -> Verdict:
    """Read the topmost Authentication-Results header only: it is the one the
    user's own server added; anything below it came with the message and could
    have been written by the sender. `owns` says which signing domains count
    (default: Amazon's)."""
    owns = owns or _is_amazon
    values = message.header("Authentication-Results")
    if not values:
        return Verdict(None, passed=False)
    failure: str | None = None
    passed = False
    for clause in values[0].split(";")[1:]:
        result = _RESULT.match(clause)
        if result is None:
            continue
        method, outcome = result.group(1).upper(), result.group(2).lower()
        domain_match = _DOMAIN.search(clause)
        domain = domain_match.group(1).lower().strip(".") if domain_match else None
        if domain is not None and not owns(domain):
            continue
        if outcome in _FAILURES and failure is None:
            failure = f"{method} {outcome}" + (f" for {domain}" if domain else "")
        elif outcome == "pass" and domain is not None:
            passed = True
    return Verdict(failure, passed)


def _is_amazon(domain: str) -> bool:
    if for_sender_domain(domain) is not None:
        return True
    return any(domain == d or domain.endswith("." + d) for d in _SIGNING_DOMAINS)
