"""The parser registry that a configuration calls for: the same for the daemon and
for `parcelwatch parse`, so that a file parses as the daemon would read it."""

from __future__ import annotations

from daemon.config.settings import Settings
from parsers.registry import Registry, default_registry


def registry_for(settings: Settings) -> Registry:
    """Every parser, limited to the configured marketplaces, reading forwards from
    the configured addresses, with the configured authentication rule."""
    return default_registry(
        marketplaces=settings.marketplaces,
        forwarders=settings.forwarding_addresses,
        require_authentication=settings.require_authentication,
    )
