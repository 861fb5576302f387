"""Dragonfly's mail domains (parsers.dragonfly reads its notices).

Apart from the parser so that the daemon can name them in its IMAP search
without loading the parser, its date tables and the HTML decoder: the daemon
searches, the parse workers read (daemon.parsing).
"""

from __future__ import annotations

DOMAINS = (
    "dragonflyinternational.com",
    "dragonflyshipping.nl",
    "dragonflyshipping.com",
    "dragonflyshipping.ca",
    "intelcom.ca",
)


def is_dragonfly(domain: str) -> bool:
    """Whether a sender's domain is one of Dragonfly's or below one."""
    domain = domain.lower()
    return any(domain == d or domain.endswith("." + d) for d in DOMAINS)
