"""The shape of one language's table: the words and phrases Amazon uses in it.

Every language family (English, German, ...) is a module that builds one
`Language` from plain tables. The shared logic in this package reads only these
tables, so supporting a language is adding a module, not touching the logic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from parsers.model import Milestone

Rule = tuple[Milestone, re.Pattern[str]]

# The order of day, month and year in an all-numeric date: "dmy" for "27.03.2026"
# and "27/03/2026", "mdy" for "03/27/2026", "ymd" for "2026/03/27".
NumericOrder = Literal["dmy", "mdy", "ymd"]


@dataclass(frozen=True)
class Language:
    """Words and phrases of one language, as Amazon writes them.

    `subject_rules` and `body_rules` are tried in order; the first match decides
    the milestone. Body rules are a fallback for when Amazon changes a subject
    line, so they match headlines ("Your package was delivered"), not words that
    also appear in other emails' footers.
    `eta_phrases` introduce an estimated date ("Arriving", "Now expected"); the
    earlier ones win, so phrases that announce a new date come first. A phrase
    may be a bare look-ahead when the language writes the date first
    ("本日お届け予定": the date is read where the look-ahead stands).
    `numeric_dates` says how the language orders an all-numeric date; None (the
    default) reads none, since "03/04" means a different day in each order.

    `informational` matches subjects of order mail that announce no milestone at
    all (a refund that is delayed, not made): such an email is read and yields
    nothing, rather than being taken for the milestone its words resemble.
    `pickup_code` (a locker's or counter's code) and `delivery_code` (the one-time
    password the recipient tells the driver) hold the code in the group "code";
    the location patterns hold the place in the group "place", the first that
    matches wins. `pickup_deadline` phrases introduce the last day to collect,
    read like `eta_phrases`.
    """

    code: str
    months: Mapping[str, int]
    weekdays: Mapping[str, int]
    relative_days: Mapping[str, int]
    subject_rules: tuple[Rule, ...]
    body_rules: tuple[Rule, ...]
    eta_phrases: tuple[str, ...]
    quantity: re.Pattern[str]
    negative_subjects: re.Pattern[str]
    photo_label: re.Pattern[str]
    carrier_label: re.Pattern[str]
    generic_link: re.Pattern[str]
    sold_by: re.Pattern[str]
    range_separators: tuple[str, ...] = ("-", "–", "—", "to", "and")
    day_first: bool = False
    numeric_dates: NumericOrder | None = None
    # "Your pickup code is 123456": the code is the group named "code".
    pickup_code: re.Pattern[str] | None = None
    delivery_code: re.Pattern[str] | None = None
    pickup_location: tuple[re.Pattern[str], ...] = ()
    pickup_deadline: tuple[str, ...] = ()
    delivery_location: tuple[re.Pattern[str], ...] = ()
    informational: re.Pattern[str] | None = None

    def subject_milestone(self, subject: str) -> Milestone | None:
        """The milestone a subject line announces, if any rule knows it."""
        return _first(self.subject_rules, subject)

    def body_milestone(self, body: str) -> Milestone | None:
        """The milestone a body's headline sentence announces, if any rule knows it."""
        return _first(self.body_rules, body)


def _first(table: tuple[Rule, ...], text: str) -> Milestone | None:
    for milestone, pattern in table:
        if pattern.search(text):
            return milestone
    return None


def rules(*pairs: tuple[Milestone, str]) -> tuple[Rule, ...]:
    """Compile (milestone, regex) pairs case-insensitively."""
    flags = re.IGNORECASE | re.MULTILINE
    return tuple((milestone, re.compile(regex, flags)) for milestone, regex in pairs)


def places(*regexes: str) -> tuple[re.Pattern[str], ...]:
    """Compile location patterns (each with a group "place") case-insensitively."""
    flags = re.IGNORECASE | re.MULTILINE
    return tuple(re.compile(regex, flags) for regex in regexes)


# A place as emails write it: up to the end of its line, sentence or clause, at
# most 80 characters (bounded, so that a long line cannot make the search slow).
PLACE = r"(?P<place>[^\n,.;:!?]{2,80}?)(?=\s*(?:[,.;!?]|\n|$))"
# The same, allowed to run to the end of its sentence across commas and colons
# ("handed to a resident and signed for by ...", "Left in a safe place: porch").
CLAUSE = r"(?P<place>[^\n.!?]{2,100}?)(?=\s*(?:[.!?](?:\s|$)|\n|$))"
