"""The shipment state machine: pure, so that every rule is one table-driven test.

(state, event) -> (new state, notifications). Progress only moves forward; a side
state (delayed, delivery attempted, exception) is notified each time it is
entered; nothing leaves a terminal state except an after-sale event. Each
notification carries an occurrence number, and (shipment, milestone, occurrence)
is unique in the outbox, so replaying the same events can never notify twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from parsers.model import Eta, Kind, Milestone, ShipmentEvent


@dataclass(frozen=True)
class ShipmentState:
    """What the state machine knows about one shipment (or one unshipped order)."""

    progress: Milestone | None = None
    side: Milestone | None = None
    after_sale: Milestone | None = None
    eta: Eta | None = None
    occurrences: Mapping[Milestone, int] = field(default_factory=dict)

    @property
    def terminal(self) -> bool:
        return self.progress is not None and self.progress.kind is Kind.TERMINAL

    @property
    def status(self) -> Milestone | None:
        """The one milestone to show a person: after-sale, else side, else progress."""
        return self.after_sale or self.side or self.progress

    def count(self, milestone: Milestone) -> int:
        return self.occurrences.get(milestone, 0)


@dataclass(frozen=True)
class Notification:
    """A milestone entered, to be notified once: (milestone, occurrence) is its key."""

    milestone: Milestone
    occurrence: int


@dataclass(frozen=True)
class Transition:
    state: ShipmentState
    notifications: tuple[Notification, ...]

    @property
    def changed(self) -> bool:
        return bool(self.notifications)


def apply(state: ShipmentState, event: ShipmentEvent) -> Transition:
    """The state after `event`, and what to notify."""
    milestone = event.milestone
    kind = milestone.kind
    if kind is Kind.AFTER_SALE:
        return _after_sale(state, milestone)
    if state.terminal:
        return Transition(state, ())  # recorded in the timeline, changes nothing
    state = _with_eta(state, event)
    if kind is Kind.SIDE:
        return _side(state, milestone, event.eta)
    return _forward(state, milestone)


def _with_eta(state: ShipmentState, event: ShipmentEvent) -> ShipmentState:
    if event.eta is None or event.milestone is Milestone.DELAYED:
        return state  # a delay's new ETA is compared in _side before it is stored
    return replace(state, eta=event.eta)


def _forward(state: ShipmentState, milestone: Milestone) -> Transition:
    """Progress and terminal milestones: only ever forward."""
    current = state.progress
    if current is not None and not _is_ahead(milestone, current):
        return Transition(state, ())
    state = replace(state, progress=milestone, side=None)
    if milestone.kind is Kind.TERMINAL:
        state = replace(state, eta=None)
    return _entered(state, milestone, once=True)


def _is_ahead(new: Milestone, current: Milestone) -> bool:
    """Whether `new` moves a shipment forward from `current`. Returned and
    cancelled end any unfinished journey; out for delivery and ready for pickup
    share a rank, and a parcel may go from one to the other (a failed delivery
    taken to a pickup point)."""
    if new.kind is Kind.TERMINAL and new.rank is None:
        return True
    new_rank, current_rank = new.rank, current.rank
    assert new_rank is not None and current_rank is not None
    if new_rank == current_rank:
        return new is not current and new_rank == Milestone.OUT_FOR_DELIVERY.rank
    return new_rank > current_rank


def _side(state: ShipmentState, milestone: Milestone, eta: Eta | None) -> Transition:
    """Side states notify each time they are entered; a further delay that moves
    the ETA again counts as entering the delay again."""
    same_delay = milestone is Milestone.DELAYED and state.side is milestone and eta == state.eta
    if state.side is milestone and (milestone is not Milestone.DELAYED or same_delay):
        return Transition(state, ())
    if milestone is Milestone.DELAYED and eta is None and state.side is milestone:
        return Transition(state, ())
    state = replace(state, side=milestone, eta=eta if eta is not None else state.eta)
    return _entered(state, milestone, once=False)


def _after_sale(state: ShipmentState, milestone: Milestone) -> Transition:
    if state.after_sale is milestone:
        return Transition(state, ())
    return _entered(replace(state, after_sale=milestone), milestone, once=False)


def _entered(state: ShipmentState, milestone: Milestone, *, once: bool) -> Transition:
    count = state.count(milestone)
    if once and count:
        return Transition(state, ())
    occurrences = {**state.occurrences, milestone: count + 1}
    return Transition(
        replace(state, occurrences=occurrences), (Notification(milestone, count + 1),)
    )
