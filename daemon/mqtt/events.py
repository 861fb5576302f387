"""Which milestones fire Home Assistant's event entity, once each.

A shipment's view says how often it entered each milestone (the state
machine's occurrence counts); the ledger says which (shipment, milestone,
occurrence) were told already. What is new fires, in the order it happened,
unless it is history: evidence older than `max_age` when first seen (a first
sync of an old mailbox, a daemon that was down for days), or an occurrence a
later one of the same milestone superseded. History is recorded without
firing, so it is not considered again.

A firing is claimed in the ledger before it is published (the row is unique,
so two processes never both fire it) and released if the broker did not take
it, to be fired on the next pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select

from daemon.store.database import Store
from daemon.store.tables import HomeAssistantEvent
from daemon.store.views import ShipmentView
from parsers.model import Milestone

Told = Mapping[tuple[int, str], int]  # (shipment, milestone) -> highest occurrence told


@dataclass(frozen=True)
class Firing:
    view: ShipmentView
    milestone: Milestone
    occurrence: int
    fire: bool
    at: datetime  # when it happened (the evidence), for the order of firing


def new_firings(
    views: Sequence[ShipmentView], told: Told, now: datetime, max_age: timedelta
) -> list[Firing]:
    """Every occurrence not told yet, oldest first; `fire` says news or history."""
    found: list[Firing] = []
    for view in views:
        for milestone, count in view.occurrences:
            done = told.get((view.pk, milestone.value), 0)
            if count <= done:
                continue
            at = _evidence(view, milestone)
            for occurrence in range(done + 1, count + 1):
                latest = occurrence == count
                fire = latest and now - at <= max_age
                found.append(Firing(view, milestone, occurrence, fire, at))
    return sorted(found, key=lambda f: (f.at, f.view.pk, f.occurrence))


def _evidence(view: ShipmentView, milestone: Milestone) -> datetime:
    """When the shipment last entered `milestone`: its latest timeline line."""
    lines = [line.occurred_at for line in view.timeline if line.milestone is milestone]
    return max(lines, default=view.updated_at)


class EventLedger:
    """The `homeassistant_event` table: what was told, claimed and released."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def told(self) -> dict[tuple[int, str], int]:
        table = HomeAssistantEvent
        with self.store.transaction() as session:
            rows = session.exec(
                select(table.shipment_pk, table.milestone, sa.func.max(table.occurrence)).group_by(
                    col(table.shipment_pk), col(table.milestone)
                )
            ).all()
        return {(pk, milestone): int(top) for pk, milestone, top in rows}

    def claim(self, firing: Firing, now: datetime) -> bool:
        """Record `firing`; False when another process recorded it first."""
        row = HomeAssistantEvent(
            shipment_pk=firing.view.pk,
            milestone=firing.milestone.value,
            occurrence=firing.occurrence,
            fired=firing.fire,
            recorded_at=now,
        )
        try:
            with self.store.transaction() as session:
                session.add(row)
        except IntegrityError:
            return False
        return True

    def release(self, firing: Firing) -> None:
        """Forget a claimed firing that the broker did not take."""
        table = HomeAssistantEvent
        with self.store.transaction() as session:
            session.execute(
                delete(table).where(
                    col(table.shipment_pk) == firing.view.pk,
                    col(table.milestone) == firing.milestone.value,
                    col(table.occurrence) == firing.occurrence,
                )
            )
