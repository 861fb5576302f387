"""`/metrics` for Prometheus: a collector that reads the database at scrape
time (shipments by state, notifications per target, emails by outcome, the
parse-duration histogram, each mail account's last good check) and asks the
running components for what only they know (carrier requests and errors per
backend, webhooks received). Nothing is counted in a global: the registry is
this object's own, so two sites in one process (tests) never share series.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from daemon.carriers.base import Usage
from daemon.store.database import Store
from daemon.web.http import Response

# Parsing an email takes ~2 ms (docs/BENCHMARKS.md); the buckets reach the
# hostile ones that run into their budget.
PARSE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0)


@dataclass
class HookCounts:
    """Webhooks received per (backend, outcome), counted by daemon.web.hooks."""

    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, backend: str, outcome: str) -> None:
        with self.lock:
            key = (backend, outcome)
            self.counts[key] = self.counts.get(key, 0) + 1

    def snapshot(self) -> dict[tuple[str, str], int]:
        with self.lock:
            return dict(self.counts)


class StoreCollector:
    def __init__(
        self,
        store: Store,
        carriers: Callable[[], Mapping[str, Usage]],
        hooks: HookCounts,
    ) -> None:
        self.store = store
        self.carriers = carriers
        self.hooks = hooks

    def collect(self) -> Iterator[Metric]:
        counts = self.store.tallies(PARSE_BUCKETS)
        shipments = GaugeMetricFamily(
            "parcelwatch_shipments", "Shipments by status (archived: finished and put away)",
            labels=["status", "archived"],
        )  # fmt: skip
        for (status, archived), n in sorted(counts.shipments.items()):
            shipments.add_metric([status, "true" if archived else "false"], n)
        yield shipments
        yield from _notifications(counts.deliveries)
        yield from _emails(counts.emails)
        histogram = counts.parse_seconds
        buckets = [(_bound(b), float(n)) for b, n in histogram.buckets]
        buckets.append(("+Inf", float(histogram.count)))
        yield HistogramMetricFamily(
            "parcelwatch_parse_duration_seconds", "Time to decode and parse one email",
            buckets=buckets, sum_value=histogram.total,
        )  # fmt: skip
        yield self._accounts()
        yield from self._carriers()
        hooks = CounterMetricFamily(
            "parcelwatch_webhooks", "Carrier webhooks received, by outcome",
            labels=["backend", "outcome"],
        )  # fmt: skip
        for (backend, outcome), n in sorted(self.hooks.snapshot().items()):
            hooks.add_metric([backend, outcome], n)
        yield hooks

    def _accounts(self) -> Metric:
        last = GaugeMetricFamily(
            "parcelwatch_mail_last_success_timestamp_seconds",
            "When each mail account was last read without error (Unix time)",
            labels=["account"],
        )
        for account in self.store.account_statuses():
            if account.last_success_at is not None:
                last.add_metric([account.account], account.last_success_at.timestamp())
        return last

    def _carriers(self) -> Iterator[Metric]:
        usage = self.carriers()
        requests = CounterMetricFamily(
            "parcelwatch_carrier_requests", "HTTP requests sent to each carrier API (this process)",
            labels=["backend"],
        )  # fmt: skip
        errors = CounterMetricFamily(
            "parcelwatch_carrier_errors", "Carrier API requests that failed (this process)",
            labels=["backend"],
        )  # fmt: skip
        for name, used in sorted(usage.items()):
            requests.add_metric([name], used.requests)
            errors.add_metric([name], used.errors)
        yield requests
        yield errors


def _notifications(deliveries: Mapping[tuple[str, str], int]) -> Iterator[Metric]:
    families: dict[str, CounterMetricFamily | GaugeMetricFamily] = {
        "sent": CounterMetricFamily(
            "parcelwatch_notifications_sent", "Notifications delivered, per target",
            labels=["target"]),
        "failed": CounterMetricFamily(
            "parcelwatch_notifications_failed",
            "Notifications given up after every retry, per target", labels=["target"]),
        "pending": GaugeMetricFamily(
            "parcelwatch_notifications_pending", "Notifications waiting to be sent, per target",
            labels=["target"]),
    }  # fmt: skip
    totals: dict[tuple[str, str], int] = {}
    for (target, status), n in deliveries.items():
        if target == "-":
            continue  # routed to no target: not a delivery
        kind = "pending" if status in ("pending", "sending") else status
        totals[(kind, target)] = totals.get((kind, target), 0) + n
    for target in sorted({target for _, target in totals}):
        for kind, family in families.items():  # every target in every family, 0 included
            family.add_metric([target], totals.get((kind, target), 0))
    yield from families.values()


def _emails(outcomes: Mapping[str, int]) -> Iterator[Metric]:
    emails = CounterMetricFamily(
        "parcelwatch_emails", "Emails recorded, by outcome (read, ignored, unrecognised, "
        "rejected, error)", labels=["outcome"],
    )  # fmt: skip
    for outcome, n in sorted(outcomes.items()):
        emails.add_metric([outcome], n)
    yield emails
    yield CounterMetricFamily(
        "parcelwatch_unrecognised_emails",
        "Amazon emails about an order that no rule could read",
        value=outcomes.get("unrecognised", 0),
    )  # fmt: skip
    yield CounterMetricFamily(
        "parcelwatch_parse_errors", "Emails that could not be decoded, parsed or recorded",
        value=outcomes.get("error", 0),
    )  # fmt: skip


def _bound(value: float) -> str:
    return repr(float(value))


class Metrics:
    """The /metrics endpoint over its own registry."""

    def __init__(self, collector: StoreCollector) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(collector)

    def exposition(self) -> Response:
        return Response(200, generate_latest(self.registry), CONTENT_TYPE_LATEST)
