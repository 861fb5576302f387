"""Which languages each marketplace writes its emails in, most common first.

Adding a language: write its table module (see en.py), then list it here for the
marketplaces that use it. Nothing else changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from parsers.amazon.de import GERMAN
from parsers.amazon.en import ENGLISH
from parsers.amazon.es import SPANISH
from parsers.amazon.fr import FRENCH
from parsers.amazon.it import ITALIAN
from parsers.amazon.ja import JAPANESE
from parsers.amazon.language import Language
from parsers.amazon.marketplaces import MARKETPLACE_DOMAINS
from parsers.amazon.nl import DUTCH
from parsers.amazon.pl import POLISH
from parsers.amazon.pt import PORTUGUESE
from parsers.amazon.sv import SWEDISH

# Until a marketplace's own language module exists, English is tried, so at least
# its English-language mails (and every order id and link) are understood.
BY_MARKETPLACE: Mapping[str, tuple[Language, ...]] = MappingProxyType(
    dict.fromkeys(MARKETPLACE_DOMAINS, (ENGLISH,))
    | {
        "amazon.de": (GERMAN, ENGLISH),
        "amazon.fr": (FRENCH, ENGLISH),
        "amazon.com.be": (FRENCH, DUTCH, ENGLISH),
        "amazon.it": (ITALIAN, ENGLISH),
        "amazon.nl": (DUTCH, ENGLISH),
        "amazon.ca": (ENGLISH, FRENCH),
        "amazon.co.jp": (JAPANESE, ENGLISH),
        "amazon.pl": (POLISH, ENGLISH),
        "amazon.se": (SWEDISH, ENGLISH),
        "amazon.es": (SPANISH, ENGLISH),
        "amazon.com.mx": (SPANISH, ENGLISH),
        "amazon.com.br": (PORTUGUESE, ENGLISH),
    }
)
