"""Delivery estimates read by `DateReader(ENGLISH)`.

Every expected date below was worked out by hand from a calendar; the comment on
each case names the weekday of its reference date (2026-01-01 is a Thursday, so
2026-03-01 is a Sunday, 2026-03-25 a Wednesday, 2026-04-03 a Friday and
2026-12-28 a Monday).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import pytest

from parsers.amazon.dates import DateReader
from parsers.amazon.en import ENGLISH
from parsers.model import Eta

READER = DateReader(ENGLISH)

WED_MAR_25 = date(2026, 3, 25)  # Wednesday
FRI_MAR_27 = date(2026, 3, 27)  # Friday
TUE_MAR_31 = date(2026, 3, 31)  # Tuesday
MON_DEC_28 = date(2026, 12, 28)  # Monday


def _day(year: int, month: int, day: int) -> Eta:
    return Eta.day(date(year, month, day))


class Case(NamedTuple):
    text: str
    reference: date
    expected: Eta | None


CASES: dict[str, Case] = {
    # Wednesday 2026-03-25 -> the coming Friday is two days later.
    "weekday-ahead": Case("Arriving Friday", WED_MAR_25, _day(2026, 3, 27)),
    # Friday 2026-03-27 -> "Friday" on a Friday is the same day, not next week.
    "weekday-same-day": Case("Arriving Friday", FRI_MAR_27, _day(2026, 3, 27)),
    # Wednesday 2026-03-25 -> Monday wraps into the next week: Monday 2026-03-30.
    "weekday-next-week": Case("Arriving Monday", WED_MAR_25, _day(2026, 3, 30)),
    # Wednesday 2026-03-25 -> tomorrow is Thursday 2026-03-26.
    "tomorrow": Case("Arriving tomorrow", WED_MAR_25, _day(2026, 3, 26)),
    # Tuesday 2026-03-31 -> tomorrow crosses the month: Wednesday 2026-04-01.
    "tomorrow-month-end": Case("Arriving tomorrow", TUE_MAR_31, _day(2026, 4, 1)),
    # Wednesday 2026-03-25 -> today; the time of day is ignored.
    "today-by-time": Case("Arriving today by 10 p.m.", WED_MAR_25, _day(2026, 3, 25)),
    # Wednesday 2026-03-25 -> Friday 27 to Saturday 28 March.
    "range-abbreviated-months": Case(
        "Arriving Mar 27 - Mar 28", WED_MAR_25, Eta(date(2026, 3, 27), date(2026, 3, 28))
    ),
    # Wednesday 2026-03-25 -> the end "28" borrows the start's month.
    "range-bare-end-day": Case(
        "Arriving March 27 - 28", WED_MAR_25, Eta(date(2026, 3, 27), date(2026, 3, 28))
    ),
    # Wednesday 2026-03-25 -> Wednesday 8 April to Friday 10 April.
    "range-between-and": Case(
        "Arriving between Apr 8 and Apr 10",
        WED_MAR_25,
        Eta(date(2026, 4, 8), date(2026, 4, 10)),
    ),
    # Wednesday 2026-03-25 -> Monday 30 March to Thursday 2 April, across a month.
    "range-across-month": Case(
        "Arriving Mar 30 - Apr 2", WED_MAR_25, Eta(date(2026, 3, 30), date(2026, 4, 2))
    ),
    # Wednesday 2026-03-25 -> an explicit full date: Friday 2026-04-03.
    "estimated-delivery-full-date": Case(
        "Estimated delivery: Friday, April 3, 2026", WED_MAR_25, _day(2026, 4, 3)
    ),
    # Wednesday 2026-03-25 -> the date on the line after the phrase.
    "estimated-delivery-next-line": Case(
        "Your estimated delivery date is:\nFriday, April 3, 2026", WED_MAR_25, _day(2026, 4, 3)
    ),
    # Wednesday 2026-03-25 -> "Arriving Saturday" alone would be 2026-03-28, but
    # "Now arriving" outranks it even though it comes later: Tuesday 2026-03-31.
    "phrase-priority": Case(
        "Arriving Saturday\nUpdate: your package is late.\nNow arriving Tuesday, March 31",
        WED_MAR_25,
        _day(2026, 3, 31),
    ),
    # Monday 2026-12-28 -> Jan 3 is long past this year, so it means 2027-01-03 (a Sunday).
    "year-rollover": Case("Arriving Jan 3", MON_DEC_28, _day(2027, 1, 3)),
    # Monday 2026-12-28 -> a range across the new year: 2026-12-30 to 2027-01-02.
    "year-rollover-range": Case(
        "Arriving Dec 30 - Jan 2", MON_DEC_28, Eta(date(2026, 12, 30), date(2027, 1, 2))
    ),
    # Wednesday 2026-03-25 -> February has no 30th.
    "invalid-date": Case("Arriving February 30", WED_MAR_25, None),
    # Wednesday 2026-03-25 -> no phrase introduces a date.
    "no-estimate": Case(
        "Thanks for shopping with us. We will email you when your items ship.",
        WED_MAR_25,
        None,
    ),
    # Wednesday 2026-03-25 -> a phrase followed by no date.
    "phrase-without-date": Case("Arriving soon at your door", WED_MAR_25, None),
    # Wednesday 2026-03-25 -> day-first British style: Friday 2026-03-27.
    "day-first": Case("Arriving 27 March", WED_MAR_25, _day(2026, 3, 27)),
    # Wednesday 2026-03-25 -> day-first with ordinal and weekday: Friday 2026-03-27.
    "day-first-ordinal-weekday": Case("Arriving Friday, 27th March", WED_MAR_25, _day(2026, 3, 27)),
    # Wednesday 2026-03-25 -> case-insensitive, sentence-final full stop.
    "uppercase-with-full-stop": Case("ARRIVING MARCH 27.", WED_MAR_25, _day(2026, 3, 27)),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_find_eta(case: Case) -> None:
    assert READER.find_eta(case.text, case.reference) == case.expected


def test_find_all_returns_each_estimate_with_its_position() -> None:
    # Reference Wednesday 2026-03-25: Friday -> 2026-03-27; April 3 stated in full.
    text = "Order 1: Arriving Friday\nOrder 2: Estimated delivery: Friday, April 3, 2026"
    found = READER.find_all(text, WED_MAR_25)
    assert found == [(9, _day(2026, 3, 27)), (34, _day(2026, 4, 3))]
    assert text[9:].startswith("Arriving Friday")
    assert text[34:].startswith("Estimated delivery")


def test_find_all_keeps_document_order_within_one_phrase() -> None:
    # Reference Wednesday 2026-03-25: Friday -> 03-27, Monday -> 03-30, tomorrow -> 03-26.
    text = "Arriving Friday. Arriving Monday. Arriving tomorrow."
    assert READER.find_all(text, WED_MAR_25) == [
        (0, _day(2026, 3, 27)),
        (17, _day(2026, 3, 30)),
        (34, _day(2026, 3, 26)),
    ]


def test_find_all_puts_the_higher_priority_phrase_first() -> None:
    # Reference Wednesday 2026-03-25: "Now arriving" (Tuesday 03-31) outranks the
    # earlier "Arriving Saturday" (03-28), so it is listed first.
    text = "Arriving Saturday\nNow arriving Tuesday, March 31"
    found = READER.find_all(text, WED_MAR_25)
    assert found[0] == (18, _day(2026, 3, 31))
    assert (0, _day(2026, 3, 28)) in found


def test_find_all_lists_each_estimate_once() -> None:
    # Reference Wednesday 2026-03-25: Saturday -> 03-28; Tuesday, March 31 -> 03-31.
    text = "Arriving Saturday\nNow arriving Tuesday, March 31"
    assert READER.find_all(text, WED_MAR_25) == [
        (18, _day(2026, 3, 31)),
        (0, _day(2026, 3, 28)),
    ]


def test_find_all_is_empty_without_an_estimate() -> None:
    assert READER.find_all("Your order has been cancelled.", WED_MAR_25) == []


def test_read_range_reads_only_at_the_given_position() -> None:
    # Reference Wednesday 2026-03-25.
    text = "Arriving Mar 27 - Mar 28"
    assert READER.read_range(text, 9, WED_MAR_25) == Eta(date(2026, 3, 27), date(2026, 3, 28))
    assert READER.read_range(text, 0, WED_MAR_25) is None
