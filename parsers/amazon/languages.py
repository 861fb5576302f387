"""Which languages each marketplace writes its emails in, most common first.

Each language's tables are a module of its own whose patterns are compiled when
it is imported (a few dozen milliseconds each), so they are loaded on demand:
`parcelwatch parse` of an amazon.com email loads English alone, and a daemon
loads the languages of the marketplaces its mail actually comes from.

Adding a language: write its table module (see en.py), name it in `_MODULES`,
then list it here for the marketplaces that use it. Nothing else changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import MappingProxyType

from parsers.amazon.language import Language
from parsers.amazon.marketplaces import MARKETPLACE_DOMAINS

# Language code -> (module, the name of its Language there).
_MODULES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "de": ("parsers.amazon.de", "GERMAN"),
        "en": ("parsers.amazon.en", "ENGLISH"),
        "es": ("parsers.amazon.es", "SPANISH"),
        "fr": ("parsers.amazon.fr", "FRENCH"),
        "it": ("parsers.amazon.it", "ITALIAN"),
        "ja": ("parsers.amazon.ja", "JAPANESE"),
        "nl": ("parsers.amazon.nl", "DUTCH"),
        "pl": ("parsers.amazon.pl", "POLISH"),
        "pt": ("parsers.amazon.pt", "PORTUGUESE"),
        "sv": ("parsers.amazon.sv", "SWEDISH"),
    }
)

# Until a marketplace's own language module exists, English is tried, so at least
# its English-language mails (and every order id and link) are understood.
BY_MARKETPLACE: Mapping[str, tuple[str, ...]] = MappingProxyType(
    dict.fromkeys(MARKETPLACE_DOMAINS, ("en",))
    | {
        "amazon.de": ("de", "en"),
        "amazon.fr": ("fr", "en"),
        "amazon.com.be": ("fr", "nl", "en"),
        "amazon.it": ("it", "en"),
        "amazon.nl": ("nl", "en"),
        "amazon.ca": ("en", "fr"),
        "amazon.co.jp": ("ja", "en"),
        "amazon.pl": ("pl", "en"),
        "amazon.se": ("sv", "en"),
        "amazon.es": ("es", "en"),
        "amazon.com.mx": ("es", "en"),
        "amazon.com.br": ("pt", "en"),
    }
)


def language(code: str) -> Language:
    """One language's tables, its module imported on first use (Python keeps it)."""
    module, name = _MODULES[code]
    found = getattr(importlib.import_module(module), name)
    assert isinstance(found, Language), f"{module}.{name} is not a Language"
    return found


def of_marketplace(domain: str) -> tuple[Language, ...]:
    """The languages a marketplace writes in, most common first (none if unknown)."""
    return tuple(language(code) for code in BY_MARKETPLACE.get(domain, ()))
