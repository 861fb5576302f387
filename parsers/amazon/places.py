"""Where a parcel waits and where it was left, its codes, and the day to collect it by.

Each is read only where the email states it, in one language's phrases: a pickup
notice names its locker or counter ("Collection point: Amazon Locker - Juniper")
and the last day ("Please collect your parcel by Thursday 2 April"); a delivered
email says where the parcel was left ("left near the front door or porch").
"""

from __future__ import annotations

import re
from datetime import date

from parsers.amazon.dates import DateReader
from parsers.amazon.language import Language


class PlaceReader:
    """Reads one language's places, codes and pickup deadlines; compiled once."""

    def __init__(self, language: Language, dates: DateReader) -> None:
        self.language = language
        self.dates = dates
        self._deadlines = tuple(
            re.compile(rf"{phrase}\s*", re.IGNORECASE) for phrase in language.pickup_deadline
        )

    def pickup_code(self, text: str) -> str | None:
        """The code that opens a locker or proves the parcel is yours at a counter."""
        return _code(self.language.pickup_code, text)

    def delivery_code(self, text: str) -> str | None:
        """The one-time password the recipient tells the driver."""
        return _code(self.language.delivery_code, text)

    def pickup_location(self, text: str) -> str | None:
        """The locker or counter as the email names it, with its address when the
        lines right below the name give one ("Amazon Locker - Fichte, Bayerstraße
        10A, 80335 München")."""
        for pattern in self.language.pickup_location:
            match = pattern.search(text)
            if match is not None:
                place = " ".join(match.group("place").split())
                if place:
                    return ", ".join([place, *_address(text, match.end())])
        return None

    def delivery_location(self, text: str) -> str | None:
        return _place(self.language.delivery_location, text)

    def pickup_deadline(self, text: str, reference: date) -> date | None:
        """The last day to collect the parcel: the end of the first date (or range)
        that a deadline phrase introduces."""
        for phrase in self._deadlines:
            for match in phrase.finditer(text):
                found = self.dates.read_range(text, match.end(), reference)
                if found is not None:
                    return found.end
        return None


# One line of an address under a place's name: short, with a number (a street's,
# a postcode) and no colon, link or long run of digits (an order id, a phone).
_ADDRESS_LINE = re.compile(r"[ \t]*\n[ \t]*(?P<line>[^\n:/@]{3,60}?)[ \t]*(?=\n|$)")
_ADDRESS_LINES = 2
_NOT_ADDRESS = re.compile(r"\d{6,}|\d{3}-\d{7}|[.!?]$")


def _address(text: str, end: int) -> list[str]:
    """The address lines (at most two) that directly follow a place's name
    ending at `end`; none when the name is not alone on its line."""
    lines: list[str] = []
    for _ in range(_ADDRESS_LINES):
        match = _ADDRESS_LINE.match(text, end)
        if match is None:
            break
        line = " ".join(match.group("line").split())
        if not any(c.isdigit() for c in line) or _NOT_ADDRESS.search(line) or len(line.split()) > 6:
            break
        lines.append(line)
        end = match.end()
    return lines


def _code(pattern: re.Pattern[str] | None, text: str) -> str | None:
    if pattern is None:
        return None
    match = pattern.search(text)
    return match.group("code") if match else None


def _place(patterns: tuple[re.Pattern[str], ...], text: str) -> str | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match is not None:
            place = " ".join(match.group("place").split())
            if place:
                return place
    return None
