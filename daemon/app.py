"""Wiring: builds the objects a command needs from settings, once, and passes
them in. There are no module-level singletons anywhere else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from daemon.carrier_schedule import Policy
from daemon.carriers.routing import Router
from daemon.checks import Checks
from daemon.config import Settings
from daemon.ingest import Routing
from daemon.notify import Notifier
from daemon.pipeline import Pipeline
from daemon.refresher import Refresher
from daemon.store import Store
from parsers.registry import default_registry

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class App:
    settings: Settings
    store: Store
    pipeline: Pipeline
    notifier: Notifier
    zone: tzinfo | None
    clock: Clock
    checks: Checks
    refresher: Refresher

    def close(self) -> None:
        self.refresher.close()
        self.notifier.close()
        self.store.close()


def build(settings: Settings, clock: Clock = system_clock) -> App:
    store = Store(settings.database_url.reveal())
    notifier = Notifier(
        settings.notify.targets,
        max_attempts=settings.notify.max_attempts,
        retry_seconds=settings.notify.retry_seconds,
        clock=clock,
    )
    routing = Routing(settings.notify.milestones, notifier.target_names)
    registry = default_registry(
        marketplaces=settings.marketplaces,
        forwarders=settings.forwarding_addresses,
        require_authentication=settings.require_authentication,
    )
    pipeline = Pipeline(registry, store, routing, clock)
    zone = ZoneInfo(settings.timezone) if settings.timezone else None
    checks = Checks(store, routing)
    router = Router.from_settings(settings.carriers, clock, checks.answered_by)
    refresher = Refresher(checks, router, clock, Policy(stale_after=timedelta(
        days=settings.carriers.stale_days)))  # fmt: skip
    return App(settings, store, pipeline, notifier, zone, clock, checks, refresher)
