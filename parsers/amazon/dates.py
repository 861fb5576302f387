"""Reading delivery estimates out of text, in one language's words.

Amazon writes dates for people: "Arriving Friday", "Arriving Mar 27 - Mar 28",
"Now expected Tuesday, March 31", "Arriving tomorrow by 10 p.m.". Relative words
are resolved against the email's own date in the marketplace's time zone, never
against the clock, so parsing the same email always gives the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from parsers.amazon.language import Language
from parsers.model import Eta

# An estimate more than this far before the email's own date is taken to mean
# next year ("Arriving Jan 3" in an email of Dec 28).
_YEAR_ROLLOVER_DAYS = 60
_FULL_NAME = 4


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first so "tues" wins over "tue"."""
    names = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(name) for name in names)


@dataclass(frozen=True)
class _Parts:
    month: int | None
    day: int | None
    year: int | None
    weekday: int | None
    relative: int | None


class DateReader:
    """Finds and resolves date expressions for one language; compiled once."""

    def __init__(self, language: Language) -> None:
        self.language = language
        months = _alternation(language.months)
        weekdays = _alternation(language.weekdays)
        # A weekday standing alone must be written out: "so" or "mer" alone is a
        # word far more often than a Sunday or a Wednesday.
        full_weekdays = _alternation(day for day in language.weekdays if len(day) >= _FULL_NAME)
        relative = _alternation(language.relative_days)
        day = r"(?P<{}>\d{{1,2}})(?:st|nd|rd|th|er|re|\.)?"
        month_first = (
            rf"(?P<mon_a>{months})\.?\s+{day.format('day_a')}(?:,?\s+(?P<year_a>\d{{4}}))?"
        )
        day_first = (
            rf"{day.format('day_b')}\s+(?:of\s+|de\s+)?(?P<mon_b>{months})\.?"
            rf"(?:,?\s+(?:de\s+)?(?P<year_b>\d{{4}}))?"
        )
        self._date = (
            rf"(?:(?P<rel>{relative})\b"
            rf"|(?:(?P<wd>{weekdays})\.?,?\s+)?(?:{month_first}|{day_first})\b"
            rf"|(?P<wd_only>{full_weekdays})\b)"
        )
        single = re.compile(self._date, re.IGNORECASE)
        self._single = single
        separators = "|".join(re.escape(sep) for sep in language.range_separators)
        self._range_tail = re.compile(rf"\s*(?:{separators})\s*", re.IGNORECASE)
        self._bare_day = re.compile(r"(\d{1,2})(?:st|nd|rd|th|\.)?\b")
        self._phrases = tuple(
            re.compile(rf"\b{phrase}\s*", re.IGNORECASE) for phrase in language.eta_phrases
        )

    def find_eta(self, text: str, reference: date) -> Eta | None:
        """The first estimate introduced by the highest-priority phrase in `text`."""
        found = self.find_all(text, reference)
        return found[0][1] if found else None

    def find_all(self, text: str, reference: date) -> list[tuple[int, Eta]]:
        """Every estimate in `text` with its position: highest-priority phrase
        first, then in document order within a phrase."""
        found: list[tuple[int, Eta]] = []
        taken: list[tuple[int, int]] = []  # phrase spans already read
        for phrase in self._phrases:
            for match in phrase.finditer(text):
                start, end = match.span()
                if any(a <= start < b or a < end <= b for a, b in taken):
                    continue  # "arriving" inside an already-read "Now arriving"
                eta = self.read_range(text, end, reference)
                if eta is not None:
                    taken.append((start, end))
                    found.append((start, eta))
        return found

    def read_range(self, text: str, pos: int, reference: date) -> Eta | None:
        """A date or date range starting exactly at `pos`."""
        first = self._single.match(text, pos)
        if first is None:
            return None
        start_parts = self._parts(first)
        start = self._resolve(start_parts, reference)
        if start is None:
            return None
        tail = self._range_tail.match(text, first.end())
        if tail is not None:
            end = self._range_end(text, tail.end(), start_parts, start)
            if end is not None and end >= start:
                return Eta(start, end)
        return Eta.day(start)

    def _range_end(self, text: str, pos: int, start_parts: _Parts, start: date) -> date | None:
        """The end of a range: a full date ("Mar 28"), or a bare day ("27 - 28")."""
        second = self._single.match(text, pos)
        if second is not None:
            return self._resolve(self._parts(second), start)
        bare = self._bare_day.match(text, pos)
        if bare is not None and start_parts.month is not None:
            day_only = _Parts(start_parts.month, int(bare.group(1)), None, None, None)
            return self._resolve(day_only, start)
        return None

    def _parts(self, match: re.Match[str]) -> _Parts:
        groups = match.groupdict()
        lang = self.language
        if groups["rel"]:
            return _Parts(None, None, None, None, lang.relative_days[groups["rel"].lower()])
        weekday_word = groups["wd"] or groups["wd_only"]
        weekday = lang.weekdays[weekday_word.lower()] if weekday_word else None
        month_word = groups["mon_a"] or groups["mon_b"]
        day_text = groups["day_a"] or groups["day_b"]
        year_text = groups["year_a"] or groups["year_b"]
        return _Parts(
            lang.months[month_word.lower()] if month_word else None,
            int(day_text) if day_text else None,
            int(year_text) if year_text else None,
            weekday,
            None,
        )

    @staticmethod
    def _resolve(parts: _Parts, reference: date) -> date | None:
        if parts.relative is not None:
            return reference + timedelta(days=parts.relative)
        if parts.month is not None and parts.day is not None:
            return _calendar_date(parts, reference)
        if parts.weekday is not None:
            return reference + timedelta(days=(parts.weekday - reference.weekday()) % 7)
        return None


def _calendar_date(parts: _Parts, reference: date) -> date | None:
    assert parts.month is not None and parts.day is not None
    year = parts.year if parts.year is not None else reference.year
    try:
        when = date(year, parts.month, parts.day)
    except ValueError:
        return None
    if parts.year is None and (reference - when).days > _YEAR_ROLLOVER_DAYS:
        try:
            when = date(year + 1, parts.month, parts.day)
        except ValueError:
            return None
    return when
