"""Which configured backend is asked about which carrier, and why a shipment may
have none.

Built from the `[carriers]` settings: each configured backend once, asked in the
configured order. A carrier's own API is taken when configured; an aggregator
(17TRACK, AfterShip) serves any carrier; Amazon Logistics parcels are tracked by
no public API for their recipients, so they stay email-only whatever is
configured, and `show` says so.

A backend's module (and with it httpx) is imported when that backend is built:
a daemon without `[carriers]` never loads an HTTP client.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from daemon.carriers.base import Backend, Clock
from daemon.carriers.pacing import Pacer
from daemon.config.carriers import BackendSettings, CarrierSettings

if TYPE_CHECKING:
    from daemon.carriers.http_backend import HttpBackend

# Carriers whose parcels no backend will track for the person receiving them.
EMAIL_ONLY = frozenset({"amazon_logistics"})


def build_backend(
    settings: BackendSettings,
    clock: Clock,
    known: Iterable[str] = (),
    pacer: Callable[[float], Pacer] = Pacer,
) -> Backend:
    """One backend from its settings, its requests spaced to the configured rate;
    the base URL defaults to the real API's. `known` are the numbers this backend
    answered for before (in an earlier process): 17TRACK and AfterShip need not
    register or create them again."""
    backend = _construct(settings, clock, tuple(known))
    backend.limit_rate(pacer(settings.requests_per_second))
    return backend


def _construct(settings: BackendSettings, clock: Clock, known: tuple[str, ...]) -> HttpBackend:
    """The backend named by `settings`, its module imported now (see above)."""
    name, timeout, url = settings.name, settings.timeout, settings.base_url
    if name in ("ups", "fedex"):
        assert settings.client_id is not None and settings.client_secret is not None
        ident, secret = settings.client_id, settings.client_secret
        if name == "ups":
            from daemon.carriers import ups

            url = url or ups.DEFAULT_BASE_URL
            return ups.Ups(ident, secret, base_url=url, timeout=timeout, clock=clock)
        from daemon.carriers import fedex

        url = url or fedex.DEFAULT_BASE_URL
        return fedex.FedEx(ident, secret, base_url=url, timeout=timeout, clock=clock)
    assert settings.api_key is not None
    key = settings.api_key
    if name == "17track":
        from daemon.carriers import seventeen_track as track

        url = url or track.DEFAULT_BASE_URL
        return track.SeventeenTrack(
            key, base_url=url, timeout=timeout, clock=clock, registered=known
        )
    if name == "aftership":
        from daemon.carriers import aftership

        url = url or aftership.DEFAULT_BASE_URL
        return aftership.AfterShip(key, base_url=url, timeout=timeout, clock=clock, created=known)
    from daemon.carriers import dhl

    return dhl.Dhl(key, base_url=url or dhl.DEFAULT_BASE_URL, timeout=timeout, clock=clock)


@dataclass(frozen=True)
class Route:
    """The backend for a shipment, or why there is none (for `show`)."""

    backend: Backend | None
    reason: str | None


class Router:
    def __init__(self, order: tuple[str, ...], backends: Mapping[str, Backend]) -> None:
        self.order = order
        self.backends = dict(backends)

    @classmethod
    def from_settings(
        cls,
        settings: CarrierSettings,
        clock: Clock,
        known: Callable[[str], Iterable[str]] = lambda name: (),
    ) -> Router:
        """`known(name)`: the numbers backend `name` answered for before."""
        backends = {b.name: build_backend(b, clock, known(b.name)) for b in settings.backends}
        return cls(settings.order, backends)

    def route(self, carrier: str | None, tracking_number: str | None) -> Route:
        if not tracking_number:
            return Route(None, "no tracking number yet; following the emails")
        if carrier in EMAIL_ONLY:
            return Route(None, "Amazon Logistics parcels are tracked by email only")
        for name in self.order:
            backend = self.backends.get(name)
            if backend is None:
                continue
            if backend.carriers is None or (carrier is not None and carrier in backend.carriers):
                return Route(backend, None)
        if not self.backends:
            return Route(None, "no carrier API configured ([carriers] in the config)")
        return Route(None, f"no configured carrier API serves {carrier or 'this carrier'}")

    def close(self) -> None:
        for backend in self.backends.values():
            backend.close()
