"""Facts that belong to the vocabulary itself (parsers/model.py)."""

from __future__ import annotations

from datetime import date

import pytest

from parsers.model import Eta, Milestone


def test_order_level_milestones_are_those_of_a_whole_order() -> None:
    order_level = {m for m in Milestone if m.order_level}
    assert order_level == {Milestone.ORDERED, Milestone.CANCELLED, Milestone.REFUNDED}


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 3, 27), date(2026, 3, 28), Eta(date(2026, 3, 27), date(2026, 3, 28))),
        (date(2026, 3, 27), None, None),
        (None, date(2026, 3, 28), None),
        (None, None, None),
    ],
)
def test_an_estimate_needs_both_ends(start: date | None, end: date | None, expected: Eta) -> None:
    assert Eta.between(start, end) == expected


def test_an_estimate_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Eta.between(date(2026, 3, 28), date(2026, 3, 27))
