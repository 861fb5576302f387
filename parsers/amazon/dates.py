"""Reading delivery estimates out of text, in one language's words.

Amazon writes dates for people: "Arriving Friday", "Arriving Mar 27 - Mar 28",
"Now expected Tuesday, March 31", "Arriving tomorrow by 10 p.m.", "お届け予定:
3月27日(金)". Relative words are resolved against the email's own date in the
marketplace's time zone, never against the clock, so parsing the same email always
gives the same answer.

Three families of date are read:

- named months ("March 27", "27. März"), in every language;
- CJK dates ("3月27日(金)", "2026年3月27日"), in every language: their 年/月/日
  markers cannot occur in another language's text, so they need no setting;
- all-numeric dates ("27.03.2026", "2026/03/27"), only for a language whose
  `numeric_dates` says which order its digits come in. Without that setting
  "03/04" is ambiguous, and a language's emails stay read exactly as before.

Japanese and Chinese put no spaces between words, and `\\b` finds no boundary
between two ideographs or kana. So a word of such a script is never required to
end at a word boundary ("明日お届け"), and a phrase may follow one ("商品のお届け予定").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from parsers.amazon.language import Language, NumericOrder
from parsers.model import Eta

# An estimate more than this far before the email's own date is taken to mean
# next year ("Arriving Jan 3" in an email of Dec 28).
_YEAR_ROLLOVER_DAYS = 60
_FULL_NAME = 4
_FULL_UNSPACED_NAME = 2

# Kana, CJK ideographs and half-width katakana: scripts written without spaces.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_UNSPACED_CHAR = re.compile(f"[{_UNSPACED}]")
# Where an estimate phrase may start: not right after a letter or digit of a spaced
# script. Before a phrase that starts with a Latin letter this is exactly `\b`; after
# kana or an ideograph it also allows the phrase ("商品のお届け予定"), which `\b` refuses.
_WORD_START = rf"(?<![^\W{_UNSPACED}])"

# Numeric parts, strict enough that prices, times and long numbers cannot pass.
_D = r"(?:0?[1-9]|[12][0-9]|3[01])"
_M = r"(?:0?[1-9]|1[0-2])"
_Y = r"(?:19|20)[0-9]{2}"
# A numeric date is a whole token: no digit before it, and no digit (or a separator
# and a digit) after it, so "27.03.2026" is never read out of "127.03.20261" or
# "27.03.2026.1". A dash may follow: it is how ranges are written ("27.03.-28.03.").
_NUMERIC_BEFORE = r"(?<!\d)"
_NUMERIC_AFTER = r"(?!\d|[.,:/]\d)"

# One pattern per digit order. The group names say what each number is; the
# separator must repeat ("27.03.2026", not "27.03/2026"). German writes a date
# without its year as "27.03.", with the closing dot, which tells it from a decimal.
_NUMERIC: Mapping[NumericOrder, str] = {
    "dmy": (
        rf"(?P<nd1>{_D})(?P<ns1>[./-])(?P<nm1>{_M})(?P=ns1)(?P<ny1>{_Y})"
        rf"|(?P<nd2>{_D})\.(?P<nm2>{_M})\."
    ),
    "mdy": rf"(?P<nm1>{_M})(?P<ns1>[./-])(?P<nd1>{_D})(?P=ns1)(?P<ny1>{_Y})",
    "ymd": rf"(?P<ny1>{_Y})(?P<ns1>[./-])(?P<nm1>{_M})(?P=ns1)(?P<nd1>{_D})",
}


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first so "tues" wins over "tue"."""
    names = sorted(words, key=len, reverse=True)
    if not names:
        return "(?!)"  # an empty table matches nothing, not the empty string
    return "|".join(re.escape(name) for name in names)


def _whole_words(words: Iterable[str]) -> str:
    """Like `_alternation`, each word ending at a word boundary where its script has
    one: "today" must not match "todays", but "明日" must match in "明日お届け"."""
    names = sorted(words, key=len, reverse=True)
    if not names:
        return "(?!)"
    return "|".join(
        re.escape(name) + ("" if _UNSPACED_CHAR.match(name[-1]) else r"\b") for name in names
    )


def _stands_alone(weekday: str) -> bool:
    """Whether a weekday name may stand alone as a date. It must be written out:
    "so" or "mer" alone is a word far more often than a Sunday or a Wednesday, and
    a lone 月 or 日 is a month or a day. "金曜日" is written out in three characters."""
    if _UNSPACED_CHAR.match(weekday):
        return len(weekday) >= _FULL_UNSPACED_NAME
    return len(weekday) >= _FULL_NAME


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
        unspaced_weekdays = [
            day for day in language.weekdays if _UNSPACED_CHAR.match(day) and _stands_alone(day)
        ]
        alone = _whole_words(day for day in language.weekdays if _stands_alone(day))
        relative = _whole_words(language.relative_days)
        day = r"(?P<{}>\d{{1,2}})(?:st|nd|rd|th|er|re|\.)?"
        month_first = (
            rf"(?P<mon_a>{months})\.?\s+{day.format('day_a')}(?:,?\s+(?P<year_a>\d{{4}}))?"
        )
        day_first = (
            rf"{day.format('day_b')}\s+(?:of\s+|de\s+)?(?P<mon_b>{months})\.?"
            rf"(?:,?\s+(?:de\s+)?(?P<year_b>\d{{4}}))?"
        )
        # "(金)", "(Fr.)" after a date (in ASCII or full-width parentheses), or "金曜日"
        # written straight after it: read past it so that a range's second date can follow.
        weekday_after = (
            rf"(?:\s*[(（]\s*(?:{weekdays})\.?\s*[)）]"
            rf"|\s*(?:{_alternation(unspaced_weekdays)}))?"
        )
        cjk = (
            r"(?:(?P<cjk_y>\d{4})\s*年\s*)?(?P<cjk_m>\d{1,2})\s*月\s*(?P<cjk_d>\d{1,2})\s*日"
            + weekday_after
        )
        calendar = [rf"(?:{month_first}|{day_first})\b", cjk]
        if language.numeric_dates is not None:
            numeric = _NUMERIC[language.numeric_dates]
            calendar.append(rf"{_NUMERIC_BEFORE}(?:{numeric}){_NUMERIC_AFTER}{weekday_after}")
        self._date = (
            rf"(?:(?P<rel>{relative})"
            rf"|(?:(?P<wd>{weekdays})\.?,?\s+)?(?:{'|'.join(calendar)})"
            rf"|(?P<wd_only>{alone}))"
        )
        self._single = re.compile(self._date, re.IGNORECASE)
        separators = "|".join(re.escape(sep) for sep in language.range_separators)
        self._range_tail = re.compile(rf"\s*(?:{separators})\s*", re.IGNORECASE)
        # The end of "March 27 - 28", "27. - 28. März" or "3月27日 - 28日".
        self._bare_day = re.compile(r"(\d{1,2})(?:\s*日|(?:st|nd|rd|th|\.)?\b)")
        # The start of "27 - 28 March", "27. - 30. März": a day whose month is the end's.
        self._leading_day = re.compile(
            rf"(\d{{1,2}})(?:st|nd|rd|th|er|re|\.)?\s*(?:{separators})\s*", re.IGNORECASE
        )
        self._phrases = tuple(
            re.compile(rf"{_WORD_START}{phrase}\s*", re.IGNORECASE)
            for phrase in language.eta_phrases
        )

    def find_eta(self, text: str, reference: date) -> Eta | None:
        """The first estimate introduced by the highest-priority phrase in `text`."""
        for phrase in self._phrases:
            for match in phrase.finditer(text):
                eta = self.read_range(text, match.end(), reference)
                if eta is not None:
                    return eta
        return None

    def find_all(self, text: str, reference: date) -> list[tuple[int, Eta]]:
        """Every estimate in `text` with its position: highest-priority phrase
        first, then in document order within a phrase. A phrase overlapping one
        already read ("arriving" inside "Now arriving") is passed over; which
        characters are read is kept in one flag per character, so each check
        costs the phrase's length, not the number of phrases read before."""
        found: list[tuple[int, Eta]] = []
        taken = bytearray(len(text))
        for phrase in self._phrases:
            for match in phrase.finditer(text):
                start, end = match.span()
                if any(taken[start:end]):
                    continue
                eta = self.read_range(text, end, reference)
                if eta is not None:
                    taken[start:end] = b"\x01" * (end - start)
                    found.append((start, eta))
        return found

    def read_range(self, text: str, pos: int, reference: date) -> Eta | None:
        """A date or date range starting exactly at `pos`."""
        first = self._single.match(text, pos)
        if first is None:
            return self._shared_month_range(text, pos, reference)
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

    def _shared_month_range(self, text: str, pos: int, reference: date) -> Eta | None:
        """ "27 - 28 March": the first day takes the second date's month and year."""
        lead = self._leading_day.match(text, pos)
        if lead is None:
            return None
        second = self._single.match(text, lead.end())
        if second is None:
            return None
        parts = self._parts(second)
        end = self._resolve(parts, reference) if parts.day is not None else None
        first_day = int(lead.group(1))
        if end is None or parts.month is None or not 1 <= first_day < end.day:
            return None
        return Eta(end.replace(day=first_day), end)

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
        month_number = _first(groups, "cjk_m", "nm1", "nm2")
        day_text = _first(groups, "day_a", "day_b", "cjk_d", "nd1", "nd2")
        year_text = _first(groups, "year_a", "year_b", "cjk_y", "ny1")
        if month_word:
            month: int | None = lang.months[month_word.lower()]
        else:
            month = int(month_number) if month_number else None
        return _Parts(
            month,
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


def _first(groups: Mapping[str, str | None], *names: str) -> str | None:
    """The first of the named groups that matched; a group the pattern lacks (a
    numeric order the language does not use) counts as unmatched."""
    for name in names:
        value = groups.get(name)
        if value:
            return value
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
