"""Carrier checks spent on 100 shipments over a week: parcelwatch's schedule
against fixed polling every 10 minutes.

Run: .venv/bin/python -m bench.carrier_polling [--shipments 100] [--seed 1]

Each simulated shipment (seeded, in Europe/Berlin) ships on one of the first three
days between 14:00 and 22:00 with an estimate 1 to 4 days later. It is scanned in
transit every 6 to 12 hours; on its delivery day it goes out for delivery between
05:45 and 12:30 (a few late ones until 14:00) and is delivered 1 to 9 hours later.
One in eight is a day late; its carrier moves the estimate the evening before
(as the carrier APIs' ETA fields do). One in twenty is a day early.

Both strategies start at the first scan and stop when they see "delivered". A
check is one tracking number asked about: fixed polling asks every 10 minutes; the
schedule asks when `daemon.carriers.schedule.next_check` says, knowing only what
earlier checks returned. Reported: checks per shipment, the ratio, and how long
after the real scan each strategy learnt of out-for-delivery and of delivery.

A third strategy is a backend that pushes its scans (a 17TRACK or AfterShip
webhook): the first check registers the number, then only the safety net
(`schedule.safety_net_check`) asks, until the pushed "delivered" ends it; news
arrives with the push (counted as no delay: the push is sent at the scan).
"""

from __future__ import annotations

import argparse
import random
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from daemon.carriers.schedule import Situation, next_check, safety_net_check
from parsers.model import Eta, Milestone

ZONE = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 23, 0, 0, tzinfo=ZONE)  # a Monday
FIXED = timedelta(minutes=10)


@dataclass(frozen=True)
class Scan:
    at: datetime
    milestone: Milestone
    eta: Eta | None


@dataclass(frozen=True)
class Outcome:
    checks: int
    out_for_delivery_delay: timedelta | None
    delivered_delay: timedelta


def local(day: date, hour: float) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZONE) + timedelta(hours=hour)


def lifecycle(rng: random.Random) -> list[Scan]:
    """One parcel's carrier scans, oldest first."""
    shipped = local(START.date() + timedelta(days=rng.randrange(3)), rng.uniform(14, 22))
    promised = shipped.date() + timedelta(days=rng.randint(1, 4))
    luck = rng.random()
    actual = promised + timedelta(days=1 if luck < 0.125 else -1 if luck > 0.95 else 0)
    actual = max(actual, shipped.date() + timedelta(days=1))
    out = local(actual, rng.uniform(5.75, 14.0) if rng.random() < 0.1 else rng.uniform(5.75, 12.5))
    delivered = min(out + timedelta(hours=rng.uniform(1, 9)), local(actual, 21.0))
    eta = Eta.day(promised)
    scans = [Scan(shipped, Milestone.SHIPPED, eta)]
    at = shipped + timedelta(hours=rng.uniform(6, 12))
    while at < out - timedelta(hours=1):
        if actual != promised and at.date() >= actual - timedelta(days=1) and at.hour >= 18:
            eta = Eta.day(actual)  # the carrier moves the estimate
        scans.append(Scan(at, Milestone.IN_TRANSIT, eta))
        at += timedelta(hours=rng.uniform(6, 12))
    if actual not in (promised, eta.start):
        scans.append(Scan(local(actual - timedelta(days=1), 19.5), Milestone.IN_TRANSIT,
                          Eta.day(actual)))  # fmt: skip
        eta = Eta.day(actual)
    scans.append(Scan(out, Milestone.OUT_FOR_DELIVERY, eta))
    scans.append(Scan(delivered, Milestone.DELIVERED, None))
    return sorted(scans, key=lambda s: s.at)


def seen_at(scans: list[Scan], when: datetime) -> Scan:
    return [s for s in scans if s.at <= when][-1]


def first_seen(checks: list[datetime], when: datetime) -> datetime:
    return next(c for c in checks if c >= when)


def outcome(scans: list[Scan], checks: list[datetime]) -> Outcome:
    out = next(s.at for s in scans if s.milestone is Milestone.OUT_FOR_DELIVERY)
    delivered = scans[-1].at
    seen_out = first_seen(checks, out)
    return Outcome(
        len(checks),
        seen_out - out if seen_out < delivered else None,  # missed: delivered first
        first_seen(checks, delivered) - delivered,
    )


def fixed_polling(scans: list[Scan]) -> Outcome:
    checks = [scans[0].at]
    while checks[-1] < scans[-1].at:
        checks.append(checks[-1] + FIXED)
    return outcome(scans, checks)


def scheduled(scans: list[Scan], rng: random.Random) -> Outcome:
    checks = [scans[0].at]
    while checks[-1] < scans[-1].at:
        scan = seen_at(scans, checks[-1])
        situation = Situation(scan.milestone, None, scan.eta, scans[0].at)
        following = next_check(situation, checks[-1].astimezone(UTC), ZONE, rng=rng.random)
        assert following is not None
        checks.append(following)
    return outcome(scans, checks)


def pushed(scans: list[Scan], rng: random.Random) -> Outcome:
    """With a webhook: the registering check, then the safety net until the push
    of the delivery; every scan is known the moment it is pushed."""
    delivered = scans[-1].at
    checks = [scans[0].at]
    while (following := safety_net_check(checks[-1], rng=rng.random)) < delivered:
        checks.append(following)
    return Outcome(len(checks), timedelta(0), timedelta(0))


def summary(name: str, outcomes: list[Outcome]) -> str:
    checks = [o.checks for o in outcomes]
    out = [o.out_for_delivery_delay for o in outcomes if o.out_for_delivery_delay is not None]
    done = [o.delivered_delay for o in outcomes]
    missed = sum(o.out_for_delivery_delay is None for o in outcomes)
    return (
        f"{name}: {sum(checks)} checks ({statistics.mean(checks):.1f} per shipment)\n"
        f"  out for delivery seen after {spread(out)}; "
        f"{missed} delivered before any check saw them out for delivery\n"
        f"  delivered seen after {spread(done)}"
    )


def spread(delays: list[timedelta]) -> str:
    ordered = sorted(delays)
    p90 = ordered[round(0.9 * (len(ordered) - 1))]
    within = sum(d <= timedelta(minutes=20) for d in ordered) / len(ordered)
    return (
        f"median {minutes(ordered[len(ordered) // 2])}, p90 {minutes(p90)}, "
        f"max {minutes(ordered[-1])}; {within:.0%} within 20 min"
    )


def minutes(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 60:.0f} min"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shipments", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    parcels = [lifecycle(rng) for _ in range(args.shipments)]
    fixed = [fixed_polling(p) for p in parcels]
    ours = [scheduled(p, rng) for p in parcels]
    pushes = [pushed(p, rng) for p in parcels]
    print(summary("fixed 10-minute polling", fixed))
    print(summary("parcelwatch schedule", ours))
    print(summary("webhook + safety net", pushes))
    ratio = sum(o.checks for o in fixed) / sum(o.checks for o in ours)
    print(f"the schedule spends {ratio:.1f} times fewer checks")
    saved = sum(o.checks for o in ours) - sum(o.checks for o in pushes)
    share = saved / sum(o.checks for o in ours)
    print(f"a webhook saves {saved} of the schedule's checks ({share:.0%})")


if __name__ == "__main__":
    main()
