"""The `[carriers]` section: which carrier-status APIs to use, with whose keys.

A backend is configured by its own sub-table (`[carriers.ups]`); without any,
parcelwatch tracks from email alone. `order` says which configured backend is
asked first about a carrier it serves: a carrier's own API before an aggregator.
"""

from __future__ import annotations

from dataclasses import dataclass

from daemon.config.secrets import Secret
from daemon.config.table import Table

# Carrier-specific APIs first: they know their own parcels best and cost no
# aggregator quota; then the aggregators, which serve any carrier.
BACKENDS = ("ups", "fedex", "dhl", "17track", "aftership")
_API_KEY = ("17track", "aftership", "dhl")
DEFAULT_STALE_DAYS = 10
DEFAULT_TIMEOUT = 20.0
# Requests per second: AfterShip documents 10 and 17TRACK 3; DHL sets a limit per
# app (the free tier is low); for UPS and FedEx a cautious figure.
_WEBHOOK_KEYS = {"17track": ("webhook",), "aftership": ("webhook_secret",)}
DEFAULT_RATES = {"17track": 3.0, "aftership": 10.0, "dhl": 1.0, "ups": 2.0, "fedex": 2.0}


@dataclass(frozen=True)
class BackendSettings:
    """One backend's credentials and options. API-key backends have `api_key`;
    UPS and FedEx have `client_id` and `client_secret`."""

    name: str
    api_key: Secret | None
    client_id: str | None
    client_secret: Secret | None
    base_url: str | None
    timeout: float
    requests_per_second: float
    # The backend pushes its updates to `POST /hooks/<name>` (17TRACK signs them
    # with the API key, AfterShip with `webhook_secret`): polling becomes a rare
    # safety net.
    webhook: bool = False
    webhook_secret: Secret | None = None


@dataclass(frozen=True)
class CarrierSettings:
    order: tuple[str, ...]
    backends: tuple[BackendSettings, ...]
    stale_days: int

    def backend(self, name: str) -> BackendSettings | None:
        return next((b for b in self.backends if b.name == name), None)

    @property
    def pushed(self) -> frozenset[str]:
        """The backends that push their updates to the web server's hooks."""
        return frozenset(b.name for b in self.backends if b.webhook)


def read_carriers(root: Table) -> CarrierSettings:
    section = root.table("carriers", ("order", "stale_days", *BACKENDS))
    backends = tuple(_backend(section, name) for name in BACKENDS if section.has(name))
    configured = tuple(b.name for b in backends)
    order = section.choices("order", BACKENDS, configured, what="backend", allow_empty=False)
    for index, name in enumerate(order):
        if name not in configured:
            raise section.error(
                f"order[{index}]", f"'{name}' has no [carriers.{name}] table with its keys"
            )
    order += tuple(name for name in configured if name not in order)
    return CarrierSettings(
        order=order,
        backends=backends,
        stale_days=section.integer("stale_days", DEFAULT_STALE_DAYS, minimum=1),
    )


def _backend(section: Table, name: str) -> BackendSettings:
    webhook, webhook_secret = False, None
    if name in _API_KEY:
        table = section.table(name, ("api_key", "base_url", "timeout", "requests_per_second",
                                     *_WEBHOOK_KEYS.get(name, ())))  # fmt: skip
        api_key = table.secret("api_key")
        webhook, webhook_secret = _webhook(table, name)
        if api_key.source == "inline":
            table.warn("api_key", "given inline; prefer { env = ... } or { credential = ... }")
        client_id, client_secret = None, None
    else:
        table = section.table(
            name, ("client_id", "client_secret", "base_url", "timeout", "requests_per_second")
        )
        api_key = None
        client_id = table.string("client_id")
        client_secret = table.secret("client_secret")
        if client_secret.source == "inline":
            table.warn(
                "client_secret", "given inline; prefer { env = ... } or { credential = ... }"
            )
    base_url = table.string("base_url", "") or None
    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise table.error("base_url", "must start with https:// (or http:// for a local proxy)")
    return BackendSettings(
        name=name,
        api_key=api_key,
        client_id=client_id,
        client_secret=client_secret,
        base_url=base_url.rstrip("/") if base_url else None,
        timeout=table.number("timeout", DEFAULT_TIMEOUT, minimum=1),
        requests_per_second=table.number("requests_per_second", DEFAULT_RATES[name], minimum=0.01),
        webhook=webhook,
        webhook_secret=webhook_secret,
    )


def _webhook(table: Table, name: str) -> tuple[bool, Secret | None]:
    """17TRACK signs its pushes with the API key: `webhook = true` is enough.
    AfterShip signs them with a secret of their own: giving it turns the hook on."""
    if name == "17track":
        return table.boolean("webhook", False), None
    if name == "aftership":
        secret = table.optional_secret("webhook_secret")
        if secret is not None and secret.source == "inline":
            table.warn(
                "webhook_secret", "given inline; prefer { env = ... } or { credential = ... }"
            )
        return secret is not None, secret
    return False, None
