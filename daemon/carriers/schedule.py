"""When to ask a carrier about a shipment next: often where news is due, rarely
where it is not.

Parcels move on a rhythm: after the label a day or more of line-haul, then on the
delivery day an out-for-delivery scan in the early morning and the delivery some
hours later. Polling every few minutes all along spends most requests on hours in
which nothing can happen. This policy, pure and clock-free, spends them where a
milestone is due:

- shipped or in transit, before the estimated day: every `quiet` hours;
- on the estimated day (in the marketplace's time zone), inside the morning window
  in which carriers scan parcels out for delivery: every `watch` minutes, then
  hourly for the rest of the day (a late out-for-delivery scan is still caught
  within the hour, an early delivery within the watch interval);
- out for delivery: every `watch` minutes until it is delivered;
- ready for pickup: every `pickup` hours; delayed, attempted or exception
  before the (new) estimated day: every `side` hours;
- without an estimate: as on an estimated day once `quiet` has passed twice,
  so a parcel with no ETA is never left for long;
- delivered, returned, cancelled: never again;
- whatever the state, when the backend pushes its updates (a webhook): every
  `safety_net` hours, in case a push was lost.

Each interval longer than `watch` is shortened by a random fraction of up to
`jitter`, so that many shipments do not fall due in the same second; the close
watch itself is exact, so news is never seen later than `watch` after it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from parsers.model import Eta, Kind, Milestone


@dataclass(frozen=True)
class Policy:
    quiet: timedelta = timedelta(hours=24)
    watch: timedelta = timedelta(minutes=20)
    hourly: timedelta = timedelta(hours=1)
    side: timedelta = timedelta(hours=4)
    pickup: timedelta = timedelta(hours=12)
    # When carriers scan parcels out for delivery, in local time.
    morning_start: time = time(6, 0)
    morning_end: time = time(12, 0)
    evening_end: time = time(21, 30)
    jitter: float = 0.1
    # A backend that pushes its updates (a webhook) is still asked this often,
    # in case a push was lost: a rare safety net instead of the schedule above.
    safety_net: timedelta = timedelta(hours=12)


@dataclass(frozen=True)
class Situation:
    """What the schedule needs to know about one shipment."""

    progress: Milestone | None
    side: Milestone | None
    eta: Eta | None
    shipped_at: datetime | None


def next_check(
    situation: Situation,
    now: datetime,
    zone: tzinfo,
    policy: Policy = Policy(),
    rng: Callable[[], float] = random.random,
) -> datetime | None:
    """The time of the next check after `now`, or None when checks are over."""
    progress = situation.progress
    if progress is not None and progress.kind is Kind.TERMINAL:
        return None
    if situation.side is not None and situation.side.kind is Kind.TERMINAL:
        return None
    interval = _interval(situation, now, zone, policy)
    if interval <= policy.watch:
        return now + interval  # close watch: exact, so news is never later than `watch`
    return now + interval * (1.0 - policy.jitter * rng())


def _interval(situation: Situation, now: datetime, zone: tzinfo, policy: Policy) -> timedelta:
    progress = situation.progress
    if progress is Milestone.OUT_FOR_DELIVERY:
        return policy.watch
    if progress is Milestone.AVAILABLE_FOR_PICKUP:
        return policy.pickup
    local = now.astimezone(zone)
    if _due_today(situation, local.date(), now, policy):
        return _delivery_day(local, policy)
    return _until_due(situation, local, policy)


def _due_today(situation: Situation, today: date, now: datetime, policy: Policy) -> bool:
    eta = situation.eta
    if eta is not None:
        return eta.start <= today
    shipped = situation.shipped_at
    return shipped is not None and now - shipped >= 2 * policy.quiet


def _delivery_day(local: datetime, policy: Policy) -> timedelta:
    """On the day a delivery is expected: closely in the morning window, hourly
    until the evening, then not before the next morning."""
    clock = local.time()
    if clock < policy.morning_start:
        return _until(local, policy.morning_start, days=0)
    if clock < policy.morning_end:
        return policy.watch
    if clock < policy.evening_end:
        return policy.hourly
    return _until(local, policy.morning_start, days=1)


def _until_due(situation: Situation, local: datetime, policy: Policy) -> timedelta:
    """Before the expected day: every `quiet` hours (`side` hours while delayed or
    after a failed attempt), but never past the start of the expected day's
    morning window."""
    every = policy.side if situation.side is not None else policy.quiet
    eta = situation.eta
    if eta is None:
        return every
    days = (eta.start - local.date()).days
    return min(every, _until(local, policy.morning_start, days=days))


def _until(local: datetime, when: time, *, days: int) -> timedelta:
    """From `local` to `when` on the day `days` after local's date (at least a minute)."""
    target = datetime.combine(local.date() + timedelta(days=days), when, tzinfo=local.tzinfo)
    return max(target - local, timedelta(minutes=1))


def safety_net_check(
    now: datetime, policy: Policy = Policy(), rng: Callable[[], float] = random.random
) -> datetime:
    """The next check of a shipment whose backend pushes its updates."""
    return now + policy.safety_net * (1.0 - policy.jitter * rng())
