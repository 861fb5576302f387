"""The settings of the registry parcelwatch uses, as one value.

A parse worker (daemon.parsing) is sent these and builds the registry in its
own process; the daemon, which only sends them, never loads the parsers, their
language tables or the HTML decoder (parsers.registry imports them all).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parsers.registry import Registry


@dataclass(frozen=True)
class RegistryOptions:
    """`parsers.registry.default_registry`'s settings as one value."""

    marketplaces: tuple[str, ...] | None = None
    forwarders: tuple[str, ...] = ()
    require_authentication: bool = False
    authserv_id: str | None = None

    def registry(self) -> Registry:
        """The registry these settings describe; loads the parsers on first use."""
        from parsers.registry import default_registry

        return default_registry(
            marketplaces=self.marketplaces,
            forwarders=self.forwarders,
            require_authentication=self.require_authentication,
            authserv_id=self.authserv_id,
        )
