"""Asking the carriers about due shipments, and planning the next ask.

One pass: take the shipments whose check is due, route each to a backend (or
record why it stays email-only), ask each backend about its batch, record what
it said through the state machine, and schedule each shipment's next check from
its new state (daemon.carrier_schedule). Errors follow the tiers, per backend: a
refused key disables that backend until restart, with one line naming the key;
a 429 or an outage pauses it (honouring Retry-After), and its shipments are asked
again when the pause is over; a rejected number is never asked again, with the
reason kept for `show`.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from daemon.carriers.base import Backend, BatchResult, TrackingQuery
from daemon.carriers.ledger import Checks, CheckState, DueCheck
from daemon.carriers.routing import Router
from daemon.carriers.schedule import Policy, Situation, next_check, safety_net_check
from daemon.errors import AuthError, ParcelwatchError, PermanentError, TransientError
from parsers.amazon.marketplaces import by_domain

log = logging.getLogger(__name__)

# Without Retry-After, a backend that failed is asked again after this long.
_PAUSE = timedelta(minutes=15)
_DEFAULT_ZONE = "UTC"


@dataclass
class RefreshReport:
    checked: int = 0
    notifications: int = 0
    email_only: int = 0
    rejected: int = 0
    failed: int = 0


class Refresher:
    def __init__(
        self,
        checks: Checks,
        router: Router,
        clock: Callable[[], datetime],
        policy: Policy | None = None,
        rng: Callable[[], float] = random.random,
        pushed: frozenset[str] = frozenset(),
    ) -> None:
        self.checks = checks
        self.router = router
        self.clock = clock
        self.policy = policy or Policy()
        self._rng = rng
        # Backends that push their updates to the web server's hooks: their
        # shipments are asked only every `policy.safety_net`.
        self.pushed = pushed
        self._paused: dict[str, datetime] = {}
        self._disabled: dict[str, str] = {}

    def run_due(self, shipment_pks: Sequence[int] | None = None) -> RefreshReport:
        """Check every due shipment (or exactly these, now)."""
        now = self.clock()
        report = RefreshReport()
        batches: dict[str, tuple[Backend, list[DueCheck]]] = {}
        for due in self.checks.due(now, shipment_pks=shipment_pks):
            route = self.router.route(due.carrier, due.tracking_number)
            if route.backend is None:
                self.checks.schedule(due.shipment_pk, None, note=route.reason)
                report.email_only += 1
                continue
            batches.setdefault(route.backend.name, (route.backend, []))[1].append(due)
        for backend, items in batches.values():
            self._ask(backend, items, now, report)
        return report

    def _ask(
        self, backend: Backend, items: list[DueCheck], now: datetime, report: RefreshReport
    ) -> None:
        if backend.name in self._disabled:
            return
        paused = self._paused.get(backend.name)
        if paused is not None and now < paused:
            return
        queries = [TrackingQuery(d.carrier, d.tracking_number) for d in items]
        try:
            result = backend.check(queries)
        except AuthError as exc:
            self._disabled[backend.name] = str(exc)
            log.error("%s; carrier checks with %s stop until restart", exc, backend.name)
            report.failed += len(items)
            return
        except TransientError as exc:
            wait = timedelta(seconds=exc.retry_after) if exc.retry_after else _PAUSE
            self._paused[backend.name] = now + wait
            log.warning("%s; asking %s again in %.0f s", exc, backend.name, wait.total_seconds())
            report.failed += len(items)
            return
        except PermanentError as exc:
            log.error("%s", exc)
            report.failed += len(items)
            return
        self._paused.pop(backend.name, None)
        self._record(backend, items, result, now, report)

    def _record(
        self,
        backend: Backend,
        items: list[DueCheck],
        result: BatchResult,
        now: datetime,
        report: RefreshReport,
    ) -> None:
        rejected = {r.number: r.reason for r in result.rejected}
        for due in items:
            number = due.tracking_number
            if number in rejected:
                note = f"{backend.name} rejected {number}: {rejected[number]}"
                self.checks.schedule(due.shipment_pk, None, note=note)
                report.rejected += 1
                continue
            status = result.statuses.get(number)
            try:
                if status is not None:
                    queued, state = self.checks.record(due, backend.name, status, now)
                    report.notifications += queued
                else:
                    state = self.checks.state(due.shipment_pk)
            except ParcelwatchError as exc:
                log.error("%s", exc)
                report.failed += 1
                continue
            report.checked += 1
            self._plan(due, state, now, report, backend.name)

    def _plan(
        self, due: DueCheck, state: CheckState, now: datetime, report: RefreshReport, backend: str
    ) -> None:
        if state.terminal:
            self.checks.schedule(due.shipment_pk, None, note="finished")
            return
        following: datetime | None
        if backend in self.pushed:
            following = safety_net_check(now, self.policy, self._rng)
        else:
            situation = Situation(state.progress, state.side, state.eta, state.created_at)
            following = next_check(situation, now, _zone(due.marketplace), self.policy, self._rng)
        self.checks.schedule(due.shipment_pk, following)

    def close(self) -> None:
        self.router.close()


def _zone(marketplace: str | None) -> ZoneInfo:
    market = by_domain(marketplace) if marketplace else None
    return ZoneInfo(market.timezone if market else _DEFAULT_ZONE)
