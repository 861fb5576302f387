"""Delivery estimates read by `DateReader`, in English unless a case says otherwise.

Every expected date below was worked out by hand from a calendar; the comment on
each case names the weekday of its reference date (2026-01-01 is a Thursday, so
2026-03-01 is a Sunday, 2026-03-25 a Wednesday, 2026-04-03 a Friday and
2026-12-28 a Monday).

Numeric dates are read only by a language that sets `numeric_dates`; German and
English do not (yet), so the day-first and month-first cases use copies of them
that do, and the plain German reader shows that the default reads none.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import NamedTuple

import pytest

from parsers.amazon.dates import DateReader
from parsers.amazon.de import GERMAN
from parsers.amazon.en import ENGLISH
from parsers.amazon.ja import JAPANESE
from parsers.model import Eta

READER = DateReader(ENGLISH)
JA = DateReader(JAPANESE)
DE = DateReader(GERMAN)
DMY = DateReader(replace(GERMAN, numeric_dates="dmy"))
MDY = DateReader(replace(ENGLISH, numeric_dates="mdy"))

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
    reader: DateReader = READER


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
    # --- Japanese: CJK dates, weekdays in parentheses, no spaces between words.
    # Wednesday 2026-03-25 -> 3月27日(金) is Friday 2026-03-27.
    "ja-month-day-weekday": Case("お届け予定: 3月27日(金)", WED_MAR_25, _day(2026, 3, 27), JA),
    # Wednesday 2026-03-25 -> full-width colon and parentheses, a full weekday name.
    "ja-full-width": Case("お届け予定：3月27日（金曜日）", WED_MAR_25, _day(2026, 3, 27), JA),
    # Wednesday 2026-03-25 -> an explicit year: Friday 2026-03-27.
    "ja-year-month-day": Case("お届け予定日：2026年3月27日", WED_MAR_25, _day(2026, 3, 27), JA),
    # Wednesday 2026-03-25 -> full-width digits: Friday 2026-03-27.
    "ja-full-width-digits": Case("お届け予定：３月２７日", WED_MAR_25, _day(2026, 3, 27), JA),
    # Wednesday 2026-03-25 -> Friday 27 to Saturday 28 March, joined by a wave dash.
    "ja-range-wave-dash": Case(
        "お届け予定：3月27日(金)～3月28日(土)",
        WED_MAR_25,
        Eta(date(2026, 3, 27), date(2026, 3, 28)),
        JA,
    ),
    # Wednesday 2026-03-25 -> the end "28日" borrows the start's month.
    "ja-range-bare-end-day": Case(
        "お届け予定 3月27日 - 28日", WED_MAR_25, Eta(date(2026, 3, 27), date(2026, 3, 28)), JA
    ),
    # Wednesday 2026-03-25 -> Monday 30 March to Thursday 2 April, across a month.
    "ja-range-across-month": Case(
        "お届け予定：3月30日(月)〜4月2日(木)",
        WED_MAR_25,
        Eta(date(2026, 3, 30), date(2026, 4, 2)),
        JA,
    ),
    # Wednesday 2026-03-25 -> "本日お届け予定": the date comes before the phrase, today.
    "ja-today-before-phrase": Case("本日お届け予定です", WED_MAR_25, _day(2026, 3, 25), JA),
    # Tuesday 2026-03-31 -> 明日 crosses the month: Wednesday 2026-04-01.
    "ja-tomorrow": Case("明日お届け予定", TUE_MAR_31, _day(2026, 4, 1), JA),
    # Wednesday 2026-03-25 -> 明後日 is Friday 2026-03-27, not 明日 followed by 後日.
    "ja-day-after-tomorrow": Case("お届け予定日：明後日", WED_MAR_25, _day(2026, 3, 27), JA),
    # Wednesday 2026-03-25 -> a written-out weekday alone: the coming Friday.
    "ja-weekday-alone": Case("お届け予定：金曜日", WED_MAR_25, _day(2026, 3, 27), JA),
    # Wednesday 2026-03-25 -> a lone 金 is not a date (it is also "gold", "money").
    "ja-single-character-weekday-alone": Case("お届け予定：金", WED_MAR_25, None, JA),
    # Wednesday 2026-03-25 -> the phrase right after other Japanese text (no \b there).
    "ja-phrase-after-ideographs": Case(
        "商品のお届け予定日は3月30日(月)です", WED_MAR_25, _day(2026, 3, 30), JA
    ),
    # Wednesday 2026-03-25 -> the date before "にお届け": Friday 2026-03-27.
    "ja-date-before-phrase": Case("3月27日(金)にお届けします", WED_MAR_25, _day(2026, 3, 27), JA),
    # Wednesday 2026-03-25 -> the new date outranks the old one written after it.
    "ja-new-date-first": Case(
        "新しいお届け予定日：4月1日(水)\n当初のお届け予定日：3月27日(金)",
        WED_MAR_25,
        _day(2026, 4, 1),
        JA,
    ),
    # Monday 2026-12-28 -> 1月3日 is long past this year: 2027-01-03 (a Sunday).
    "ja-year-rollover": Case("お届け予定：1月3日(日)", MON_DEC_28, _day(2027, 1, 3), JA),
    # Wednesday 2026-03-25 -> 2月30日 does not exist.
    "ja-invalid-date": Case("お届け予定：2月30日", WED_MAR_25, None, JA),
    # --- Year-first numeric dates (Japanese).
    # Wednesday 2026-03-25 -> the older template's range: Friday 27 to Saturday 28.
    "ymd-range": Case(
        "お届け予定日： 2026/03/27 - 2026/03/28",
        WED_MAR_25,
        Eta(date(2026, 3, 27), date(2026, 3, 28)),
        JA,
    ),
    # Wednesday 2026-03-25 -> with a weekday in parentheses and no leading zeros.
    "ymd-weekday": Case("お届け予定：2026/3/27(金)", WED_MAR_25, _day(2026, 3, 27), JA),
    # Wednesday 2026-03-25 -> ISO style with dashes.
    "ymd-dashes": Case("お届け予定: 2026-03-27", WED_MAR_25, _day(2026, 3, 27), JA),
    # Wednesday 2026-03-25 -> a year-first date, then a bare end day: Friday to Saturday.
    "ymd-range-bare-end-day": Case(
        "お届け予定：2026/03/27-28", WED_MAR_25, Eta(date(2026, 3, 27), date(2026, 3, 28)), JA
    ),
    # Wednesday 2026-03-25 -> an order id after the phrase is not a date.
    "ymd-not-order-id": Case("お届け予定: 503-2741890-3316728", WED_MAR_25, None, JA),
    # Wednesday 2026-03-25 -> a grouped 12-digit tracking number is not a date.
    "ymd-not-tracking-number": Case("お届け予定: 2012-3456-7892", WED_MAR_25, None, JA),
    # Wednesday 2026-03-25 -> a time window is not a date.
    "ymd-not-time": Case("お届け予定: 19:00-21:00", WED_MAR_25, None, JA),
    # Wednesday 2026-03-25 -> a month 13 makes no date.
    "ymd-invalid-month": Case("お届け予定: 2026/13/01", WED_MAR_25, None, JA),
    # Wednesday 2026-03-25 -> a longer digit run is not read in part.
    "ymd-digits-run-on": Case("お届け予定: 2026/03/271", WED_MAR_25, None, JA),
    # --- Day-first numeric dates (a German table that opts in).
    # Wednesday 2026-03-25 -> Friday 2026-03-27, with the year.
    "dmy-dots": Case("Zustellung: 27.03.2026", WED_MAR_25, _day(2026, 3, 27), DMY),
    # Wednesday 2026-03-25 -> slashes, with a weekday before.
    "dmy-slashes-weekday": Case(
        "Zustellung: Freitag, 27/03/2026", WED_MAR_25, _day(2026, 3, 27), DMY
    ),
    # Wednesday 2026-03-25 -> "27.03." without a year, closing dot included.
    "dmy-no-year": Case("Zustellung: 27.03.", WED_MAR_25, _day(2026, 3, 27), DMY),
    # Wednesday 2026-03-25 -> a range of two year-less dates: Friday to Saturday.
    "dmy-range": Case(
        "Zustellung: 27.03. - 28.03.", WED_MAR_25, Eta(date(2026, 3, 27), date(2026, 3, 28)), DMY
    ),
    # Wednesday 2026-03-25 -> the same range written without spaces.
    "dmy-range-no-spaces": Case(
        "Zustellung: 27.03.-28.03.", WED_MAR_25, Eta(date(2026, 3, 27), date(2026, 3, 28)), DMY
    ),
    # Wednesday 2026-03-25 -> a full date may end a sentence.
    "dmy-sentence-end": Case(
        "Zustellung am 27.03.2026. Danke!", WED_MAR_25, _day(2026, 3, 27), DMY
    ),
    # Monday 2026-12-28 -> a year-less 02.01. means 2027-01-02 (a Saturday).
    "dmy-year-rollover": Case("Zustellung: 02.01.", MON_DEC_28, _day(2027, 1, 2), DMY),
    # Wednesday 2026-03-25 -> a price is not a date.
    "dmy-not-price": Case("Zustellung: 12.99 EUR", WED_MAR_25, None, DMY),
    # Wednesday 2026-03-25 -> a price with thousands separator is not a date.
    "dmy-not-price-thousands": Case("Zustellung: 1.234,56 EUR", WED_MAR_25, None, DMY),
    # Wednesday 2026-03-25 -> a time with a dot ("10.12 Uhr") lacks the closing dot.
    "dmy-not-time": Case("Zustellung bis 10.12 Uhr", WED_MAR_25, None, DMY),
    # Wednesday 2026-03-25 -> a two-digit year is not read as a year-less date.
    "dmy-not-two-digit-year": Case("Zustellung: 27.03.26", WED_MAR_25, None, DMY),
    # Wednesday 2026-03-25 -> an order id is not a date.
    "dmy-not-order-id": Case("Zustellung: 302-4417285-9183542", WED_MAR_25, None, DMY),
    # Wednesday 2026-03-25 -> a DHL tracking number is not a date.
    "dmy-not-tracking-number": Case("Zustellung: 00340434162581977307", WED_MAR_25, None, DMY),
    # Wednesday 2026-03-25 -> German without the setting reads no numeric date at all.
    "dmy-off-by-default": Case("Zustellung: 27.03.2026", WED_MAR_25, None, DE),
    # Wednesday 2026-03-25 -> ...and still reads its named months.
    "de-named-month-unchanged": Case(
        "Zustellung: Freitag, 27. März", WED_MAR_25, _day(2026, 3, 27), DE
    ),
    # --- Month-first numeric dates (an English table that opts in).
    # Wednesday 2026-03-25 -> "27 - 28 March": the start borrows the end's month.
    "range-shared-month-day-first": Case(
        "Arriving 27 - 28 March", WED_MAR_25, Eta(date(2026, 3, 27), date(2026, 3, 28))
    ),
    # Wednesday 2026-03-25 -> German "27. - 30. März" (en dash) is Friday 27 to Monday 30.
    "range-shared-month-german": Case(
        "Zustellung: 27. – 30. März", WED_MAR_25, Eta(date(2026, 3, 27), date(2026, 3, 30)), DE
    ),
    # Monday 2026-12-28 -> "2 - 4 January" has passed this year: it rolls to 2027.
    "range-shared-month-year-end": Case(
        "Arriving 2 - 4 January", MON_DEC_28, Eta(date(2027, 1, 2), date(2027, 1, 4))
    ),
    # Wednesday 2026-03-25 -> a count of days is no range: "3 - 5 business days".
    "range-shared-month-needs-a-month": Case("Arriving 3 - 5 business days", WED_MAR_25, None),
    # Wednesday 2026-03-25 -> a start after the end ("30 - 2 April") is not read.
    "range-shared-month-backwards": Case("Arriving 30 - 2 April", WED_MAR_25, None),
    # Wednesday 2026-03-25 -> 03/27/2026 is Friday 2026-03-27.
    "mdy-slashes": Case("Arriving 03/27/2026", WED_MAR_25, _day(2026, 3, 27), MDY),
    # Wednesday 2026-03-25 -> 27/03/2026 has no month 27 in this order.
    "mdy-rejects-day-first": Case("Arriving 27/03/2026", WED_MAR_25, None, MDY),
    # Wednesday 2026-03-25 -> plain English reads no numeric date.
    "mdy-off-by-default": Case("Arriving 03/27/2026", WED_MAR_25, None),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_find_eta(case: Case) -> None:
    assert case.reader.find_eta(case.text, case.reference) == case.expected


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
