"""Which senders speak for Amazon about orders, and which are only marketing.

A message is considered only when it comes from an Amazon mail domain of an
enabled marketplace, from a local part Amazon uses for order mail, written as
itself (not as an encoded word: parsers.message). Authentication results, when
the receiving server recorded them, must not say that DKIM or DMARC failed for an
Amazon domain: a look-alike that fails them is not Amazon.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from parsers.amazon.marketplaces import Marketplace, for_sender_domain
from parsers.auth_results import server_results
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
    if sender is None or sender.disguised:
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
_METHODS = frozenset({"dkim", "dmarc"})
_FAILURES = frozenset({"fail", "permerror", "softfail"})


@dataclass(frozen=True)
class Verdict:
    """What the receiving server's Authentication-Results say about Amazon's
    domains: the first failure (e.g. "DKIM fail for amazon.com"), and whether
    DKIM or DMARC passed for one of them in a header carrying the configured
    authserv-id (a pass in any other header may be the sender's own words)."""

    failure: str | None
    passed: bool


def authentication(
    message: MailMessage,
    authserv_id: str | None = None,
    owns: Callable[[str], bool] | None = None,
) -> Verdict:
    """Read the one Authentication-Results header that parsers.auth_results
    believes: the topmost carrying `authserv_id`, else the topmost (whose
    failures count, its passes not). `owns` says which signing domains count
    (default: Amazon's)."""
    owns = owns or _is_amazon
    server = server_results(message, authserv_id)
    failure: str | None = None
    passed = False
    for result in server.results:
        if result.method not in _METHODS:
            continue
        if result.domain is not None and not owns(result.domain):
            continue
        if result.outcome in _FAILURES and failure is None:
            failure = f"{result.method.upper()} {result.outcome}" + (
                f" for {result.domain}" if result.domain else ""
            )
        elif result.outcome == "pass" and result.domain is not None:
            passed = server.verified
    return Verdict(failure, passed)


def _is_amazon(domain: str) -> bool:
    if for_sender_domain(domain) is not None:
        return True
    return any(domain == d or domain.endswith("." + d) for d in _SIGNING_DOMAINS)
