"""Value objects and the small helpers every backend shares."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from daemon.carriers.aftership import AfterShip
from daemon.carriers.base import Backend, BatchBuilder, CarrierEvent, CarrierStatus, chunked, unique
from daemon.carriers.dhl import Dhl
from daemon.carriers.fedex import FedEx
from daemon.carriers.normalise import chronological, delivered_time, phrase_milestone, place
from daemon.carriers.seventeen_track import SeventeenTrack
from daemon.carriers.shape import ShapeError, items, obj, text
from daemon.carriers.ups import Ups
from daemon.carriers.when import eta, instant, local_date
from daemon.config.secrets import Secret
from parsers.model import Eta, Milestone
from tests.daemon.carriers.harness import q

M = Milestone
T = datetime(2026, 3, 27, 12, tzinfo=UTC)


def event(at: datetime | None, milestone: Milestone | None = None, text: str = "") -> CarrierEvent:
    return CarrierEvent(at, milestone, text, None, text)


def test_every_backend_is_a_backend() -> None:
    key = Secret("inline", "k")
    backends: list[Backend] = [
        SeventeenTrack(key), AfterShip(key), Dhl(key), Ups("id", key), FedEx("id", key),
    ]  # fmt: skip
    try:
        assert [b.name for b in backends] == ["17track", "aftership", "dhl", "ups", "fedex"]
        assert [b.max_batch for b in backends] == [40, 50, 1, 1, 30]
        assert backends[3].carriers == frozenset({"ups"})
    finally:
        for backend in backends:
            backend.close()


@pytest.mark.parametrize(
    "at",
    [datetime(2026, 3, 27, 12), datetime(2026, 3, 27, 12, tzinfo=timezone(timedelta(hours=2)))],
)
def test_times_must_be_utc(at: datetime) -> None:
    with pytest.raises(ValueError, match="UTC"):
        event(at)
    with pytest.raises(ValueError, match="UTC"):
        CarrierStatus("n", None, None, "", delivered_at=at)


def test_the_last_word_on_a_number_wins() -> None:
    out = BatchBuilder()
    out.not_found("a")
    out.not_found("b")
    out.not_found("c")
    out.status(CarrierStatus("a", "ups", M.IN_TRANSIT, "On the way"))
    out.reject("b", "bad")
    result = out.result()
    assert list(result.statuses) == ["a"]
    assert result.not_found == ("c",)
    assert [r.number for r in result.rejected] == ["b"]


def test_a_reading_without_a_status_is_not_found() -> None:
    out = BatchBuilder()
    out.status_or_not_found("a", CarrierStatus("a", "ups", M.IN_TRANSIT, "On the way"))
    out.status_or_not_found("b", None)
    result = out.result()
    assert list(result.statuses) == ["a"]
    assert result.not_found == ("b",)


def test_unique_and_chunked() -> None:
    assert unique([q("a", "ups"), q("b"), q("a")]) == [q("a", "ups"), q("b")]
    assert [list(c) for c in chunked([1, 2, 3, 4, 5], 2)] == [[1, 2], [3, 4], [5]]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-03-27T18:15:00Z", datetime(2026, 3, 27, 18, 15, tzinfo=UTC)),
        ("2026-03-27T14:15:00-04:00", datetime(2026, 3, 27, 18, 15, tzinfo=UTC)),
        ("2026-03-27T14:15:00.123+00:00", datetime(2026, 3, 27, 14, 15, 0, 123000, tzinfo=UTC)),
        ("2026-03-27T14:15:00", datetime(2026, 3, 27, 14, 15, tzinfo=UTC)),
        ("2026-03-27", datetime(2026, 3, 27, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_instant(written: str | None, expected: datetime | None) -> None:
    assert instant(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-03-27", date(2026, 3, 27)),
        ("2026-03-27T23:30:00-04:00", date(2026, 3, 27)),  # the carrier's day, not UTC's
        ("20260328", date(2026, 3, 28)),
        ("27/03/2026", None),
        (None, None),
    ],
)
def test_local_date(written: str | None, expected: date | None) -> None:
    assert local_date(written) == expected


def test_eta() -> None:
    d27, d28 = date(2026, 3, 27), date(2026, 3, 28)
    assert eta(None, None) is None
    assert eta(d27, None) == Eta.day(d27)
    assert eta(None, d28) == Eta.day(d28)
    assert eta(d28, d27) == Eta(d27, d28)


def test_chronological_keeps_the_api_order_where_times_are_missing() -> None:
    a, b, c = event(T, text="a"), event(None, text="b"), event(T - timedelta(hours=1), text="c")
    assert [e.description for e in chronological([a, b, c], newest_first=True)] == ["c", "b", "a"]
    later, earlier = event(T), event(T - timedelta(hours=1))
    assert chronological([later, earlier], newest_first=False) == (earlier, later)


def test_delivered_time() -> None:
    scans = [event(T, M.OUT_FOR_DELIVERY), event(T + timedelta(hours=2), M.DELIVERED)]
    assert delivered_time(M.DELIVERED, scans) == T + timedelta(hours=2)
    assert delivered_time(M.DELIVERED, scans, stated=T) == T
    assert delivered_time(M.OUT_FOR_DELIVERY, scans) is None
    assert delivered_time(M.DELIVERED, scans[:1]) is None


def test_phrases_and_places() -> None:
    table = {"ready for pick up": M.AVAILABLE_FOR_PICKUP}
    assert phrase_milestone("READY FOR PICK-UP", table) is M.AVAILABLE_FOR_PICKUP
    assert phrase_milestone("Ready for pickup", table) is M.AVAILABLE_FOR_PICKUP
    assert phrase_milestone(None, table) is None
    assert place("Albany", " NY ", None, "", "Albany") == "Albany, NY"
    assert place(None, "") is None


def test_shape_helpers() -> None:
    doc: dict[str, Any] = {
        "a": None,
        "b": [{"x": 1}],
        "c": "  ",
        "d": 7,
        "e": True,
        "f": ["x"],
        "g": {"k": []},
    }
    assert obj(doc, "a") == {} and items(doc, "a") == []
    assert items(doc, "b") == [{"x": 1}]
    assert text(doc, "c") is None and text(doc, "d") == "7" and text(doc, "e") is None
    with pytest.raises(ShapeError):
        items(doc, "f")
    with pytest.raises(ShapeError):
        text(doc, "g")
    with pytest.raises(ShapeError):
        obj(doc, "b")
