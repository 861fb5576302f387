"""Which configured backend is asked about which carrier, and why a shipment may
have none.

Built from the `[carriers]` settings: each configured backend once, asked in the
configured order. A carrier's own API is taken when configured; an aggregator
(17TRACK, AfterShip) serves any carrier; Amazon Logistics parcels are tracked by
no public API for their recipients, so they stay email-only whatever is
configured, and `show` says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from daemon.carriers import aftership, dhl, fedex, seventeen_track, ups
from daemon.carriers.aftership import AfterShip
from daemon.carriers.base import Backend, Clock
from daemon.carriers.dhl import Dhl
from daemon.carriers.fedex import FedEx
from daemon.carriers.http_backend import HttpBackend
from daemon.carriers.pacing import Pacer
from daemon.carriers.seventeen_track import SeventeenTrack
from daemon.carriers.ups import Ups
from daemon.config.carriers import BackendSettings, CarrierSettings

DEFAULT_URLS = {
    "17track": seventeen_track.DEFAULT_BASE_URL,
    "aftership": aftership.DEFAULT_BASE_URL,
    "dhl": dhl.DEFAULT_BASE_URL,
    "ups": ups.DEFAULT_BASE_URL,
    "fedex": fedex.DEFAULT_BASE_URL,
}

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
    name, timeout = settings.name, settings.timeout
    url = settings.base_url or DEFAULT_URLS[name]
    if name in ("ups", "fedex"):
        assert settings.client_id is not None and settings.client_secret is not None
        oauth = Ups if name == "ups" else FedEx
        return oauth(
            settings.client_id, settings.client_secret, base_url=url, timeout=timeout, clock=clock
        )
    assert settings.api_key is not None
    key = settings.api_key
    if name == "17track":
        return SeventeenTrack(key, base_url=url, timeout=timeout, clock=clock, registered=known)
    if name == "aftership":
        return AfterShip(key, base_url=url, timeout=timeout, clock=clock, created=known)
    return Dhl(key, base_url=url, timeout=timeout, clock=clock)


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
