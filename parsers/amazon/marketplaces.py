"""The Amazon marketplaces parcelwatch knows, with the facts a parser needs about each.

A marketplace is identified by its web domain ("amazon.co.uk"). Its mail comes from
that domain (and a few sister domains), its order pages live under it, and relative
dates in its emails ("today", "morgen") are meant in its own time zone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Marketplace:
    """One Amazon storefront: where its mail comes from and how it keeps time."""

    domain: str
    country: str
    timezone: str
    mail_domains: tuple[str, ...]

    def order_url(self, order_id: str) -> str:
        """The customer's order-details page for an order on this marketplace."""
        return f"https://www.{self.domain}/gp/your-account/order-details?orderID={order_id}"

    def history_url(self) -> str:
        """The customer's list of orders: a link that names no order."""
        return f"https://www.{self.domain}/gp/css/order-history"


MARKETPLACES: tuple[Marketplace, ...] = (
    Marketplace("amazon.com", "US", "America/Los_Angeles", ("amazon.com",)),
    Marketplace("amazon.ca", "CA", "America/Toronto", ("amazon.ca",)),
    Marketplace("amazon.com.mx", "MX", "America/Mexico_City", ("amazon.com.mx",)),
    Marketplace("amazon.com.br", "BR", "America/Sao_Paulo", ("amazon.com.br",)),
    Marketplace("amazon.co.uk", "GB", "Europe/London", ("amazon.co.uk",)),
    Marketplace("amazon.de", "DE", "Europe/Berlin", ("amazon.de",)),
    Marketplace("amazon.fr", "FR", "Europe/Paris", ("amazon.fr",)),
    Marketplace("amazon.it", "IT", "Europe/Rome", ("amazon.it",)),
    Marketplace("amazon.es", "ES", "Europe/Madrid", ("amazon.es",)),
    Marketplace("amazon.nl", "NL", "Europe/Amsterdam", ("amazon.nl",)),
    Marketplace("amazon.pl", "PL", "Europe/Warsaw", ("amazon.pl",)),
    Marketplace("amazon.se", "SE", "Europe/Stockholm", ("amazon.se",)),
    Marketplace("amazon.com.be", "BE", "Europe/Brussels", ("amazon.com.be",)),
    Marketplace("amazon.in", "IN", "Asia/Kolkata", ("amazon.in",)),
    Marketplace("amazon.co.jp", "JP", "Asia/Tokyo", ("amazon.co.jp",)),
    Marketplace("amazon.com.au", "AU", "Australia/Sydney", ("amazon.com.au",)),
)

MARKETPLACE_DOMAINS: tuple[str, ...] = tuple(m.domain for m in MARKETPLACES)


def by_domain(domain: str) -> Marketplace | None:
    """The marketplace whose web or mail domain is `domain`, if any."""
    domain = domain.lower().removeprefix("www.")
    for market in MARKETPLACES:
        if domain == market.domain or domain in market.mail_domains:
            return market
    return None


def for_sender_domain(domain: str) -> Marketplace | None:
    """The marketplace that a sender domain (possibly a subdomain such as
    "marketplace.amazon.de") belongs to."""
    domain = domain.lower()
    best: Marketplace | None = None
    best_len = 0
    for market in MARKETPLACES:
        for mail_domain in market.mail_domains:
            if (domain == mail_domain or domain.endswith("." + mail_domain)) and len(
                mail_domain
            ) > best_len:
                best, best_len = market, len(mail_domain)
    return best
