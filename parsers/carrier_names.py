"""Carrier names as emails write them, mapped to parcelwatch's carrier slugs."""

from __future__ import annotations

import re

# Written name (lower case, as it starts) -> slug. Longer names are tried first,
# so "dhl ecommerce" and "ups mail innovations" beat "dhl" and "ups".
_NAMES: dict[str, str] = {
    "amazon logistics": "amazon_logistics", "amzl": "amazon_logistics",
    "amazon": "amazon_logistics", "ups": "ups", "united parcel service": "ups",
    "usps": "usps", "u.s. postal service": "usps", "united states postal service": "usps",
    "fedex": "fedex", "fed ex": "fedex", "dhl": "dhl", "ontrac": "ontrac",
    "lasership": "lasership", "royal mail": "royal_mail", "parcelforce": "parcelforce",
    "evri": "evri", "hermes": "evri", "dpd": "dpd", "canada post": "canada_post",
    "postes canada": "canada_post", "purolator": "purolator", "gls": "gls",
    "deutsche post": "deutsche_post", "colissimo": "colissimo", "chronopost": "chronopost",
    "la poste": "colissimo", "poste italiane": "poste_italiane", "brt": "brt",
    "sda": "sda", "dragonfly": "dragonfly", "intelcom": "dragonfly",
    "correos": "correos", "seur": "seur", "postnl": "postnl", "bpost": "bpost",
    "inpost": "inpost", "poczta polska": "poczta_polska", "postnord": "postnord",
    "correios": "correios", "estafeta": "estafeta", "india post": "india_post",
    "australia post": "australia_post", "yamato": "yamato", "ヤマト運輸": "yamato",
    "sagawa": "sagawa", "佐川急便": "sagawa", "japan post": "japan_post", "日本郵便": "japan_post",
}  # fmt: skip
_ORDERED = sorted(_NAMES, key=len, reverse=True)
_SLUGS = frozenset(_NAMES.values())
_WORD_END = re.compile(r"[\w]")


def carrier_slug(written: str) -> str | None:
    """The slug for a carrier name as written ("UPS", "Royal Mail Tracked 24"),
    or None for a name we do not know."""
    lowered = written.strip().lower()
    if lowered in _SLUGS:
        return lowered
    for name in _ORDERED:
        if lowered.startswith(name):
            rest = lowered[len(name) : len(name) + 1]
            if not rest or not _WORD_END.match(rest) or not name.isascii():
                return _NAMES[name]
    return None
