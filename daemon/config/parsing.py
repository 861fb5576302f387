"""The parsers a configuration calls for: the same for the daemon and for
`parcelwatch parse`, so that a file parses as the daemon would read it."""

from __future__ import annotations

from daemon.config.settings import Settings
from parsers.options import RegistryOptions


def registry_options(settings: Settings) -> RegistryOptions:
    """Every parser, limited to the configured marketplaces, reading forwards from
    the configured addresses, with the configured authentication rule and the
    user's mail server's id; built in each parse worker (daemon.parsing)."""
    return RegistryOptions(
        marketplaces=settings.marketplaces,
        forwarders=settings.forwarding_addresses,
        require_authentication=settings.require_authentication,
        authserv_id=settings.authserv_id,
    )
