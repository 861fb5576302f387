"""Which languages each marketplace writes its emails in, most common first.

Adding a language: write its table module (see en.py), then list it here for the
marketplaces that use it. Nothing else changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from parsers.amazon.de import GERMAN
from parsers.amazon.en import ENGLISH
from parsers.amazon.fr import FRENCH
from parsers.amazon.language import Language
from parsers.amazon.marketplaces import MARKETPLACE_DOMAINS

# Until a marketplace's own language module exists, English is tried, so at least
# its English-language mails (and every order id and link) are understood.
BY_MARKETPLACE: Mapping[str, tuple[Language, ...]] = MappingProxyType(
    dict.fromkeys(MARKETPLACE_DOMAINS, (ENGLISH,))
    | {
        "amazon.de": (GERMAN, ENGLISH),
        "amazon.fr": (FRENCH, ENGLISH),
        "amazon.com.be": (FRENCH, ENGLISH),
        "amazon.ca": (ENGLISH, FRENCH),
    }
)
