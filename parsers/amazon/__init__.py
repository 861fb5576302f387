"""Amazon's emails: the parser (parsers.amazon.parser, AmazonParser), its
language tables, and what the daemon asks of a marketplace (marketplaces).

`AmazonParser` is looked up here when first asked for, so that importing a
light module of the package (the marketplaces, for the configuration and the
notifications) does not load the parser with its language tables and HTML
readers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parsers.amazon.parser import AmazonParser

__all__ = ["AmazonParser"]


def __getattr__(name: str) -> Any:
    if name == "AmazonParser":
        from parsers.amazon.parser import AmazonParser

        return AmazonParser
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
