"""The state machine, one table of (events in, states and notifications out)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from daemon.state import Notification, ShipmentState, apply
from parsers.model import Eta, Kind, Milestone, ShipmentEvent

M = Milestone
T0 = datetime(2026, 3, 25, 12, tzinfo=UTC)
MAR28 = Eta.day(date(2026, 3, 28))
MAR31 = Eta.day(date(2026, 3, 31))
APR2 = Eta.day(date(2026, 4, 2))


def ev(milestone: Milestone, eta: Eta | None = None) -> ShipmentEvent:
    return ShipmentEvent(milestone=milestone, occurred_at=T0, eta=eta)


def run(events: list[ShipmentEvent]) -> tuple[ShipmentState, list[tuple[str, int]]]:
    state = ShipmentState()
    sent: list[tuple[str, int]] = []
    for event in events:
        step = apply(state, event)
        state = step.state
        sent.extend((n.milestone.value, n.occurrence) for n in step.notifications)
    return state, sent


CASES: list[tuple[str, list[ShipmentEvent], Milestone | None, list[tuple[str, int]]]] = [
    ("happy path",
     [ev(M.ORDERED), ev(M.SHIPPED), ev(M.OUT_FOR_DELIVERY), ev(M.DELIVERED)],
     M.DELIVERED,
     [("ordered", 1), ("shipped", 1), ("out_for_delivery", 1), ("delivered", 1)]),
    ("the same email twice notifies once",
     [ev(M.SHIPPED), ev(M.SHIPPED)], M.SHIPPED, [("shipped", 1)]),
    ("progress never goes backwards",
     [ev(M.OUT_FOR_DELIVERY), ev(M.SHIPPED), ev(M.IN_TRANSIT)],
     M.OUT_FOR_DELIVERY, [("out_for_delivery", 1)]),
    ("a skipped step is fine",
     [ev(M.ORDERED), ev(M.DELIVERED)], M.DELIVERED, [("ordered", 1), ("delivered", 1)]),
    ("nothing leaves delivered but after-sale",
     [ev(M.DELIVERED), ev(M.OUT_FOR_DELIVERY), ev(M.DELAYED, MAR31), ev(M.CANCELLED)],
     M.DELIVERED, [("delivered", 1)]),
    ("after-sale events follow a delivery",
     [ev(M.DELIVERED), ev(M.RETURN_STARTED), ev(M.REFUNDED)],
     M.REFUNDED, [("delivered", 1), ("return_started", 1), ("refunded", 1)]),
    ("a delay is a side state, progress clears it",
     [ev(M.SHIPPED, MAR28), ev(M.DELAYED, MAR31), ev(M.OUT_FOR_DELIVERY)],
     M.OUT_FOR_DELIVERY, [("shipped", 1), ("delayed", 1), ("out_for_delivery", 1)]),
    ("the same delay twice notifies once",
     [ev(M.DELAYED, MAR31), ev(M.DELAYED, MAR31)], M.DELAYED, [("delayed", 1)]),
    ("a delay without a date does not repeat a delay",
     [ev(M.DELAYED, MAR31), ev(M.DELAYED)], M.DELAYED, [("delayed", 1)]),
    ("a second delay to a new date is a new occurrence",
     [ev(M.SHIPPED), ev(M.DELAYED, MAR31), ev(M.DELAYED, APR2)],
     M.DELAYED, [("shipped", 1), ("delayed", 1), ("delayed", 2)]),
    ("side states re-entered after progress notify again",
     [ev(M.DELIVERY_ATTEMPTED), ev(M.OUT_FOR_DELIVERY), ev(M.DELIVERY_ATTEMPTED)],
     M.DELIVERY_ATTEMPTED,
     [("delivery_attempted", 1), ("out_for_delivery", 1), ("delivery_attempted", 2)]),
    ("an exception repeated by the carrier notifies once",
     [ev(M.EXCEPTION), ev(M.EXCEPTION)], M.EXCEPTION, [("exception", 1)]),
    ("out for delivery then to a pickup point",
     [ev(M.OUT_FOR_DELIVERY), ev(M.AVAILABLE_FOR_PICKUP), ev(M.OUT_FOR_DELIVERY)],
     M.OUT_FOR_DELIVERY, [("out_for_delivery", 1), ("available_for_pickup", 1)]),
    ("cancelled ends an unshipped order",
     [ev(M.ORDERED), ev(M.CANCELLED), ev(M.SHIPPED)],
     M.CANCELLED, [("ordered", 1), ("cancelled", 1)]),
    ("a repeated progress milestone changes nothing, a side state included",
     [ev(M.OUT_FOR_DELIVERY), ev(M.DELIVERY_ATTEMPTED), ev(M.OUT_FOR_DELIVERY)],
     M.DELIVERY_ATTEMPTED, [("out_for_delivery", 1), ("delivery_attempted", 1)]),
    ("a second return of the same order is news again",
     [ev(M.DELIVERED), ev(M.RETURN_STARTED), ev(M.REFUNDED), ev(M.RETURN_STARTED)],
     M.RETURN_STARTED,
     [("delivered", 1), ("return_started", 1), ("refunded", 1), ("return_started", 2)]),
    ("returned to sender is terminal",
     [ev(M.SHIPPED), ev(M.RETURNED), ev(M.DELIVERED)],
     M.RETURNED, [("shipped", 1), ("returned", 1)]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("events", "status", "notified"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_transitions(
    events: list[ShipmentEvent], status: Milestone | None, notified: list[tuple[str, int]]
) -> None:
    state, sent = run(events)
    assert state.status is status
    assert sent == notified


def test_eta_follows_the_latest_estimate_and_clears_on_delivery() -> None:
    state, _ = run([ev(M.SHIPPED, MAR28), ev(M.DELAYED, MAR31)])
    assert state.eta == MAR31
    state = apply(state, ev(M.DELIVERED)).state
    assert state.eta is None


@pytest.mark.parametrize(
    ("events", "eta"),
    [
        ([ev(M.SHIPPED, MAR28), ev(M.OUT_FOR_DELIVERY, MAR31)], MAR31),  # a new estimate wins
        ([ev(M.SHIPPED, MAR28), ev(M.IN_TRANSIT)], MAR28),  # no estimate keeps the last one
        ([ev(M.SHIPPED, MAR28), ev(M.EXCEPTION)], MAR28),  # so does a side state without one
        ([ev(M.SHIPPED, MAR28), ev(M.EXCEPTION, APR2)], APR2),  # and one with one moves it
        ([ev(M.SHIPPED, MAR28), ev(M.DELAYED, MAR31), ev(M.SHIPPED)], MAR31),
    ],
)
def test_the_estimate_is_the_latest_one_given(events: list[ShipmentEvent], eta: Eta) -> None:
    state, _ = run(events)
    assert state.eta == eta


def test_replaying_every_prefix_never_repeats_a_notification() -> None:
    """Notification keys stay unique however often the same history is applied."""
    history = [ev(M.SHIPPED), ev(M.DELAYED, MAR31), ev(M.OUT_FOR_DELIVERY), ev(M.DELIVERED)]
    state = ShipmentState()
    keys: list[Notification] = []
    for event in history + history:
        step = apply(state, event)
        state = step.state
        keys.extend(step.notifications)
    assert len(keys) == len(set(keys)) == 4


# --- the rules, stated over every history -------------------------------------------

PROGRESS = [m for m in Milestone if m.rank is not None]
ANY_EVENT = st.builds(
    ev, st.sampled_from(list(Milestone)), st.none() | st.sampled_from([MAR28, MAR31, APR2])
)


@given(st.lists(ANY_EVENT, max_size=12))
def test_progress_rank_never_falls(history: list[ShipmentEvent]) -> None:
    """Forward only: whatever arrives, the rank of the progress milestone never
    goes down (out for delivery <-> ready for pickup share a rank)."""
    state = ShipmentState()
    for event in history:
        before = state.progress
        state = apply(state, event).state
        if before is not None and before.rank is not None:
            assert state.progress is not None
            after_rank = state.progress.rank
            assert after_rank is None or after_rank >= before.rank


@given(st.lists(ANY_EVENT, max_size=12))
def test_a_progress_milestone_is_notified_at_most_once(history: list[ShipmentEvent]) -> None:
    _, sent = run(history)
    progress = [name for name, _ in sent if Milestone(name).rank is not None]
    assert len(progress) == len(set(progress))


@given(st.sampled_from([M.DELIVERED, M.RETURNED, M.CANCELLED]), st.lists(ANY_EVENT, max_size=8))
def test_a_terminal_state_only_moves_by_after_sale_events(
    end: Milestone, later: list[ShipmentEvent]
) -> None:
    state = apply(ShipmentState(), ev(end)).state
    for event in later:
        step = apply(state, event)
        if event.milestone.kind is not Kind.AFTER_SALE:
            assert step.state.progress is end
            assert step.notifications == ()
        state = step.state


@pytest.mark.parametrize("first", PROGRESS)
@pytest.mark.parametrize("second", PROGRESS)
def test_every_pair_of_progress_milestones(first: Milestone, second: Milestone) -> None:
    """The pairwise table behind the forward rule, spelled out: the second
    milestone moves the shipment only when its rank is higher, or when it swaps
    out for delivery and ready for pickup."""
    assert first.rank is not None and second.rank is not None
    state = apply(ShipmentState(), ev(first)).state
    step = apply(state, ev(second))
    swap = {first, second} == {M.OUT_FOR_DELIVERY, M.AVAILABLE_FOR_PICKUP}
    moves = second.rank > first.rank or swap
    assert step.state.progress is (second if moves else first)
    assert step.notifications == ((Notification(second, 1),) if moves else ())
