"""The carrier-check ledger: which shipments are due, and recording what a
carrier said, in the same transaction and through the same state machine as
emails, so a scan and an email of the same milestone notify once.

A carrier's events join the shipment's timeline once each: an event already in
the timeline (same source, time and description) is not added again, however
often the carrier repeats its history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from daemon.carriers.base import CarrierEvent, CarrierStatus
from daemon.state import ShipmentState
from daemon.store import schema
from daemon.store.check_rows import save_check
from daemon.store.database import Store
from daemon.store.reads import normal_number
from daemon.store.recorder import Announcer, Recorder, load_state
from daemon.store.rows import Rows
from parsers.model import Eta, Kind, Milestone, ShipmentEvent

SOURCE = "carrier"


@dataclass(frozen=True, order=True)
class DueCheck:
    """A shipment whose carrier status is due to be asked."""

    shipment_pk: int
    carrier: str | None
    tracking_number: str
    marketplace: str | None


@dataclass(frozen=True)
class PushRecorded:
    """What recording a push did: shipments it concerned, notifications queued."""

    shipments: int
    notifications: int


@dataclass(frozen=True)
class CheckState:
    """What the schedule needs to know about a shipment after an update."""

    progress: Milestone | None
    side: Milestone | None
    eta: Eta | None
    created_at: datetime
    last_event_at: datetime | None
    terminal: bool


class Checks:
    def __init__(self, store: Store, announcer: Announcer) -> None:
        self.store = store
        self.announcer = announcer

    def due(self, now: datetime, *, shipment_pks: Sequence[int] | None = None) -> list[DueCheck]:
        """Shipments with a tracking number, not finished, whose next check has
        come (or that were never checked); `shipment_pks` asks for these now.
        Only the shipments on their way are read (a partial index), never the
        history, and their state is not decoded: this runs every minute."""
        ship, check = schema.shipment, schema.carriercheck
        query = (
            sa.select(ship.c.id, ship.c.carrier, ship.c.tracking_number, ship.c.marketplace)
            .select_from(ship.outerjoin(check, check.c.shipment_pk == ship.c.id))
            # (a number is tested through coalesce so that no planner prefers the
            # index of all tracking numbers to the partial one of travelling parcels)
            .where(schema.TRAVELLING, sa.func.coalesce(ship.c.tracking_number, "") != "")
            .where(sa.or_(check.c.id.is_(None), check.c.done == sa.false()))
        )
        if shipment_pks is None:
            next_at = check.c.next_check_at
            query = query.where(sa.or_(next_at.is_(None), next_at <= now))
        else:
            query = query.where(ship.c.id.in_(list(shipment_pks)))
        with self.store.reading() as connection:
            rows = connection.execute(query).all()
        return sorted(DueCheck(*row) for row in rows)  # oldest parcel first

    def record(
        self, due: DueCheck, backend: str, status: CarrierStatus, now: datetime
    ) -> tuple[int, CheckState]:
        """Add the carrier's new events to the timeline and move the shipment's
        state; returns the notifications queued and the state after."""
        with self.store.writing() as connection:
            recorder = Recorder(connection, self.announcer, now)
            check = self._apply(recorder, due, backend, status)
            save_check(connection, due.shipment_pk, {**check, "last_checked_at": now})
            answer = recorder.queued, _state(recorder.rows, due.shipment_pk)
        self.store.changed()
        return answer

    def push(self, backend: str, status: CarrierStatus, now: datetime) -> PushRecorded:
        """Record what a backend pushed about a number (a webhook) for every
        shipment still travelling with it, exactly as a polled answer is
        recorded, so a scan seen both ways is notified once. Unlike a check it
        does not move `last_checked_at` (nobody asked), so a replayed push
        changes nothing at all; a parcel it finishes is not asked again."""
        number = normal_number(status.number)
        ship = schema.shipment
        with self.store.writing() as connection:
            recorder = Recorder(connection, self.announcer, now)
            rows = recorder.rows.shipments(
                sa.select(ship).where(ship.c.tracking_number == number).order_by(ship.c.id)
            )
            updated = 0
            for shipment in rows:
                if shipment.finished:
                    continue
                assert shipment.id is not None and shipment.tracking_number is not None
                due = DueCheck(
                    shipment.id, shipment.carrier, shipment.tracking_number, shipment.marketplace
                )
                check = self._apply(recorder, due, backend, status)
                if _state(recorder.rows, shipment.id).terminal:
                    check.update(next_check_at=None, done=True, note="finished")
                save_check(connection, shipment.id, check)
                updated += 1
            return PushRecorded(updated, recorder.queued)

    def _apply(
        self, recorder: Recorder, due: DueCheck, backend: str, status: CarrierStatus
    ) -> dict[str, object]:
        """The carrier's new events into the timeline and the state machine;
        returns what the shipment's check row is to say of who answered."""
        for event in status.events:
            self._event(recorder, due, event, status.eta)
        if status.milestone is not None and not status.events:
            # A status without dated scans is what the carrier says now: its evidence.
            summary = _shipment_event(
                due, status.milestone, recorder.now, status.status_text, status.eta
            )
            recorder.record(summary, SOURCE, None)
        return {"backend": backend, "status_text": status.status_text[:200], "note": None}

    def _event(
        self, recorder: Recorder, due: DueCheck, event: CarrierEvent, eta: Eta | None
    ) -> None:
        when = event.occurred_at
        if when is None:
            return  # an undated scan cannot be placed in the timeline, nor told apart
        description = _describe(event)
        line = schema.timelineevent
        seen = sa.select(line.c.id).where(
            line.c.shipment_pk == due.shipment_pk,
            line.c.source == SOURCE,
            line.c.description == description[:300],
            line.c.occurred_at == when,
        )
        if recorder.rows.scalar(seen.limit(1)) is not None:
            return
        milestone = event.milestone or Milestone.IN_TRANSIT
        recorder.record(_shipment_event(due, milestone, when, description, eta), SOURCE, None)

    def schedule(
        self, shipment_pk: int, next_check_at: datetime | None, *, note: str | None = None
    ) -> None:
        """When to ask next (None: never again, with `note` saying why)."""
        values: dict[str, object] = {"next_check_at": next_check_at, "done": next_check_at is None}
        if note is not None:
            values["note"] = note[:300]
        with self.store.writing() as connection:
            save_check(connection, shipment_pk, values)

    def state(self, shipment_pk: int) -> CheckState:
        with self.store.writing() as connection:
            return _state(Rows(connection), shipment_pk)

    def answered_by(self, backend: str) -> list[str]:
        """The tracking numbers `backend` has answered for, so that a new process
        need not register them with it again."""
        ship, check = schema.shipment, schema.carriercheck
        query = (
            sa.select(ship.c.tracking_number)
            .join(check, check.c.shipment_pk == ship.c.id)
            .where(check.c.backend == backend)
        )
        with self.store.reading() as connection:
            return [number for (number,) in connection.execute(query) if number]


def _state(rows: Rows, shipment_pk: int) -> CheckState:
    shipment = rows.shipment(shipment_pk)
    assert shipment is not None
    state = load_state(shipment)
    return CheckState(
        state.progress,
        state.side,
        state.eta,
        shipment.created_at,
        shipment.last_event_at,
        terminal=_over(state),
    )


def _over(state: ShipmentState) -> bool:
    """Delivered, or returned to sender or cancelled: nothing left to check."""
    return state.terminal or (state.side is not None and state.side.kind is Kind.TERMINAL)


def _describe(event: CarrierEvent) -> str:
    text = event.description or event.status_text
    return f"{text} ({event.location})" if event.location else text


def _shipment_event(
    due: DueCheck,
    milestone: Milestone,
    when: datetime | None,
    description: str,
    eta: Eta | None,
) -> ShipmentEvent:
    # No carrier: the backend's detected slug must not overwrite the one the email gave.
    return ShipmentEvent(
        milestone=milestone,
        occurred_at=when,
        tracking_number=due.tracking_number,
        marketplace=due.marketplace,
        eta=eta if milestone is not Milestone.DELIVERED else None,
        description=description[:300],
    )
